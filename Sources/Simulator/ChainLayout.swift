/// The order in which the compiled matcher lays chains out in its code array: depth first along jumps
/// and gotos, each chain right after the rule that first reaches it. A kube-proxy service chain
/// (KUBE-SVC-…) then sits right before its endpoint chains (KUBE-SEP-…). A packet that jumps into the
/// service chain therefore stays within about a kilobyte of memory. That memory can be prefetched in one
/// go, instead of taking one cache miss per chain, each waiting for the one before. At 50,000 services
/// those misses are what makes a packet slower than at 1,000.
struct ChainLayout {
    /// Chain ids in layout order: every chain exactly once.
    let order: [Int32]
    /// Per chain id: the index in `order` of the last chain of its subtree. The subtree is the chain
    /// followed by the chains laid out under it, which come right after it.
    private let last: [Int]

    /// `actions[id]`: chain `id`'s rule actions in order (nil: a rule the interpreter runs, whose target is
    /// unknown here). Layout starts from `roots` (the base chains), then takes any chain no rule reaches.
    init(_ actions: [[CompiledAction?]], roots: [Int32]) {
        let count = actions.count
        var placed = [Bool](repeating: false, count: count)
        var order: [Int32] = []
        order.reserveCapacity(count)
        var last = [Int](repeating: 0, count: count)
        // Explicit stack (chain, next rule to look at): jump chains can be deep on odd rulesets.
        var stack: [(id: Int32, rule: Int)] = []
        for root in roots + (0..<Int32(count)) where root >= 0 && Int(root) < count && !placed[Int(root)] {
            placed[Int(root)] = true
            order.append(root)
            stack.append((root, 0))
            while let top = stack.last {
                let rules = actions[Int(top.id)]
                var rule = top.rule
                var child: Int32?
                while rule < rules.count, child == nil {
                    switch rules[rule] {
                    case .jump(let target)?, .goto(let target)?:
                        if target >= 0, Int(target) < count, !placed[Int(target)] { child = target }
                    default:
                        break
                    }
                    rule += 1
                }
                if let child {
                    stack[stack.count - 1].rule = rule
                    placed[Int(child)] = true
                    order.append(child)
                    stack.append((child, 0))
                } else {
                    last[Int(top.id)] = order.count - 1
                    stack.removeLast()
                }
            }
        }
        self.order = order
        self.last = last
    }

    /// Per chain id: how many code units its subtree spans, given each chain's offset in layout order and
    /// where the code ends.
    func spans(offsets: [Int32], end: Int32) -> [Int32] {
        (0..<order.count).map { id in
            let after = last[id] + 1
            return (after < order.count ? offsets[Int(order[after])] : end) - offsets[id]
        }
    }
}
