import Conntrack
import Foundation
import NetCore
import NetNS

extension DoctorContext {
    /// `conntrack_table_pressure` (two statistics samples `interval` apart) and `stale_udp_conntrack`.
    func conntrackChecks() -> (findings: [Finding], notes: [String]) {
        guard let conntrack else { return ([], ["\(node): conntrack could not be opened; conntrack checks skipped"]) }
        var findings: [Finding] = [], notes: [String] = []
        do {
            var first = try conntrack.statistics()
            if first.maximum == nil, let handle = try? NamespaceHandle(spec: spec) {
                first.maximum = ConntrackReader.maximumFromProc(in: handle)  // kernels whose stats lack the limit
            }
            if interval > 0 { Thread.sleep(forTimeInterval: interval) }
            var second = interval > 0 ? try conntrack.statistics() : first
            if second.maximum == nil { second.maximum = first.maximum }
            if let finding = Doctor.conntrackPressure(namespace: node, first: first, second: second, interval: interval) {
                findings.append(finding)
            }
        } catch {
            notes.append("\(node): conntrack statistics could not be read (\(error)); pressure check skipped")
        }
        do {
            findings += try staleUDPEntries(conntrack)
        } catch {
            notes.append("\(node): conntrack table could not be read (\(error)); stale UDP check skipped")
        }
        return (findings, notes)
    }

    /// UDP entries whose original destination is a service port and whose reply source (where it was DNATed
    /// to, or the service address itself when it was never DNATed) is not a current endpoint of that service.
    private func staleUDPEntries(_ conntrack: ConntrackReader) throws -> [Finding] {
        let udpServices = services.services.filter { $0.proto == "udp" && $0.hasEndpoints }
        guard !udpServices.isEmpty else { return [] }
        // Looked up once per conntrack entry, and tables hold hundreds of thousands: hash, don't scan.
        let byDestination = Dictionary(udpServices.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var stale: [String: [ConntrackEntryEvidence]] = [:]
        try conntrack.flows { flow in
            guard case .ports(let proto, _, let port) = flow.original.l4, proto == .udp,
                  let service = byDestination[KubeServiceCatalog.Key(address: flow.original.destination, proto: "udp", port: port)],
                  !service.endpoints.contains(flow.reply.source) else { return }
            stale[service.label, default: []].append(ConntrackEntryEvidence(
                namespace: node, proto: "udp", original: DoctorContext.text(flow.original), reply: DoctorContext.text(flow.reply),
                timeout: flow.timeout))
        }
        return stale.keys.sorted().compactMap { label in
            guard let entries = stale[label], let service = udpServices.first(where: { $0.label == label }) else { return nil }
            let endpoints = service.endpoints.map { "\($0)" }.joined(separator: ", ")
            return Finding(check: .staleUDPConntrack, severity: .error,
                           summary: "\(entries.count) UDP conntrack entr\(entries.count == 1 ? "y" : "ies") to service \(label) "
                               + "still send\(entries.count == 1 ? "s" : "") its traffic to an address that is not a current endpoint "
                               + "(endpoints: \(endpoints)); clients reusing the flow get no answer",
                           evidence: [.conntrack(Array(entries.prefix(20)))],
                           fix: "delete the stale entries (conntrack -D -p udp --orig-dst \(service.address) --orig-port-dst \(service.port), "
                               + "or nfscope conntrack delete); kube-proxy does this on endpoint changes, so check its logs")
        }
    }

    static func text(_ tuple: Tuple) -> String {
        let host = { (address: IPAddress) in address.family == .ipv6 ? "[\(address)]" : "\(address)" }
        if case .ports(_, let source, let destination) = tuple.l4 {
            return "\(host(tuple.source)):\(source) -> \(host(tuple.destination)):\(destination)"
        }
        return "\(host(tuple.source)) -> \(host(tuple.destination))"
    }
}

extension Doctor {
    /// The share of `nf_conntrack_max` in use at which doctor reports the table as near full.
    public static let conntrackFullRatio = 0.9

    /// `conntrack_table_pressure` from two samples of the node's conntrack statistics: the table at or above
    /// ``conntrackFullRatio`` of its maximum, or `insert_failed` / `drop` higher in the second sample.
    public static func conntrackPressure(namespace: String, first: ConntrackStatistics, second: ConntrackStatistics,
                                         interval: Double) -> Finding? {
        let insertFailed = [first.total.counters["insert_failed"] ?? 0, second.total.counters["insert_failed"] ?? 0]
        let drop = [first.total.counters["drop"] ?? 0, second.total.counters["drop"] ?? 0]
        var reasons: [String] = []
        if let entries = second.entries, let maximum = second.maximum, maximum > 0,
           Double(entries) >= conntrackFullRatio * Double(maximum) {
            reasons.append("the table holds \(entries) of at most \(maximum) entries")
        }
        if insertFailed[1] > insertFailed[0] { reasons.append("insert_failed rose by \(insertFailed[1] - insertFailed[0])") }
        if drop[1] > drop[0] { reasons.append("drop rose by \(drop[1] - drop[0])") }
        if reasons.isEmpty { return nil }
        let evidence = ConntrackStatisticsEvidence(namespace: namespace, entries: second.entries, maximum: second.maximum,
                                                   insertFailed: insertFailed, drop: drop, intervalSeconds: interval)
        return Finding(check: .conntrackTablePressure, severity: .warning,
                       summary: "conntrack is under pressure in \(namespace): " + reasons.joined(separator: ", ")
                           + "; new connections are being dropped or will be",
                       evidence: [.statistics(evidence)],
                       fix: "raise net.netfilter.nf_conntrack_max (and nf_conntrack_buckets), shorten timeouts for short-lived "
                           + "flows, or find what opens so many flows; insert_failed alone often means UDP/DNS races (use NodeLocal DNSCache)")
    }
}
