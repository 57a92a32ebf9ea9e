import NetCore
import Netlink

/// One nf_tables expression of a rule, in kernel order: one case per kernel expression type.
///
/// Unknown expression names keep their name and raw attribute bytes (`unknown`), so nothing a newer kernel
/// or tool adds is dropped. `description` uses libnftnl's debug format (`[ cmp eq reg 1 0x0100007f ]`), so
/// dumps can be diffed against `nft --debug=netlink`.
public enum Expression: Hashable, Sendable, Encodable, CustomStringConvertible {
    case payload(Payload)
    case cmp(Cmp)
    case bitwise(Bitwise)
    case byteorder(Byteorder)
    case range(Range)
    case meta(Meta)
    case ct(Ct)
    case immediate(Immediate)
    case lookup(Lookup)
    case dynset(Dynset)
    case nat(Nat)
    case masq(Masq)
    case redir(Redir)
    case reject(Reject)
    case counter(Counter)
    case log(Log)
    case limit(Limit)
    case quota(Quota)
    case numgen(Numgen)
    case hash(Hash)
    case fib(Fib)
    case socket(Socket)
    case tproxy(Tproxy)
    case exthdr(Exthdr)
    case rt(Rt)
    case objref(Objref)
    case connlimit(Connlimit)
    case notrack
    case queue(Queue)
    /// An xtables match kept by iptables-nft as an opaque blob (`nft_compat`).
    case match(CompatExtension)
    /// An xtables target kept by iptables-nft as an opaque blob (`nft_compat`).
    case target(CompatExtension)
    /// An expression this decoder does not know: its name and the raw `NFTA_EXPR_DATA` payload.
    case unknown(name: String, raw: [UInt8])

    /// The kernel's expression name (`NFTA_EXPR_NAME`).
    public var name: String {
        switch self {
        case .payload: return "payload"
        case .cmp: return "cmp"
        case .bitwise: return "bitwise"
        case .byteorder: return "byteorder"
        case .range: return "range"
        case .meta: return "meta"
        case .ct: return "ct"
        case .immediate: return "immediate"
        case .lookup: return "lookup"
        case .dynset: return "dynset"
        case .nat: return "nat"
        case .masq: return "masq"
        case .redir: return "redir"
        case .reject: return "reject"
        case .counter: return "counter"
        case .log: return "log"
        case .limit: return "limit"
        case .quota: return "quota"
        case .numgen: return "numgen"
        case .hash: return "hash"
        case .fib: return "fib"
        case .socket: return "socket"
        case .tproxy: return "tproxy"
        case .exthdr: return "exthdr"
        case .rt: return "rt"
        case .objref: return "objref"
        case .connlimit: return "connlimit"
        case .notrack: return "notrack"
        case .queue: return "queue"
        case .match: return "match"
        case .target: return "target"
        case .unknown(let name, _): return name
        }
    }

    public var description: String {
        let body: String
        switch self {
        case .payload(let e): body = e.debugDescription
        case .cmp(let e): body = e.debugDescription
        case .bitwise(let e): body = e.debugDescription
        case .byteorder(let e): body = e.debugDescription
        case .range(let e): body = e.debugDescription
        case .meta(let e): body = e.debugDescription
        case .ct(let e): body = e.debugDescription
        case .immediate(let e): body = e.debugDescription
        case .lookup(let e): body = e.debugDescription
        case .dynset(let e): body = e.debugDescription
        case .nat(let e): body = e.debugDescription
        case .masq(let e): body = e.debugDescription
        case .redir(let e): body = e.debugDescription
        case .reject(let e): body = e.debugDescription
        case .counter(let e): body = e.debugDescription
        case .log(let e): body = e.debugDescription
        case .limit(let e): body = e.debugDescription
        case .quota(let e): body = e.debugDescription
        case .numgen(let e): body = e.debugDescription
        case .hash(let e): body = e.debugDescription
        case .fib(let e): body = e.debugDescription
        case .socket(let e): body = e.debugDescription
        case .tproxy(let e): body = e.debugDescription
        case .exthdr(let e): body = e.debugDescription
        case .rt(let e): body = e.debugDescription
        case .objref(let e): body = e.debugDescription
        case .connlimit(let e): body = e.debugDescription
        case .notrack: body = "notrack"
        case .queue(let e): body = e.debugDescription
        case .match(let e): body = "match name \(e.name) rev \(e.revision)"
        case .target(let e): body = "target name \(e.name) rev \(e.revision)"
        case .unknown(let name, let raw): body = "\(name) raw \(raw.count)b"
        }
        return "[ \(body) ]"
    }
}

/// An xtables match or target carried by `nft_compat` (`NFTA_MATCH_*` / `NFTA_TARGET_*`): the extension
/// name, its revision and the `info` struct exactly as the kernel holds it. Decoding by name and revision
/// lives in the `Xtables` module, which also serves iptables-legacy blobs.
public struct CompatExtension: Hashable, Sendable, Encodable {
    public var name: String
    public var revision: UInt8
    public var info: [UInt8]

    public init(name: String, revision: UInt8, info: [UInt8]) {
        self.name = name
        self.revision = revision
        self.info = info
    }
}
