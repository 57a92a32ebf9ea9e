import NetCore
import NFTables
import Route

extension RuleEvaluation {
    /// `nft_nat_eval`: the addresses and ports come from registers; the mapping is set up and the chain accepts.
    mutating func nat(_ e: Expression.Nat, _ packet: Packet) -> Step {
        let width = e.family == 10 ? 16 : 4
        let address = e.addressMin.flatMap { registers.load($0, length: width) }.flatMap { IPAddress(networkBytes: $0) }
        let port = e.protoMin.flatMap(registers.loadBig16)
        if let minimum = e.addressMin, let maximum = e.addressMax, minimum != maximum,
           registers.load(minimum, length: width) != registers.load(maximum, length: width) {
            context.trail.warn("a NAT address range picks one address per connection; the first is assumed")
        }
        return .stop(.nat(NatAction(kind: e.isSource ? .snat : .dnat, address: address, port: port)))
    }

    /// `nft_reject`: the answer depends on the reject type and code (`NFT_REJECT_*`, ICMP codes).
    func rejectKind(_ e: Expression.Reject, _ packet: Packet) -> RejectKind {
        switch e.type {
        case 1: return .tcpReset
        case 2:  // NFT_REJECT_ICMPX_UNREACH: a code both families understand
            switch e.code {
            case 1: return .icmpPortUnreachable
            case 0: return .icmpUnreachable("no-route")
            case 2: return .icmpUnreachable("host-unreachable")
            default: return .icmpUnreachable("admin-prohibited")
            }
        default:
            return packet.family == .ipv4 ? icmpV4(e.code) : icmpV6(e.code)
        }
    }

    func icmpV4(_ code: UInt8) -> RejectKind {
        switch code {
        case 3: return .icmpPortUnreachable
        case 2: return .icmpPortUnreachable  // protocol unreachable is fatal too (ECONNREFUSED)
        case 0: return .icmpUnreachable("net-unreachable")
        case 1: return .icmpUnreachable("host-unreachable")
        default: return .icmpUnreachable("prohibited")
        }
    }

    func icmpV6(_ code: UInt8) -> RejectKind {
        switch code {
        case 4: return .icmpPortUnreachable
        case 0: return .icmpUnreachable("no-route")
        case 3: return .icmpUnreachable("addr-unreachable")
        default: return .icmpUnreachable("adm-prohibited")
        }
    }

    /// `numgen random|inc mod N offset O`: every value is a branch with probability 1/N (an incrementing
    /// counter spreads connections evenly too, and which one this is cannot be known).
    mutating func numgen(_ e: Expression.Numgen) -> Step {
        let modulus = max(1, Int(e.modulus))
        let labels = (0..<modulus).map { "numgen \(e.typeName) mod \(modulus) = \(UInt32($0) + e.offset)" }
        let choice = context.trail.cursor.choose(.random(Array(repeating: 1.0 / Double(modulus), count: modulus)),
                                                  labels: labels)
        registers.storeHost32(e.destination, UInt32(choice) + e.offset)
        return .next
    }

    /// `jhash`/`symhash` over packet fields: the value depends on fields (the source port) a new flow does
    /// not fix, so every bucket is a branch with probability 1/N.
    mutating func hash(_ e: Expression.Hash) -> Step {
        let modulus = max(1, Int(e.modulus))
        let labels = (0..<modulus).map { "hash mod \(modulus) = \(UInt32($0) + e.offset)" }
        let choice = context.trail.cursor.choose(.random(Array(repeating: 1.0 / Double(modulus), count: modulus)),
                                                  labels: labels)
        registers.storeHost32(e.destination, UInt32(choice) + e.offset)
        return .next
    }

    /// `nft_fib`: a FIB lookup of the source or destination address in this namespace's routing data.
    mutating func fib(_ e: Expression.Fib, _ packet: Packet) -> Step {
        let useSource = e.flags & 0x1 != 0
        let address = useSource ? packet.source : packet.destination
        let router = context.router
        let restrictTo = e.flags & 0x8 != 0 ? packet.inputInterface : (e.flags & 0x10 != 0 ? packet.outputInterface : nil)
        switch e.result {
        case 3:  // NFT_FIB_RESULT_ADDRTYPE
            let type = router.addressType(address, interface: restrictTo)
            registers.storeHost32(e.destination, UInt32(type.rawValue))
        case 1, 2:  // oif, oifname
            var oif: Int32? = router.lookup(address, source: nil, inputInterface: nil, mark: packet.mark).outputInterface
            // With iif, the result counts only if the route leaves through that interface (rpfilter shape).
            if let restrictTo, let index = oif, context.namespace.interfaceName(index) != restrictTo { oif = nil }
            if e.flags & 0x20 != 0 {  // NFTA_FIB_F_PRESENT: a boolean
                registers.store(e.destination, [oif == nil ? 0 : 1])
            } else if e.result == 1 {
                registers.storeHost32(e.destination, UInt32(bitPattern: oif ?? 0))
            } else {
                registers.store(e.destination, ifname(oif.flatMap(context.namespace.interfaceName) ?? ""))
            }
        default:
            return unknown("fib result \(e.result)")
        }
        return .next
    }
}
