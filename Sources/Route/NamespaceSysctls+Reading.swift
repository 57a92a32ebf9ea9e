import NetCore
import NetNS
import SystemPackage

extension NamespaceSysctls {
    /// Reads the routing sysctls of a namespace, with the per-interface values of `interfaces` (names as in
    /// ``Link/name``; an interface that has gone meanwhile is left out).
    ///
    /// All files are read in one pass on a single namespace thread rather than one thread per file
    /// (`handle.readFile` would start one each). Throws `SyscallError` when a file every kernel has
    /// cannot be read, `DecodeError` when one does not hold a number.
    public static func read(in namespace: borrowing NamespaceHandle, interfaces: [String]) throws -> NamespaceSysctls {
        let names = interfaces.filter(isUsableInterfaceName)
        return try NetNS.run(in: namespace) { try readHere(interfaces: names) }
    }

    /// Reads the sysctls of the calling thread's namespace.
    static func readHere(interfaces: [String]) throws -> NamespaceSysctls {
        let ipv4 = "/proc/sys/net/ipv4"
        var reversePath = InterfaceSysctl(all: try integer("\(ipv4)/conf/all/rp_filter"),
                                          default: try integer("\(ipv4)/conf/default/rp_filter"))
        var localnet = InterfaceSysctl(all: try integer("\(ipv4)/conf/all/route_localnet"),
                                       default: try integer("\(ipv4)/conf/default/route_localnet"))
        for name in interfaces {
            reversePath.interfaces[name] = try optionalInteger("\(ipv4)/conf/\(name)/rp_filter")
            localnet.interfaces[name] = try optionalInteger("\(ipv4)/conf/\(name)/route_localnet")
        }
        return NamespaceSysctls(
            ipv4Forwarding: try integer("\(ipv4)/ip_forward") != 0,
            ipv6Forwarding: try optionalInteger("/proc/sys/net/ipv6/conf/all/forwarding").map { $0 != 0 },
            reversePathFilter: reversePath, routeLocalnet: localnet,
            bridgeCallsIptables: try optionalInteger("/proc/sys/net/bridge/bridge-nf-call-iptables").map { $0 != 0 })
    }

    private static func integer(_ path: String) throws -> Int {
        let text = try ProcFile.readText(path)
        guard let value = Int(text.trimmingASCIIWhitespace) else {
            throw DecodeError(path: path, offset: 0, reason: "not an integer: \(text.prefix(32))")
        }
        return value
    }

    /// A file that may legitimately be missing (IPv6 disabled, module not loaded, interface gone).
    private static func optionalInteger(_ path: String) throws -> Int? {
        do {
            return try integer(path)
        } catch let error as SyscallError where error.errno == .noSuchFileOrDirectory {
            return nil
        }
    }

    /// Interface names cannot contain `/` and are never `.` or `..` (`dev_valid_name`); anything else would
    /// read a file outside `conf/`.
    private static func isUsableInterfaceName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && name != "." && name != ".."
    }
}

extension String {
    fileprivate var trimmingASCIIWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
