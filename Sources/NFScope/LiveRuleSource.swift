import Foundation
import NFTables
import Simulator

/// Rules of one namespace read chain by chain as the simulation reaches them, over the namespace's
/// netfilter connection, cached, and checked afterwards against the ruleset generation the structure was
/// read at.
final class LiveRuleSource: RuleSource, @unchecked Sendable {
    private let reader: RulesetReader
    let generation: UInt32
    private let lock = NSLock()
    private var cache: [String: [Rule]] = [:]
    private var failure: Error?
    private var interrupted = false

    init(reader: RulesetReader, generation: UInt32) {
        self.reader = reader
        self.generation = generation
    }

    func rules(of chain: Chain) -> [Rule] {
        lock.withLock {
            let key = "\(chain.family.rawValue) \(chain.table) \(chain.name)"
            if let rules = cache[key] { return rules }
            var rules: [Rule] = []
            do {
                if try reader.dumpRules(of: chain, into: &rules) != nil { interrupted = true }
            } catch {
                failure = failure ?? error
            }
            cache[key] = rules
            return rules
        }
    }

    /// How many chains were read.
    var chainsRead: Int { lock.withLock { cache.count } }

    /// Throws the first read error; returns false when the ruleset changed while it was being read.
    func verify() throws -> Bool {
        let (failure, interrupted) = lock.withLock { (self.failure, self.interrupted) }
        if let failure { throw failure }
        return try !interrupted && reader.generation() == generation
    }
}
