import NetCore
import NetNS
import Netlink
import SystemPackage

/// Turns any error nfscope raises into one sentence an operator can act on, and says whether it is the
/// environment's fault (permission, a missing namespace: exit 3) or a failure to read the kernel's answer.
public struct ProblemReport: Sendable {
    public enum Category: Sendable { case environment, failure }
    public var category: Category
    public var message: String

    public init?(_ error: Error) {
        switch error {
        case let error as NamespaceError:
            category = .environment
            message = error.description
        case let error as NetlinkError where error.errno.isPermissionDenied:
            category = .environment
            let place = error.namespace.map { " in network namespace \($0.label)" } ?? ""
            message = "\(error.operation)\(place) needs root (CAP_NET_ADMIN); run it with sudo (\(error.errno.describedWithName))"
        case let error as NetlinkError:
            category = .failure
            message = error.description
        case let error as SyscallError where error.errno.isPermissionDenied:
            category = .environment
            message = "\(error.call) \(error.target) needs root; run it with sudo (\(error.errno.describedWithName))"
        case let error as SyscallError:
            category = error.errno == .noSuchFileOrDirectory ? .environment : .failure
            message = error.description
        case let error as DecodeError:
            category = .failure
            message = "the kernel's answer could not be decoded: \(error)"
        default:
            return nil
        }
    }
}
