import Kubernetes
import NetCore
import Testing

@Suite("kube-proxy rules read from iptables-save arguments")
struct ServiceRuleArgumentsTests {
    @Test("a nat KUBE-SERVICES jump: address, protocol, port, comment, target")
    func natJump() throws {
        let arguments = ["-d", "10.43.0.10/32", "-p", "tcp", "-m", "comment", "--comment", #""demo/web:http cluster IP""#,
                         "-m", "tcp", "--dport", "80", "-j", "KUBE-SVC-ABC"]
        let parsed = try #require(ServiceRule(iptablesArguments: arguments))
        #expect(parsed == ServiceRule(comment: "demo/web:http cluster IP", destination: IPAddress("10.43.0.10")!,
                                      proto: .tcp, port: 80, target: "KUBE-SVC-ABC"))
        let port = try #require(parsed.servicePort)
        #expect(port.reference == "demo/web:http" && port.hasEndpoints && port.chain == "KUBE-SVC-ABC")
    }

    @Test("a filter REJECT of a service without endpoints; an unquoted one-word comment; IPv6")
    func rejectAndIPv6() throws {
        let reject = try #require(ServiceRule(iptablesArguments: [
            "-d", "10.43.0.20/32", "-p", "tcp", "-m", "comment", "--comment", #""demo/empty:http has no endpoints""#,
            "-m", "tcp", "--dport", "80", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"]))
        #expect(reject.target == "REJECT")
        #expect(reject.servicePort?.hasEndpoints == false)
        let v6 = try #require(ServiceRule(iptablesArguments: [
            "-d", "fd00:43::a/128", "-p", "udp", "-m", "comment", "--comment", "ns/dns:dns", "-m", "udp", "--dport", "53",
            "-j", "KUBE-SVC-DNS"]))
        #expect(v6.destination == IPAddress("fd00:43::a")! && v6.proto == .udp && v6.comment == "ns/dns:dns")
    }

    @Test("rules that name no single service address are skipped")
    func skipped() {
        // The node-ports jump (no -d, no --dport), a prefix, an inverted address, a port range, sctp-less protocols.
        #expect(ServiceRule(iptablesArguments: ["-m", "comment", "--comment", #""kubernetes service nodeports""#,
                                                "-m", "addrtype", "--dst-type", "LOCAL", "-j", "KUBE-NODEPORTS"]) == nil)
        #expect(ServiceRule(iptablesArguments: ["-d", "10.43.0.0/16", "-p", "tcp", "--dport", "80", "-j", "X"]) == nil)
        #expect(ServiceRule(iptablesArguments: ["!", "-d", "10.43.0.1/32", "-p", "tcp", "--dport", "80", "-j", "X"]) == nil)
        #expect(ServiceRule(iptablesArguments: ["-d", "10.43.0.1/32", "-p", "tcp", "--dport", "80:90", "-j", "X"]) == nil)
        #expect(ServiceRule(iptablesArguments: ["-d", "10.43.0.1/32", "-p", "icmp", "-j", "X"]) == nil)
    }

    @Test("escaped quotes in a comment are unescaped")
    func unquoting() {
        let parsed = ServiceRule(iptablesArguments: ["-d", "10.0.0.1", "-p", "tcp", "--comment", #""a \"b\" c""#,
                                                     "--dport", "1", "-j", "T"])
        #expect(parsed?.comment == #"a "b" c"#)
    }

    @Test("trace destinations: pod:NS/NAME:PORT carries a port; services and addresses cannot be sources")
    func destinations() throws {
        let pod = try Target.parsingDestination("pod:demo/web-1:8080")
        #expect(pod.target == .pod(namespace: "demo", name: "web-1") && pod.port == 8080)
        let service = try Target.parsingDestination("svc:demo/web:http")
        #expect(service.target == .service(namespace: "demo", name: "web", port: .name("http")) && service.port == nil)
        #expect(throws: KubernetesError.self) { try Target.parsingDestination("pod:demo/web-1:http") }
        #expect(Target.node.canBeSource && !Target.address(IPAddress("10.0.0.1")!, port: 80).canBeSource)
        let ambiguous = KubernetesError(kind: .servicePortAmbiguous(available: ["http=80/tcp", "metrics=9090/tcp"]),
                                        target: "svc:demo/web")
        #expect(ambiguous.description.contains("http=80/tcp, metrics=9090/tcp"))
    }
}
