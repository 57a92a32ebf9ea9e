/// Encodings for the snapshot format (`nfscope ruleset --format json`, documented in
/// docs/ruleset-schema.md): kernel values stay numeric and exact, verdicts are `{code, chain}`, data is
/// `{value: [bytes]}` or `{verdict: …}`, and each expression is an object with a `kind` and its own fields.
extension Verdict {
    private enum Keys: String, CodingKey { case code, chain }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(code.description, forKey: .code)
        try container.encodeIfPresent(chain, forKey: .chain)
    }
}

extension NFTData {
    private enum Keys: String, CodingKey { case value, verdict }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .value(let bytes): try container.encode(bytes, forKey: .value)
        case .verdict(let verdict): try container.encode(verdict, forKey: .verdict)
        }
    }
}

extension Expression {
    private enum Keys: String, CodingKey { case kind, debug, raw }

    /// `{"kind": "cmp", "debug": "[ cmp eq reg 1 0x0100007f ]", …the expression's own fields…}`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(name, forKey: .kind)
        try container.encode(description, forKey: .debug)
        switch self {
        case .payload(let e): try e.encode(to: encoder)
        case .cmp(let e): try e.encode(to: encoder)
        case .bitwise(let e): try e.encode(to: encoder)
        case .byteorder(let e): try e.encode(to: encoder)
        case .range(let e): try e.encode(to: encoder)
        case .meta(let e): try e.encode(to: encoder)
        case .ct(let e): try e.encode(to: encoder)
        case .immediate(let e): try e.encode(to: encoder)
        case .lookup(let e): try e.encode(to: encoder)
        case .dynset(let e): try e.encode(to: encoder)
        case .nat(let e): try e.encode(to: encoder)
        case .masq(let e): try e.encode(to: encoder)
        case .redir(let e): try e.encode(to: encoder)
        case .reject(let e): try e.encode(to: encoder)
        case .counter(let e): try e.encode(to: encoder)
        case .log(let e): try e.encode(to: encoder)
        case .limit(let e): try e.encode(to: encoder)
        case .quota(let e): try e.encode(to: encoder)
        case .numgen(let e): try e.encode(to: encoder)
        case .hash(let e): try e.encode(to: encoder)
        case .fib(let e): try e.encode(to: encoder)
        case .socket(let e): try e.encode(to: encoder)
        case .tproxy(let e): try e.encode(to: encoder)
        case .exthdr(let e): try e.encode(to: encoder)
        case .rt(let e): try e.encode(to: encoder)
        case .objref(let e): try e.encode(to: encoder)
        case .connlimit(let e): try e.encode(to: encoder)
        case .notrack: break
        case .queue(let e): try e.encode(to: encoder)
        case .match(let e), .target(let e): try e.encode(to: encoder)
        case .unknown(_, let raw): try container.encode(raw, forKey: .raw)
        }
    }
}

extension NFTFamily {
    /// Families encode as nft's names (`ip`, `ip6`, `inet`, …).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Chain {
    private enum Keys: String, CodingKey { case family, table, name, handle, flags, use, userdata, counters, base }

    /// A chain; `base` is null for regular chains.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(family, forKey: .family)
        try container.encode(table, forKey: .table)
        try container.encode(name, forKey: .name)
        try container.encode(handle, forKey: .handle)
        try container.encode(flags, forKey: .flags)
        try container.encode(use, forKey: .use)
        try container.encode(userdata, forKey: .userdata)
        try container.encodeIfPresent(counters, forKey: .counters)
        if let base { try container.encode(BaseChainDocument(base, family: family), forKey: .base) } else {
            try container.encodeNil(forKey: .base)
        }
    }
}

/// A base chain with its hook named for the family.
private struct BaseChainDocument: Encodable {
    var hook: UInt32
    var hookName: String
    var priority: Int32
    var type: String
    var policy: String
    var devices: [String]

    init(_ base: BaseChain, family: NFTFamily) {
        hook = base.hook.rawValue
        hookName = base.hook.name(in: family)
        priority = base.priority
        type = base.type
        policy = base.policy.description
        devices = base.devices
    }
}

extension StatefulObject.Content {
    private enum Keys: String, CodingKey { case kind, name, l3proto, l4proto, policy, raw }

    /// `{"kind": "counter", "packets": …}`: the object's own fields next to its kind.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .counter(let value):
            try container.encode("counter", forKey: .kind)
            try value.encode(to: encoder)
        case .quota(let value):
            try container.encode("quota", forKey: .kind)
            try value.encode(to: encoder)
        case .limit(let value):
            try container.encode("limit", forKey: .kind)
            try value.encode(to: encoder)
        case .connlimit(let value):
            try container.encode("connlimit", forKey: .kind)
            try value.encode(to: encoder)
        case .ctHelper(let name, let l3proto, let l4proto):
            try container.encode("ct_helper", forKey: .kind)
            try container.encode(name, forKey: .name)
            try container.encode(l3proto, forKey: .l3proto)
            try container.encode(l4proto, forKey: .l4proto)
        case .ctTimeout(let l3proto, let l4proto, let policy):
            try container.encode("ct_timeout", forKey: .kind)
            try container.encode(l3proto, forKey: .l3proto)
            try container.encode(l4proto, forKey: .l4proto)
            try container.encode(policy, forKey: .policy)
        case .raw(let bytes):
            try container.encode("raw", forKey: .kind)
            try container.encode(bytes, forKey: .raw)
        }
    }
}
