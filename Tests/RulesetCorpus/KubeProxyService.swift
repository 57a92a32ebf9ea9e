/// One synthetic Kubernetes service for the generated kube-proxy corpora: deterministic names, addresses
/// and features chosen by index, so that 1,000 or 20,000 services give the same mix.
public struct KubeProxyService: Sendable {
    public var index: Int
    public var namespace: String { "ns\(index % 97)" }
    public var name: String { "svc\(index)" }
    public var portName: String { isUDP ? "dns" : "p80" }
    public var servicePortName: String { "\(namespace)/\(name):\(portName)" }
    public var proto: String { isUDP ? "udp" : "tcp" }
    public var port: Int { isUDP ? 53 : 80 }
    public var targetPort: Int { isUDP ? 53 : 8080 }
    public var clusterIP: String { "172.30.\(index / 250 % 250).\(index % 250 + 1)" }
    public var nodePort: Int { 30000 + index % 2700 }
    public var loadBalancerIP: String { "5.\(index / 62500 % 250).\(index / 250 % 250).\(index % 250 + 1)" }

    /// The feature this service exercises.
    public enum Kind: Sendable { case clusterIP, affinity, nodePort, loadBalancer, noEndpoints, udp }
    public var kind: Kind {
        switch index % 8 {
        case 1: return .affinity
        case 2, 6: return .nodePort
        case 3: return .loadBalancer
        case 4: return .noEndpoints
        case 5: return .udp
        default: return .clusterIP
        }
    }
    var isUDP: Bool { kind == .udp }

    /// 1…4 endpoints, none for `.noEndpoints`.
    public var endpoints: [String] {
        guard kind != .noEndpoints else { return [] }
        return (0..<(1 + index % 4)).map { j in
            let n = index * 4 + j
            return "10.\(1 + n / 62500 % 200).\(n / 250 % 250).\(n % 250 + 1)"
        }
    }

    public init(index: Int) { self.index = index }

    /// kube-proxy's chain-name hash stand-in: 16 base32 characters derived from `text` (FNV-1a).
    public static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var result = ""
        var bits = value
        for _ in 0..<16 {
            result.append(alphabet[Int(bits & 31)])
            bits = bits >> 5 | (bits & 31) << 59
        }
        return result
    }
}
