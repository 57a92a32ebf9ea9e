/// The protocol-specific state of a flow (`CTA_PROTOINFO`).
public enum ProtocolState: Hashable, Sendable {
    /// TCP state (`CTA_PROTOINFO_TCP_STATE`).
    case tcp(TCPState)
    /// SCTP state (`CTA_PROTOINFO_SCTP_STATE`).
    case sctp(SCTPState)
    /// DCCP state (`CTA_PROTOINFO_DCCP_STATE`).
    case dccp(DCCPState)

    /// The state's name as `conntrack` prints it (`ESTABLISHED`, `COOKIE_WAIT`, `OPEN`).
    public var name: String {
        switch self {
        case .tcp(let state): return state.name
        case .sctp(let state): return state.name
        case .dccp(let state): return state.name
        }
    }
}

/// The state names of one protocol tracker, looked up by number; unknown numbers print as `STATE_n`.
public protocol NamedState: RawRepresentable, Hashable, Sendable, CustomStringConvertible where RawValue == UInt8 {
    /// The state names, indexed by number.
    static var names: [String] { get }
}

extension NamedState {
    /// The name the kernel's tracker uses.
    public var name: String { Int(rawValue) < Self.names.count ? Self.names[Int(rawValue)] : "STATE_\(rawValue)" }
    public var description: String { name }

    /// Parses a name such as `established` (any case) or a number.
    public init?(name: String) {
        let upper = name.uppercased()
        if let index = Self.names.firstIndex(of: upper) {
            self.init(rawValue: UInt8(index))
        } else if let number = UInt8(upper) {
            self.init(rawValue: number)
        } else {
            return nil
        }
    }
}

/// TCP conntrack states (`enum tcp_conntrack`).
public struct TCPState: NamedState {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let names = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
                        "TIME_WAIT", "CLOSE", "SYN_SENT2"]

    public static let none = TCPState(rawValue: 0)
    public static let synSent = TCPState(rawValue: 1)
    public static let synReceived = TCPState(rawValue: 2)
    public static let established = TCPState(rawValue: 3)
    public static let finWait = TCPState(rawValue: 4)
    public static let closeWait = TCPState(rawValue: 5)
    public static let lastAck = TCPState(rawValue: 6)
    public static let timeWait = TCPState(rawValue: 7)
    public static let close = TCPState(rawValue: 8)
}

/// SCTP conntrack states (`enum sctp_conntrack`).
public struct SCTPState: NamedState {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let names = ["NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
                        "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED"]
}

/// DCCP conntrack states (`enum ct_dccp_states`).
public struct DCCPState: NamedState {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let names = ["NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT",
                        "IGNORE", "INVALID"]

    public static let open = DCCPState(rawValue: 4)
}
