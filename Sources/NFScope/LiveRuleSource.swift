import Foundation
import Netlink
import NFTables
import Simulator

/// Rules of one namespace read chain by chain as the simulation reaches them, over the namespace's
/// netfilter connection, cached, and checked afterwards against the ruleset generation the structure was
/// read at.
///
/// A chain's rules are kept as their netlink messages, indexed by ``RuleKey`` read from the raw bytes
/// (``RawRuleKey``), and decoded only when a packet can meet them: a trace through a 20,000-service
/// KUBE-SERVICES chain decodes the one rule of its service (and the rules without a key), not 20,000.
final class LiveRuleSource: RuleSource, @unchecked Sendable {
    private let reader: RulesetReader
    let generation: UInt32
    private let lock = NSLock()
    private var cache: [ChainName: ChainRules] = [:]
    private var failure: Error?
    private var interrupted = false

    init(reader: RulesetReader, generation: UInt32) {
        self.reader = reader
        self.generation = generation
    }

    func rules(of chain: Chain) -> [Rule] {
        lock.withLock {
            let rules = chainRules(chain)
            return rules.decoded(rules.messages.indices, chain: chain, failure: &failure)
        }
    }

    func rules(of chain: Chain, for packet: Packet) -> [Rule] {
        lock.withLock {
            let rules = chainRules(chain)
            return rules.decoded(rules.candidates(for: RuleKey(packet: packet)), chain: chain, failure: &failure)
        }
    }

    /// How many chains were read.
    var chainsRead: Int { lock.withLock { cache.count } }

    /// How many rules were decoded, of how many read.
    var decodedRules: (decoded: Int, read: Int) {
        lock.withLock { cache.values.reduce((0, 0)) { ($0.0 + $1.decodedCount, $0.1 + $1.messages.count) } }
    }

    /// Throws the first read error; returns false when the ruleset changed while it was being read.
    func verify() throws -> Bool {
        let (failure, interrupted) = lock.withLock { (self.failure, self.interrupted) }
        if let failure { throw failure }
        return try !interrupted && reader.generation() == generation
    }

    /// The chain's messages, dumped on first use (called with the lock held).
    private func chainRules(_ chain: Chain) -> ChainRules {
        let name = ChainName(family: chain.family, table: chain.table, chain: chain.name)
        if let rules = cache[name] { return rules }
        var messages: [NetlinkMessage] = []
        do {
            if try reader.dumpRuleMessages(of: chain, into: &messages) != nil { interrupted = true }
        } catch {
            failure = failure ?? error
            messages = []
        }
        let rules = ChainRules(messages, family: chain.family)
        cache[name] = rules
        return rules
    }

    private struct ChainName: Hashable {
        var family: NFTFamily
        var table: String
        var chain: String
    }
}

/// One chain's rule messages: indexed by key, decoded on demand and kept decoded.
private final class ChainRules {
    let messages: [NetlinkMessage]
    /// Rule positions by key, ascending; the positions of rules without a key (always candidates).
    private let byKey: [RuleKey: [Int]]
    private let residue: [Int]
    private var decodedRules: [Rule?]
    private(set) var decodedCount = 0

    init(_ messages: [NetlinkMessage], family: NFTFamily) {
        self.messages = messages
        var byKey: [RuleKey: [Int]] = [:]
        var residue: [Int] = []
        for (position, message) in messages.enumerated() {
            if let key = RawRuleKey.key(of: message, family: family) {
                byKey[key, default: []].append(position)
            } else {
                residue.append(position)
            }
        }
        self.byKey = byKey
        self.residue = residue
        decodedRules = Array(repeating: nil, count: messages.count)
    }

    /// Positions of the rules a packet with `key` may match, in rule order.
    func candidates(for key: RuleKey) -> [Int] {
        let keyed = byKey[key] ?? []
        var result: [Int] = []
        result.reserveCapacity(keyed.count + residue.count)
        var i = 0, j = 0
        while i < keyed.count || j < residue.count {
            if j >= residue.count || (i < keyed.count && keyed[i] < residue[j]) {
                result.append(keyed[i]); i += 1
            } else {
                result.append(residue[j]); j += 1
            }
        }
        return result
    }

    /// The rules at `positions`, decoded once each; a rule that fails to decode is left out and its error
    /// kept in `failure` (the trace then fails in `verify`, as a failed read does).
    func decoded<Positions: Sequence<Int>>(_ positions: Positions, chain: Chain, failure: inout Error?) -> [Rule] {
        var rules: [Rule] = []
        for position in positions {
            if let rule = decodedRules[position] { rules.append(rule); continue }
            do {
                let rule = try Rule(message: messages[position])
                decodedRules[position] = rule
                decodedCount += 1
                rules.append(rule)
            } catch {
                failure = failure ?? error
            }
        }
        return rules
    }
}
