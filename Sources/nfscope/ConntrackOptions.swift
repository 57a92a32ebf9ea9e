import ArgumentParser
import NFScope

/// `--netns NAME|PATH` or `--pid PID`; neither means nfscope's own namespace.
struct NamespaceOptions: ParsableArguments {
    @Option(name: .long, help: "Network namespace: a name under /run/netns or a path such as /proc/PID/ns/net.")
    var netns: String?

    @Option(name: .long, help: "Use the network namespace of this process.")
    var pid: Int32?

    func validate() throws {
        if netns != nil && pid != nil { throw ValidationError("give either --netns or --pid, not both") }
    }

    /// Opens the namespace the flags name.
    func handle() throws -> NamespaceHandle {
        if let pid { return try NamespaceHandle(pid: pid) }
        if let netns { return try NamespaceHandle(spec: netns) }
        return try NamespaceHandle.current()
    }

    /// A conntrack reader whose socket lives in the namespace.
    func reader() throws -> ConntrackReader {
        if netns == nil && pid == nil { return ConntrackReader(connection: try NetlinkConnection(protocol: .netfilter)) }
        return try ConntrackReader(namespace: try handle())
    }
}

/// The flow filters shared by list, watch and delete.
struct FlowFilterOptions: ParsableArguments {
    @Option(name: .long, help: "Address family: ipv4 or ipv6.") var family: String?
    @Option(name: [.customLong("proto"), .customShort("p")], help: "Protocol: tcp, udp, udplite, sctp, dccp, icmp, icmpv6, gre or a number.")
    var proto: String?
    @Option(name: .long, help: "Original source address or CIDR.") var src: String?
    @Option(name: .long, help: "Original destination address or CIDR.") var dst: String?
    @Option(name: .long, help: "Original source port or range (8000-8080).") var sport: String?
    @Option(name: .long, help: "Original destination port or range.") var dport: String?
    @Option(name: .long, help: "Reply source address or CIDR (the real backend after DNAT).") var replySrc: String?
    @Option(name: .long, help: "Reply destination address or CIDR (the translated source after SNAT).") var replyDst: String?
    @Option(name: .long, help: "Reply source port or range.") var replySport: String?
    @Option(name: .long, help: "Reply destination port or range.") var replyDport: String?
    @Option(name: .long, help: "Protocol state(s), comma-separated: ESTABLISHED,TIME_WAIT,…") var state: String?
    @Option(name: .long, help: "Status bits that must be set, comma-separated; prefix ! for bits that must be clear: ASSURED,!SEEN_REPLY")
    var status: String?
    @Option(name: .long, help: "Connection mark: VALUE or VALUE/MASK (decimal or 0x hex).") var mark: String?
    @Option(name: .long, help: "Conntrack zone id.") var zone: UInt16?
    @Option(name: .long, help: "NAT kind: snat, dnat, any or none.") var nat: String?

    func filter() throws -> ConntrackFilter {
        var filter = ConntrackFilter()
        if let family {
            guard let value = IPFamily(rawValue: family.lowercased()) else { throw ValidationError("--family must be ipv4 or ipv6") }
            filter.family = value
        }
        if let proto {
            guard let value = L4Protocol(proto) else { throw ValidationError("unknown protocol \(proto)") }
            filter.l4Protocol = value
        }
        filter.original = try tupleFilter(src, dst, sport, dport, prefix: "")
        filter.reply = try tupleFilter(replySrc, replyDst, replySport, replyDport, prefix: "reply-")
        if let state { filter.states = Set(state.split(separator: ",").map { $0.uppercased() }) }
        if let status { try parseStatus(status, into: &filter) }
        if let mark {
            guard let value = MarkFilter(mark) else { throw ValidationError("--mark must be VALUE or VALUE/MASK") }
            filter.mark = value
        }
        filter.zone = zone
        if let nat {
            guard let value = NATFilter(rawValue: nat.lowercased()) else { throw ValidationError("--nat must be snat, dnat, any or none") }
            filter.nat = value
        }
        return filter
    }

    private func tupleFilter(_ source: String?, _ destination: String?, _ sourcePort: String?, _ destinationPort: String?,
                             prefix: String) throws -> TupleFilter {
        TupleFilter(source: try source.map { try Self.prefix($0, flag: "--\(prefix)src") },
                    destination: try destination.map { try Self.prefix($0, flag: "--\(prefix)dst") },
                    sourcePorts: try sourcePort.map { try Self.ports($0, flag: "--\(prefix)sport") },
                    destinationPorts: try destinationPort.map { try Self.ports($0, flag: "--\(prefix)dport") })
    }

    private func parseStatus(_ text: String, into filter: inout ConntrackFilter) throws {
        for item in text.split(separator: ",") {
            let clear = item.hasPrefix("!")
            guard let bit = ConntrackStatus(name: String(clear ? item.dropFirst() : item)) else {
                throw ValidationError("unknown status bit \(item); known: \(ConntrackStatus.bitNames.joined(separator: ","))")
            }
            if clear { filter.statusClear.formUnion(bit) } else { filter.statusSet.formUnion(bit) }
        }
    }

    static func prefix(_ text: String, flag: String) throws -> IPPrefix {
        guard let value = IPPrefix(text) else { throw ValidationError("\(flag) must be an address or CIDR, not \(text)") }
        return value
    }

    static func ports(_ text: String, flag: String) throws -> ClosedRange<UInt16> {
        let parts = text.split(separator: "-", maxSplits: 1).map { UInt16($0) }
        guard let low = parts.first ?? nil else { throw ValidationError("\(flag) must be a port or a range, not \(text)") }
        let high = parts.count == 2 ? parts[1] : low
        guard let high, low <= high else { throw ValidationError("\(flag) must be a port or a range, not \(text)") }
        return low...high
    }
}
