import NetCore
import Netlink

extension NFTSet {
    /// Decodes an `NFT_MSG_NEWSET` message (`NFTA_SET_*`); elements come separately.
    public init(message: NetlinkMessage) throws {
        let family = try message.nfgenFamily(path: "set")
        let a = try ExpressionAttributes(message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "set"))
        var size: UInt32?
        var fields: [UInt32] = []
        if let desc = a.nested(9) {
            let d = try ExpressionAttributes(desc)
            size = try d.u32(1)
            if let concat = d.nested(2) {
                try concat.forEach { element in
                    if let length = try ExpressionAttributes(element.nested).u32(1) { fields.append(length) }
                }
            }
        }
        var expressions: [Expression] = []
        if let single = a.nested(17) { expressions.append(try Expression(decoding: single)) }
        if let list = a.nested(18) { expressions += try Expression.list(decoding: list) }
        self.init(family: family, table: try a.required(1, "table") { a.string($0) },
                  name: try a.required(2, "name") { a.string($0) }, handle: try a.u64(16) ?? 0,
                  flags: Flags(rawValue: try a.u32(3) ?? 0), keyType: try a.u32(4) ?? 0,
                  keyLength: try a.u32(5) ?? 0, dataType: try a.u32(6), dataLength: try a.u32(7),
                  objectType: try a.u32(15), policy: try a.u32(8), size: size, concatFieldLengths: fields,
                  timeout: try a.u64(11), gcInterval: try a.u32(12), userdata: a.bytes(13) ?? [],
                  expressions: expressions)
    }
}

extension SetElement {
    /// Decodes the elements of an `NFT_MSG_NEWSETELEM` message (`NFTA_SET_ELEM_LIST_ELEMENTS`).
    public static func elements(message: NetlinkMessage) throws -> [SetElement] {
        let a = try ExpressionAttributes(message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "setelem"))
        guard let list = a.nested(3) else { return [] }
        var result: [SetElement] = []
        try list.forEach { element in
            guard element.type == 1 else { return }
            result.append(try SetElement(ExpressionAttributes(element.nested)))
        }
        return result
    }

    init(_ a: ExpressionAttributes) throws {
        var expressions: [Expression] = []
        if let single = a.nested(7) { expressions.append(try Expression(decoding: single)) }
        if let list = a.nested(11) { expressions += try Expression.list(decoding: list) }
        self.init(key: (try a.data(1))?.bytes ?? [], keyEnd: (try a.data(10))?.bytes, data: try a.data(2),
                  flags: try a.u32(3) ?? 0, timeout: try a.u64(4), expiration: try a.u64(5),
                  objectReference: a.string(9), userdata: a.bytes(6) ?? [], expressions: expressions)
    }
}

extension StatefulObject {
    /// Decodes an `NFT_MSG_NEWOBJ` message (`NFTA_OBJ_*`).
    public init(message: NetlinkMessage) throws {
        let family = try message.nfgenFamily(path: "obj")
        let a = try ExpressionAttributes(message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "obj"))
        let type = ObjectType(rawValue: try a.requiredU32(3, "type"))
        let data = a.nested(4) ?? NetlinkAttributes([], path: "obj.data")
        self.init(family: family, table: try a.required(1, "table") { a.string($0) },
                  name: try a.required(2, "name") { a.string($0) }, handle: try a.u64(6) ?? 0, type: type,
                  use: try a.u32(5) ?? 0, userdata: a.bytes(8) ?? [],
                  content: try Content(type: type, data: data))
    }
}

extension StatefulObject.Content {
    init(type: ObjectType, data: NetlinkAttributes) throws {
        let a = try ExpressionAttributes(data)
        switch type {
        case .counter: self = .counter(try Expression.Counter(a))
        case .quota: self = .quota(try Expression.Quota(a))
        case .limit: self = .limit(try Expression.Limit(a))
        case .connlimit: self = .connlimit(try Expression.Connlimit(a))
        case .ctHelper:
            self = .ctHelper(name: a.string(1) ?? "", l3proto: try a.u16(2) ?? 0, l4proto: try a.u8(3) ?? 0)
        case .ctTimeout:
            self = .ctTimeout(l3proto: try a.u16(1) ?? 0, l4proto: try a.u8(2) ?? 0, policy: a.bytes(3) ?? [])
        default: self = .raw(Array(data.bytes))
        }
    }
}

extension Flowtable {
    /// Decodes an `NFT_MSG_NEWFLOWTABLE` message (`NFTA_FLOWTABLE_*`).
    public init(message: NetlinkMessage) throws {
        let family = try message.nfgenFamily(path: "flowtable")
        let a = try ExpressionAttributes(message.attributes(afterFamilyHeader: NFTMessage.familyHeaderSize, path: "flowtable"))
        var hook = Hook.ingress
        var priority: Int32 = 0
        var devices: [String] = []
        if let hookAttributes = a.nested(3) {
            let h = try ExpressionAttributes(hookAttributes)
            hook = Hook(rawValue: try h.u32(1) ?? 0)
            priority = Int32(bitPattern: try h.u32(2) ?? 0)
            if let list = h.nested(3) { try list.forEach { devices.append($0.string) } }
        }
        self.init(family: family, table: try a.required(1, "table") { a.string($0) },
                  name: try a.required(2, "name") { a.string($0) }, handle: try a.u64(5) ?? 0, hook: hook,
                  priority: priority, devices: devices, flags: try a.u32(7) ?? 0, use: try a.u32(4) ?? 0)
    }
}
