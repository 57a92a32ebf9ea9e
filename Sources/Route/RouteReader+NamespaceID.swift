import NetCore
import Netlink
import NetNS

extension RouteReader {
    /// The id this reader's namespace uses for the namespace behind `fd` (an open `/proc/PID/ns/net` or
    /// `/run/netns/NAME`), or `nil` when it has not assigned one (`NETNSA_NSID_NOT_ASSIGNED`).
    ///
    /// A veth whose peer lives in another namespace reports that namespace as an id
    /// (``Link/linkNamespaceID``); this maps a candidate namespace to the same id space, which is how
    /// `nfscope netns list` finds a veth's peer. The kernel assigns the id when it first reports the peer
    /// link, so read links first. Sends `RTM_GETNSID` with `NETNSA_FD` (kernel 4.0+).
    public func namespaceID(ofDescriptor fd: Int32) throws -> Int32? {
        var request = NetlinkRequest(type: RtnetlinkType.getNSID, flags: [],
                                     familyHeader: [0])  // struct rtgenmsg { AF_UNSPEC }
        request.append(3 /* NETNSA_FD */, u32: UInt32(bitPattern: fd))
        let replies = try connection.request(request, operation: .get("netns id of descriptor \(fd)"))
        for reply in replies where reply.header.type == RtnetlinkType.newNSID {
            return try RouteReader.decodeNSID(reply)
        }
        throw DecodeError(path: "nsid", offset: 0, reason: "no RTM_NEWNSID in the reply to RTM_GETNSID")
    }

    /// The id this reader's namespace uses for the namespace a handle holds open, or `nil` when none is
    /// assigned; see ``namespaceID(ofDescriptor:)``.
    public func namespaceID(of namespace: borrowing NamespaceHandle) throws -> Int32? {
        try namespaceID(ofDescriptor: namespace.descriptor.rawValue)
    }

    /// `RTM_NEWNSID`: `struct rtgenmsg` and `NETNSA_NSID`, -1 meaning not assigned.
    static func decodeNSID(_ message: NetlinkMessage) throws -> Int32? {
        var nsid: Int32?
        try message.attributes(afterFamilyHeader: 1, path: "nsid").forEach { attribute in
            if attribute.type == 1 /* NETNSA_NSID */ { nsid = try attribute.i32() }
        }
        guard let nsid else { throw DecodeError(path: "nsid.NETNSA_NSID", offset: 0, reason: "missing") }
        return nsid < 0 ? nil : nsid
    }
}
