import ArgumentParser
import DemoLab
import Kubernetes
import NFScope

/// `nfscope trace`: where a new packet from a namespace goes, which rules decide it, and what the sender sees.
///
/// Two forms: the flag form (`--from-netns N --dst IP --dport N`) and the positional form by name
/// (`trace pod:NS/NAME svc:NS/NAME:PORT`), which also compares with the node and with `--also`.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Simulate a new connection from a network namespace through every hook, rule and namespace it meets.",
        usage: """
            nfscope trace FROM TO [--proto tcp|udp] [--sport N] [--also TO2] [--node-netns N] [--runtime-root DIR ...] [--lab PREFIX] [--color W] [--json]
            nfscope trace (--from-netns N | --from-pid P) [--src IP] [--sport N] --dst IP --dport N [--proto tcp|udp] [--json]
            """,
        discussion: """
            FROM is pod:NAMESPACE/NAME, node, netns:NAME|PATH or pid:PID; TO is svc:NAMESPACE/NAME[:PORT], \
            pod:NAMESPACE/NAME:PORT or IP:PORT. Pods are found in the container runtime's task bundles (containerd, \
            K3s) and services in kube-proxy's rules in the node's namespace; no API server is asked. A service with \
            several ports needs one (svc:demo/web:80 or svc:demo/web:http). When FROM is a pod, the same destination \
            is also traced from the node and the first rule where the two paths part is shown.
            Nothing is sent: the rulesets, routes, sysctls and listening sockets are read from the kernel and the \
            packet is simulated. Exits 0 whenever it produced an answer, whatever the outcome.
            """
    )

    @Argument(help: "Where the packet starts: pod:NAMESPACE/NAME, node, netns:NAME|PATH or pid:PID.")
    var from: String?

    @Argument(help: "Where it goes: svc:NAMESPACE/NAME[:PORT], pod:NAMESPACE/NAME:PORT or IP:PORT.")
    var to: String?

    @Option(name: .customLong("from-netns"), help: "The source namespace: a name under /run/netns or a path.")
    var fromNetns: String?

    @Option(name: .customLong("from-pid"), help: "The source namespace: the one of this process.")
    var fromPid: Int32?

    @Option(name: .customLong("src"), help: "Source address (default: the one the source namespace's routing picks).")
    var source: String?

    @Option(name: .customLong("sport"), help: "Source port: a live conntrack entry for the exact flow then decides its NAT (default: an ephemeral port of a new flow).")
    var sourcePort: UInt16?

    @Option(name: .customLong("dst"), help: "Destination address (flag form).")
    var destination: String?

    @Option(name: .customLong("dport"), help: "Destination port (flag form).")
    var destinationPort: UInt16?

    @Option(name: .customLong("proto"), help: "tcp or udp (default: the service port's protocol, else tcp).")
    var proto: String?

    @Option(name: .customLong("also"), help: "A second destination traced from the same source; shows where the two paths part.")
    var also: String?

    @OptionGroup var node: NodeOptions

    @OptionGroup var color: ColorOptions

    @OptionGroup var output: OutputOptions

    var isPositional: Bool { from != nil || to != nil }

    func validate() throws {
        if let proto { guard proto == "tcp" || proto == "udp" else { throw ValidationError("--proto must be tcp or udp") } }
        if let source, IPAddress(source) == nil { throw ValidationError("--src \(source) is not an IP address") }
        if isPositional {
            guard from != nil, to != nil else { throw ValidationError("give both FROM and TO") }
            guard fromNetns == nil, fromPid == nil, destination == nil, destinationPort == nil, source == nil else {
                throw ValidationError("FROM TO replaces --from-netns, --from-pid, --src, --dst and --dport; give one form")
            }
            try node.validate()
            return
        }
        guard also == nil, node.isEmpty else {
            throw ValidationError("--also, --node-netns, --runtime-root and --lab need the FROM TO form")
        }
        guard (fromNetns == nil) != (fromPid == nil) else {
            throw ValidationError("give exactly one of --from-netns and --from-pid (or FROM TO)")
        }
        guard let destination else { throw ValidationError("missing --dst (or give FROM TO)") }
        guard destinationPort != nil else { throw ValidationError("missing --dport") }
        guard IPAddress(destination) != nil else { throw ValidationError("--dst \(destination) is not an IP address") }
    }

    func run() throws {
        if isPositional { return try runPositional() }
        let spec = fromPid.map { "\($0)" } ?? fromNetns ?? ""
        guard let destinationAddress = destination.flatMap(IPAddress.init), let destinationPort,
              let transport = Simulator.TransportProtocol(rawValue: proto ?? "tcp") else {
            throw ValidationError("invalid --dst, --dport or --proto")
        }
        let report = try Tracer().trace(from: spec, proto: transport, source: source.flatMap(IPAddress.init),
                                        sourcePort: sourcePort, destination: destinationAddress,
                                        destinationPort: destinationPort)
        if output.json {
            try JSONOutput.print(report)
        } else {
            print(TraceText.render(report, style: color.style), terminator: "")
        }
    }

    private func runPositional() throws {
        let context = node.context
        let report = try KubernetesFailure.mapping {
            let protocolChoice = proto.flatMap(Kubernetes.TransportProtocol.init(rawValue:))
            let source = try context.source(Target(parsing: from ?? ""))
            let parsed = try Target.parsingDestination(to ?? "")
            let destination = try context.destination(parsed.target, port: parsed.port, proto: protocolChoice)
            let second = try also.map { text in
                let parsedAlso = try Target.parsingDestination(text)
                return try context.destination(parsedAlso.target, port: parsedAlso.port, proto: protocolChoice)
            }
            return try TargetTracer(node: context).trace(from: source, to: destination, also: second, sourcePort: sourcePort)
        }
        if output.json {
            try JSONOutput.print(report)
        } else {
            print(TargetTraceText.render(report, style: color.style), terminator: "")
        }
    }
}
