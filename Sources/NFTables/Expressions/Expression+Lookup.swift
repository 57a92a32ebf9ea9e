extension Expression {
    /// `lookup`: looks a register up in a set (match) or a map (loads the mapped data or verdict).
    /// Kernel attributes `NFTA_LOOKUP_SET`, `_SREG`, `_DREG`, `_SET_ID`, `_FLAGS`.
    public struct Lookup: Hashable, Sendable, Encodable {
        public var set: String
        public var source: Register
        /// Set for maps: where the mapped value goes (register 0 for verdict maps).
        public var destination: Register?
        /// `NFT_LOOKUP_F_INV` (0x1): match when the key is *not* in the set.
        public var flags: UInt32

        public init(set: String, source: Register, destination: Register? = nil, flags: UInt32 = 0) {
            self.set = set
            self.source = source
            self.destination = destination
            self.flags = flags
        }

        public var isInverted: Bool { flags & 0x1 != 0 }

        init(_ a: ExpressionAttributes) throws {
            set = try a.required(1, "set") { a.string($0) }
            source = try a.requiredRegister(2, "sreg")
            destination = try a.register(3)
            flags = try a.u32(5) ?? 0
        }

        var debugDescription: String {
            var text = "lookup reg \(source) set \(set)"
            if let destination { text += " dreg \(destination)" }
            return text + " 0x\(String(flags, radix: 16))"
        }
    }

    /// `dynset`: adds, updates or deletes a set element from the packet path (`NFTA_DYNSET_*`).
    public struct Dynset: Hashable, Sendable, Encodable {
        public var set: String
        /// 0 add, 1 update, 2 delete (`NFT_DYNSET_OP_*`).
        public var op: UInt32
        public var keySource: Register
        public var dataSource: Register?
        /// Milliseconds.
        public var timeout: UInt64?
        public var flags: UInt32
        /// Expressions attached to the new element (`NFTA_DYNSET_EXPR(ESSIONS)`).
        public var expressions: [Expression]

        init(_ a: ExpressionAttributes) throws {
            set = try a.required(1, "set_name") { a.string($0) }
            op = try a.requiredU32(3, "op")
            keySource = try a.requiredRegister(4, "sreg_key")
            dataSource = try a.register(5)
            timeout = try a.u64(6)
            flags = try a.u32(9) ?? 0
            var expressions: [Expression] = []
            if let single = a.nested(7) { expressions.append(try Expression(decoding: single)) }
            if let list = a.nested(10) { expressions += try Expression.list(decoding: list) }
            self.expressions = expressions
        }

        public var opName: String { ["add", "update", "delete"].indices.contains(Int(op)) ? ["add", "update", "delete"][Int(op)] : "op\(op)" }

        var debugDescription: String {
            var text = "dynset \(opName) reg_key \(keySource) set \(set)"
            if let dataSource { text += " sreg_data \(dataSource)" }
            if let timeout, timeout > 0 { text += " timeout \(timeout)ms" }
            for expression in expressions { text += " expr \(expression)" }
            return text
        }
    }

    /// `objref`: attaches a named stateful object, directly or through a map (`NFTA_OBJREF_*`).
    public struct Objref: Hashable, Sendable, Encodable {
        public var type: ObjectType?
        public var name: String?
        public var setSource: Register?
        public var setName: String?

        init(_ a: ExpressionAttributes) throws {
            type = try a.u32(1).map(ObjectType.init(rawValue:))
            name = a.string(2)
            setSource = try a.register(3)
            setName = a.string(4)
        }

        var debugDescription: String {
            if let setName { return "objref sreg \(setSource?.description ?? "?") set \(setName)" }
            return "objref type \(type?.rawValue ?? 0) name \(name ?? "")"
        }
    }
}
