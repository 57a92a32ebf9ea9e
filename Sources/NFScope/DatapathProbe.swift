import NetCore
import Netlink

/// Finds what acts on packets outside netfilter, so a trace can say it cannot see it: interfaces with an
/// XDP program (`IFLA_XDP_ATTACHED`) and interfaces with a `clsact` or `ingress` qdisc, where tc filters and
/// BPF programs attach. Read over rtnetlink in the namespace, like the rest of the model.
struct DatapathProbe {
    let connection: NetlinkConnection

    /// One sentence per finding; empty when nothing is there (or the dumps are not answered).
    func findings(names: [Int32: String]) -> [String] {
        var result: [String] = []
        for (index, kind) in (try? qdiscs()) ?? [] where kind == "clsact" || kind == "ingress" {
            result.append("\(names[index] ?? "interface \(index)") has a \(kind) qdisc: tc filters or BPF programs there are not simulated")
        }
        for index in (try? xdpInterfaces()) ?? [] {
            result.append("\(names[index] ?? "interface \(index)") has an XDP program, which is not simulated")
        }
        return result
    }

    /// `RTM_GETQDISC` dump: interface index and `TCA_KIND` of every qdisc.
    private func qdiscs() throws -> [(Int32, String)] {
        let request = NetlinkRequest(type: 38, flags: [], familyHeader: [UInt8](repeating: 0, count: 20))  // struct tcmsg
        var found: [(Int32, String)] = []
        try connection.dump(request, operation: .dump("qdiscs")) { message in
            guard message.header.type == 36, message.payload.count >= 20 else { return }  // RTM_NEWQDISC
            let index = try message.payload.dropFirst(4).prefix(4).hostInteger(Int32.self, path: "tcmsg.ifindex")
            let attributes = try message.attributes(afterFamilyHeader: 20, path: "qdisc")
            if let kind = try attributes.table()[1]?.string { found.append((index, kind)) }  // TCA_KIND
        }
        return found
    }

    /// `RTM_GETLINK` dump: interfaces whose `IFLA_XDP` says a program is attached.
    private func xdpInterfaces() throws -> [Int32] {
        let request = NetlinkRequest(type: 18, flags: [], familyHeader: [UInt8](repeating: 0, count: 16))  // ifinfomsg
        var found: [Int32] = []
        try connection.dump(request, operation: .dump("links (xdp)")) { message in
            guard message.header.type == 16, message.payload.count >= 16 else { return }  // RTM_NEWLINK
            let index = try message.payload.dropFirst(4).prefix(4).hostInteger(Int32.self, path: "ifinfomsg.index")
            let attributes = try message.attributes(afterFamilyHeader: 16, path: "link")
            guard let xdp = try attributes.table()[43] else { return }  // IFLA_XDP
            if let attached = try xdp.nested.table()[2], try attached.u8() != 0 { found.append(index) }  // IFLA_XDP_ATTACHED
        }
        return found
    }
}
