import NetCore
import Xtables

extension LegacyRule {
    /// The arguments `iptables-legacy-save` (1.8.9) prints after `-A CHAIN`, in its order: `-s`, `-d`,
    /// `-i`, `-o`, `-p`, `-f`, the matches in entry order, then `-j`/`-g` and the target's options.
    ///
    /// - Parameter ipsetNames: set names by index (``LegacyTable/ipsetNames``); sets not named there
    ///   print as `<ipset#INDEX>`.
    public func iptablesArguments(ipsetNames: [UInt16: String] = [:]) -> [String] {
        var arguments = header.iptablesArguments
        for match in matches {
            arguments += match.match.iptablesArguments(family: header.family, ipsetNames: ipsetNames)
        }
        arguments += target.iptablesArguments(family: header.family, goto: header.isGoto, ipsetNames: ipsetNames)
        return arguments
    }

    /// `-A CHAIN ...`, as one line of iptables-save (without the newline).
    public func iptablesText(ipsetNames: [UInt16: String] = [:]) -> String {
        (["-A", chain] + iptablesArguments(ipsetNames: ipsetNames)).joined(separator: " ")
    }
}

extension LegacyIPHeader {
    /// The standard part: `-s`, `-d`, `-i`, `-o`, `-p`, then `-f` (IPv4).
    public var iptablesArguments: [String] {
        var arguments = LegacyText.address(source, mask: sourceMask, inverted: inverts(Self.invertSource), flag: "-s")
        arguments += LegacyText.address(destination, mask: destinationMask, inverted: inverts(Self.invertDestination),
                                        flag: "-d")
        arguments += LegacyText.interface(inInterface, mask: inInterfaceMask, inverted: inverts(Self.invertIn),
                                          flag: "-i")
        arguments += LegacyText.interface(outInterface, mask: outInterfaceMask, inverted: inverts(Self.invertOut),
                                          flag: "-o")
        arguments += LegacyText.proto(protocolNumber, inverted: inverts(Self.invertProtocol))
        if isFragment { arguments += (inverts(Self.invertFragment) ? ["!"] : []) + ["-f"] }
        return arguments
    }
}

extension LegacyTarget {
    /// `-j ACCEPT`, `-j CHAIN` / `-g CHAIN`, nothing for a fall-through, or the extension's arguments.
    public func iptablesArguments(family: IPFamily, goto: Bool = false,
                                  ipsetNames: [UInt16: String] = [:]) -> [String] {
        switch self {
        case .verdict(let verdict): return [goto ? "-g" : "-j", verdict.description]
        case .jump(let chain, let isGoto): return [isGoto ? "-g" : "-j", chain]
        case .continueToNext: return []
        case .extension(_, let target, _): return target.iptablesArguments(family: family, ipsetNames: ipsetNames)
        }
    }
}
