import ArgumentParser
import NFScope

/// `nfscope conntrack get`: one flow by its tuple.
struct ConntrackGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Look one flow up by its tuple (exact addresses and ports); exit 1 when there is none."
    )

    @OptionGroup var namespace: NamespaceOptions
    @Option(name: [.customLong("proto"), .customShort("p")], help: "Protocol (tcp, udp, icmp, …).") var proto: String
    @Option(name: .long, help: "Source address.") var src: String
    @Option(name: .long, help: "Destination address.") var dst: String
    @Option(name: .long, help: "Source port.") var sport: UInt16?
    @Option(name: .long, help: "Destination port.") var dport: UInt16?
    @Option(name: .long, help: "ICMP type (default 8, echo request).") var icmpType: UInt8 = 8
    @Option(name: .long, help: "ICMP code.") var icmpCode: UInt8 = 0
    @Option(name: .long, help: "ICMP identifier.") var icmpId: UInt16?
    @Flag(name: .long, help: "The tuple is the reply direction's.") var reply = false
    @Option(name: .long, help: "Conntrack zone id.") var zone: UInt16?
    @OptionGroup var output: OutputOptions

    func run() throws {
        let tuple = try self.tuple()
        let reader = try namespace.reader()
        guard let flow = try reader.flow(tuple: tuple, direction: reply ? .reply : .original, zone: zone) else {
            throw CommandFailure(message: "no conntrack entry for \(tuple.summary)", exitCode: ExitStatus.findings)
        }
        if output.json {
            print(flow.jsonLine())
        } else {
            print(FlowTable.header)
            print(FlowTable.row(flow))
        }
    }

    private func tuple() throws -> Tuple {
        guard let source = IPAddress(src), let destination = IPAddress(dst), source.family == destination.family else {
            throw ValidationError("--src and --dst must be addresses of one family")
        }
        guard let l4Protocol = L4Protocol(proto) else { throw ValidationError("unknown protocol \(proto)") }
        let l4: L4
        if l4Protocol.hasPorts {
            guard let sport, let dport else { throw ValidationError("\(l4Protocol.name) needs --sport and --dport") }
            l4 = .ports(l4Protocol, source: sport, destination: dport)
        } else if l4Protocol == .icmp || l4Protocol == .icmpv6 {
            guard let icmpId else { throw ValidationError("icmp needs --icmp-id") }
            l4 = .icmp(l4Protocol, type: icmpType, code: icmpCode, id: icmpId)
        } else {
            l4 = .other(l4Protocol)
        }
        return Tuple(source: source, destination: destination, l4: l4)
    }
}
