import NetCore

/// The `getsockopt(SOL_IP, SO_IP_SET)` exchange iptables-save uses to name the ipsets that `set` matches and
/// `SET` targets refer to by index (libxt_set.h `get_set_byid`), as bytes in and out, so a caller that owns a
/// socket in the right namespace (any `AF_INET` socket; iptables uses `SOCK_RAW, IPPROTO_RAW`) can resolve
/// names without iptables. Ask for the protocol version first, then for each index.
///
/// Structures (linux/netfilter/ipset/ip_set.h): `struct ip_set_req_version { unsigned op, version; }` with
/// `IP_SET_OP_VERSION` (0x100); `struct ip_set_req_get_set { unsigned op, version; union { char name[32];
/// ip_set_id_t index; } set; }` with `IP_SET_OP_GET_BYINDEX` (7). The buffer is both request and reply.
public enum IPSetNameQuery {
    /// `SOL_IP`.
    public static let level: Int32 = 0
    /// `SO_IP_SET`.
    public static let option: Int32 = 83
    /// The size of `struct ip_set_req_version`.
    public static let versionSize = 8
    /// The size of `struct ip_set_req_get_set`.
    public static let getSetSize = 40

    /// The buffer for the version request; the kernel writes its protocol version into bytes 4..<8.
    public static func versionRequest() -> [UInt8] {
        hostBytes(0x100) + hostBytes(0)
    }

    /// The protocol version from a version reply.
    public static func version(fromReply reply: [UInt8]) throws(DecodeError) -> UInt32 {
        let blob = XtBlob(bytes: reply, path: "ipset.req_version")
        try blob.require(versionSize, "ip_set_req_version")
        return try blob.u32(4)
    }

    /// The buffer asking for the name of set `index`.
    public static func nameRequest(index: UInt16, version: UInt32) -> [UInt8] {
        hostBytes(7) + hostBytes(version) + withUnsafeBytes(of: index) { Array($0) } + Array(repeating: 0, count: 30)
    }

    /// The set name from a reply, or nil when the kernel has no set at that index (an empty name).
    /// iptables refuses replies of another size, and so does this.
    public static func name(fromReply reply: [UInt8]) throws(DecodeError) -> String? {
        let blob = XtBlob(bytes: reply, path: "ipset.req_get_set")
        guard reply.count == getSetSize else {
            throw blob.error(reply.count, "ip_set_req_get_set is \(getSetSize) bytes, got \(reply.count)")
        }
        let name = try blob.string(8, 32)
        return name.isEmpty ? nil : name
    }

    private static func hostBytes(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}
