import Foundation
import Netlink
import NetCore
import SystemPackage

/// What each reading thread makes of a chain's rules: `add` runs on the thread that dumped the chain, once
/// per batch of decoded rules (one call with no rules for an empty chain), growing a `Part` from `initial`;
/// the parts then reach the calling thread in chain order, one or more per chain (one per batch). A
/// renderer's text is the usual part.
public struct ChainWork<Part: Sendable>: Sendable {
    public var initial: Part
    public var add: @Sendable (_ chain: Chain, _ rules: [Rule], _ part: inout Part) -> Void
    /// Optional: takes one rule straight from its `NFT_MSG_NEWRULE` message (a renderer that reads the bytes
    /// in place) and returns true, or returns false, leaving `part` as it was, to have the rule decoded and
    /// given to `add` instead. Rules keep their order either way.
    public var addMessage: (@Sendable (_ chain: Chain, _ message: NetlinkMessage, _ part: inout Part) -> Bool)?

    public init(initial: Part, add: @escaping @Sendable (_ chain: Chain, _ rules: [Rule], _ part: inout Part) -> Void,
                addMessage: (@Sendable (_ chain: Chain, _ message: NetlinkMessage, _ part: inout Part) -> Bool)? = nil) {
        self.initial = initial
        self.add = add
        self.addMessage = addMessage
    }
}

extension RulesetReader {
    /// Reads the ruleset like `stream`, but dumps the chains' rules on several connections at once, one
    /// thread each, and turns each chain into a part on the thread that read it (`work`): the kernel's dump
    /// time of one chain overlaps the decoding and rendering of others, on as many cores as connections.
    ///
    /// Parts reach `chain` in `order`, a chain's parts consecutively (a long chain's first parts while its
    /// rest is still read), one call at a time but not always on the calling thread: the thread that read
    /// the part due next hands it over (the calling thread reads on the first connection). Threads read ahead of the chain being handed
    /// over (a 20,000-rule chain takes one thread a while, and the others keep going), but take no new chain
    /// while `window` chains or `windowRules` rules wait to be handed over, so memory stays bounded whatever
    /// the ruleset's size. The read is consistent as
    /// `stream`'s is: the generation is checked before and after, and a dump flagged `NLM_F_DUMP_INTR` or a
    /// changed generation replays it, `restart` telling the caller to drop what it received.
    ///
    /// - Parameters:
    ///   - connections: netfilter connections in the reader's namespace, one per reading thread (the calling
    ///     thread takes the first); the reader's own connection only reads the generation and the structure.
    ///   - structure: called first, on the calling thread; returns what the reading threads do per chain.
    // Specialised for the renderers' parts: unspecialised, the hand-over's dictionary and arrays of parts
    // paid a metadata lookup per operation (a tenth of a 1,000-service read).
    @_specialize(exported: true, where Part == [UInt8])
    @_specialize(exported: true, where Part == String)
    public func stream<Part: Sendable>(_ filter: RulesetFilter = RulesetFilter(),
                                       order: ((RulesetStructure) -> [Int])? = nil,
                                       on connections: [NetlinkConnection], window: Int = 16_384,
                                       windowRules: Int = 16_384,
                                       structure: (RulesetStructure) throws -> ChainWork<Part>,
                                       chain: (Chain, Part) throws -> Void,
                                       restart: (_ attempt: Int) throws -> Void) throws {
        guard !connections.isEmpty else {
            throw NetlinkError(operation: .dump("nftables ruleset"), errno: .invalidArgument,
                               kernelMessage: "a parallel read needs at least one connection", namespace: connection.namespace)
        }
        for attempt in 1...max(1, maxAttempts) {
            if attempt > 1 { try restart(attempt) }
            let before = try generation()
            var consistent = true
            let read = try readStructure(filter, generation: before, consistent: &consistent)
            if consistent {
                let work = try structure(read)
                // Indices, not chains: a copy of 79,000 chains would cost megabytes.
                let positions = (order?(read) ?? Array(read.chains.indices))
                    .filter { filter.chain == nil || filter.chain == read.chains[$0].name }
                let run = ParallelChainRead(chains: read.chains, order: positions, work: work,
                                            window: max(1, window), windowRules: max(1, windowRules))
                consistent = try run.run(connections: connections, reader: self, deliver: chain)
            }
            if consistent, try generation() == before { return }
        }
        throw NetlinkError(operation: .dump("nftables ruleset"), errno: .resourceTemporarilyUnavailable,
                           kernelMessage: "the ruleset changed during every one of \(maxAttempts) reads",
                           namespace: connection.namespace)
    }

    /// Dumps one chain's rules on `connection`, making a part of each batch and handing it to `emit` with
    /// its rule count (one part, maybe of no rules, for an empty chain); returns the dump's inconsistency.
    static func readChain<Part>(_ chain: Chain, on connection: NetlinkConnection, work: ChainWork<Part>,
                                emit: (Part, Int) -> Void) throws -> DumpInconsistency? {
        var request = NFTMessage.request(.getRule, family: chain.family)
        request.append(1, string: chain.table)
        request.append(2, string: chain.name)
        if let addMessage = work.addMessage {
            return try readChain(chain, request: request, on: connection, work: work, addMessage: addMessage, emit: emit)
        }
        var batch: [Rule] = []
        var delivered = false
        func flush() {
            var part = work.initial
            work.add(chain, batch, &part)
            emit(part, batch.count)
            batch.removeAll(keepingCapacity: true)
            delivered = true
        }
        let result = try connection.dump(request, operation: .dump("nftables rules of \(chain.table)/\(chain.name)")) { reply in
            guard NFTMessage(netlinkType: reply.header.type) == .newRule else { return }
            batch.append(try Rule(message: reply, table: chain.table, chain: chain.name))
            if batch.count >= rulesPerEvent { flush() }
        }
        if !batch.isEmpty || !delivered { flush() }
        return result
    }
}

extension RulesetReader {
    /// `readChain` for work that takes rules from their messages: parts grow rule by rule, a rule the
    /// work declines is decoded and added alone, and a part goes out every `rulesPerEvent` rules.
    private static func readChain<Part>(_ chain: Chain, request: NetlinkRequest, on connection: NetlinkConnection,
                                        work: ChainWork<Part>,
                                        addMessage: (Chain, NetlinkMessage, inout Part) -> Bool,
                                        emit: (Part, Int) -> Void) throws -> DumpInconsistency? {
        var part = work.initial
        var rules = 0
        var delivered = false
        let result = try connection.dump(request, operation: .dump("nftables rules of \(chain.table)/\(chain.name)")) { reply in
            guard NFTMessage(netlinkType: reply.header.type) == .newRule else { return }
            if !addMessage(chain, reply, &part) {
                work.add(chain, [try Rule(message: reply, table: chain.table, chain: chain.name)], &part)
            }
            rules += 1
            if rules >= rulesPerEvent {
                emit(part, rules)
                part = work.initial
                rules = 0
                delivered = true
            }
        }
        if rules > 0 || !delivered { emit(part, rules) }
        return result
    }
}

/// The shared state of one parallel read: which chain each thread takes next, the parts read ahead of the
/// hand-over, and whether the read broke. Every field is guarded by `condition`.
///
/// No thread waits for the parts: the thread that completes the part due next hands it over itself, and
/// every part after it that is ready, one thread at a time (the writer). A writer thread that sat waiting for
/// each of 79,000 chains cost two futex calls and two context switches a chain, a tenth of the read.
private final class ParallelChainRead<Part: Sendable>: @unchecked Sendable {
    let chains: [Chain]
    /// The chains to read, as indices into `chains`, in hand-over order; "position" below indexes this.
    let order: [Int]
    let work: ChainWork<Part>
    let window: Int
    let windowRules: Int
    private let condition = NSCondition()
    /// The position (in `order`) of the next chain a thread will take.
    private var next = 0
    /// Chains handed over completely so far, which is also the position due next: threads take no chain
    /// `window` or more past it.
    private var handedOver = 0

    /// A chain's parts read and not yet handed over: a long chain's first parts are handed over while its
    /// thread still reads the rest, so its text never sits whole in memory.
    private struct Pending {
        var parts: [(part: Part, rules: Int)] = []
        var finished = false
    }
    private var ready: [Int: Pending] = [:]
    /// Rules in `ready`: threads take no new chain while it is `windowRules` or more.
    private var readyRules = 0
    /// Whether a thread is handing parts over (only one does at a time, in order).
    private var writing = false
    /// Threads waiting for the hand-over to catch up (woken only when there are some).
    private var waitingReaders = 0
    private var inconsistent = false
    private var failure: (any Error)?
    /// The caller's `deliver` threw: the threads stop taking chains and nothing more is handed over.
    private var deliveryError: (any Error)?
    private var running = 0
    /// The caller's `deliver`, set for the duration of `run`.
    private var deliver: ((Chain, Part) throws -> Void)?

    init(chains: [Chain], order: [Int], work: ChainWork<Part>, window: Int, windowRules: Int) {
        self.chains = chains
        self.order = order
        self.work = work
        self.window = window
        self.windowRules = windowRules
    }

    /// Reads every chain, the calling thread on the first connection and one new thread on each other, and
    /// delivers the parts in order, each call from whichever of these threads holds the hand-over (never
    /// two at once); returns whether the read was consistent. Every thread has finished (and drained its
    /// dump) when this returns or throws.
    func run(connections: [NetlinkConnection], reader: RulesetReader, deliver: (Chain, Part) throws -> Void) throws -> Bool {
        withoutActuallyEscaping(deliver) { deliver in
            condition.lock()
            self.deliver = deliver
            running = connections.count
            condition.unlock()
            for connection in connections.dropFirst() {
                let box = ConnectionBox(connection)
                let thread = Thread { [self] in self.readLoop(box.connection) }
                thread.stackSize = 1 << 20
                thread.start()
            }
            readLoop(connections[0])
            condition.lock()
            while running > 0 { condition.wait() }
            self.deliver = nil
            condition.unlock()
        }
        if let deliveryError { throw deliveryError }
        if let failure { throw failure }
        guard !inconsistent else { return false }
        guard handedOver == order.count else {
            throw DecodeError(path: "ruleset", offset: 0,
                              reason: "parallel read handed over \(handedOver) of \(order.count) chains")
        }
        return true
    }

    private func readLoop(_ connection: NetlinkConnection) {
        defer {
            condition.lock()
            running -= 1
            if running == 0 { condition.broadcast() }
            condition.unlock()
        }
        while true {
            condition.lock()
            // The thread reading the chain due next never waits here (it took that chain already), so
            // waiting for the hand-over to catch up cannot deadlock.
            while next < order.count, next >= handedOver + window || readyRules >= windowRules, !stopped {
                waitingReaders += 1
                condition.wait()
                waitingReaders -= 1
            }
            guard next < order.count, !stopped else {
                condition.unlock()
                return
            }
            let position = next
            next += 1
            ready[position] = Pending()
            condition.unlock()
            let outcome = Result {
                try RulesetReader.readChain(chains[order[position]], on: connection, work: work) { part, rules in
                    condition.lock()
                    ready[position]?.parts.append((part, rules))
                    readyRules += rules
                    let due = position == handedOver && !writing
                    condition.unlock()
                    if due { handOver() }
                }
            }
            condition.lock()
            switch outcome {
            case .success(nil): ready[position]?.finished = true
            case .success(.some):
                inconsistent = true
                condition.broadcast()
            case .failure(let error):
                if failure == nil { failure = error }
                condition.broadcast()
            }
            let due = position == handedOver && !writing
            condition.unlock()
            if due { handOver() }
        }
    }

    /// Hands over every part that is due, in order, unless another thread already does.
    private func handOver() {
        condition.lock()
        guard !writing else {
            condition.unlock()
            return
        }
        writing = true
        while !stopped, let pending = ready[handedOver], !pending.parts.isEmpty || pending.finished {
            let chain = chains[order[handedOver]]
            if pending.finished {
                ready[handedOver] = nil
                handedOver += 1
            } else {
                ready[handedOver]?.parts = []
            }
            readyRules -= pending.parts.reduce(0) { $0 + $1.rules }
            if waitingReaders > 0 { condition.broadcast() }
            let deliver = self.deliver
            condition.unlock()
            do {
                for (part, _) in pending.parts { try deliver?(chain, part) }
                condition.lock()
            } catch {
                condition.lock()
                deliveryError = error
                condition.broadcast()
            }
        }
        writing = false
        condition.unlock()
    }

    /// Whether the threads should stop taking chains (called with the lock held).
    private var stopped: Bool { deliveryError != nil || inconsistent || failure != nil }
}

/// Hands a connection to the one thread that uses it from then on.
private final class ConnectionBox: @unchecked Sendable {
    let connection: NetlinkConnection
    init(_ connection: NetlinkConnection) { self.connection = connection }
}
