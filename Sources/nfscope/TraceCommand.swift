import ArgumentParser
import NFScope

/// `nfscope trace`: where a new packet from a namespace goes, which rules decide it, and what the sender sees.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Simulate a new connection from a network namespace through every hook, rule and namespace it meets.",
        discussion: """
            Nothing is sent: the rulesets, routes, sysctls and listening sockets are read from the kernel and the \
            packet is simulated. Exits 0 whenever it produced an answer, whatever the outcome.
            """
    )

    @Option(name: .customLong("from-netns"), help: "The source namespace: a name under /run/netns or a path.")
    var fromNetns: String?

    @Option(name: .customLong("from-pid"), help: "The source namespace: the one of this process.")
    var fromPid: Int32?

    @Option(name: .customLong("src"), help: "Source address (default: the one the source namespace's routing picks).")
    var source: String?

    @Option(name: .customLong("sport"), help: "Source port: a live conntrack entry for the exact flow then decides its NAT (default: an ephemeral port of a new flow).")
    var sourcePort: UInt16?

    @Option(name: .customLong("dst"), help: "Destination address.")
    var destination: String

    @Option(name: .customLong("dport"), help: "Destination port.")
    var destinationPort: UInt16

    @Option(name: .customLong("proto"), help: "tcp or udp.")
    var proto: String = "tcp"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (fromNetns == nil) != (fromPid == nil) else {
            throw ValidationError("give exactly one of --from-netns and --from-pid")
        }
        guard IPAddress(destination) != nil else { throw ValidationError("--dst \(destination) is not an IP address") }
        if let source, IPAddress(source) == nil { throw ValidationError("--src \(source) is not an IP address") }
        guard proto == "tcp" || proto == "udp" else { throw ValidationError("--proto must be tcp or udp") }
    }

    func run() throws {
        let spec = fromPid.map { "\($0)" } ?? fromNetns ?? ""
        guard let destinationAddress = IPAddress(destination), let transport = TransportProtocol(rawValue: proto) else {
            throw ValidationError("invalid --dst or --proto")
        }
        let report = try Tracer().trace(from: spec, proto: transport, source: source.flatMap(IPAddress.init),
                                        sourcePort: sourcePort, destination: destinationAddress,
                                        destinationPort: destinationPort)
        if output.json {
            try JSONOutput.print(report)
        } else {
            print(TraceText.render(report), terminator: "")
        }
    }
}
