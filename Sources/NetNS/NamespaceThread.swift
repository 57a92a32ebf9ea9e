import NetCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs work inside a network namespace on a fresh OS thread that is never reused.
///
/// `setns` moves only the calling thread, so the work gets a thread of its own: it records its original
/// namespace, enters the target, runs the body, switches back and exits (mdlayher/socket's `withNetNS`).
/// Swift concurrency threads and Dispatch queues never change namespace. Sockets opened in the body keep
/// talking to the target namespace after the thread is gone, so return their descriptors.
public enum NetNS {
    /// Runs `body` inside the namespace and waits for it (the calling thread blocks; it is not moved).
    public static func run<T: Sendable>(in namespace: borrowing NamespaceHandle,
                                        _ body: @escaping @Sendable () throws -> T) throws -> T {
        let work = NamespaceWork(targetDescriptor: namespace.descriptor.rawValue, label: namespace.id.label, body: body)
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(work as NamespaceWorkBase).toOpaque()
        let created = pthread_create(&thread, nil, namespaceThreadEntry, retained)
        guard created == 0 else {
            Unmanaged<NamespaceWorkBase>.fromOpaque(retained).release()
            throw NamespaceError(kind: .failed, target: namespace.id.label,
                                 underlying: SyscallError(call: "pthread_create", target: namespace.id.label,
                                                          errno: .init(rawValue: created)))
        }
        pthread_join(thread, nil)
        return try work.takeResult()
    }

    /// The async form: the caller's task is suspended, not blocked, while the namespace thread works.
    public static func run<T: Sendable>(in namespace: borrowing NamespaceHandle,
                                        _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let fd = namespace.descriptor.rawValue
        let label = namespace.id.label
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let work = NamespaceWork(targetDescriptor: fd, label: label, body: body)
            // Unowned: the thread holds the work while it calls this, and a strong capture would be a cycle
            // (work -> onFinish -> work) that leaked every async run together with its result.
            work.onFinish = { [unowned work] in continuation.resume(with: work.takeOutcome()) }
            var thread = pthread_t()
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
            defer { pthread_attr_destroy(&attributes) }
            let retained = Unmanaged.passRetained(work as NamespaceWorkBase).toOpaque()
            let created = pthread_create(&thread, &attributes, namespaceThreadEntry, retained)
            if created != 0 {
                Unmanaged<NamespaceWorkBase>.fromOpaque(retained).release()
                continuation.resume(throwing: NamespaceError(
                    kind: .failed, target: label,
                    underlying: SyscallError(call: "pthread_create", target: label, errno: .init(rawValue: created))))
            }
        }
    }
}

/// The part of the work the C thread entry can see: it cannot be generic.
class NamespaceWorkBase: @unchecked Sendable {
    let targetDescriptor: Int32
    let label: String
    var onFinish: (() -> Void)?

    init(targetDescriptor: Int32, label: String) {
        self.targetDescriptor = targetDescriptor
        self.label = label
    }

    /// Runs on the namespace thread, after `setns` succeeded.
    func runBody() {}
    /// Records a failure to enter the namespace.
    func fail(_ error: Error) {}
}

/// The body and its result. Written only by the namespace thread, read only after it finished (join or
/// the continuation resumed from it), which orders the accesses.
final class NamespaceWork<T: Sendable>: NamespaceWorkBase, @unchecked Sendable {
    private let body: @Sendable () throws -> T
    private var result: Result<T, Error>?

    init(targetDescriptor: Int32, label: String, body: @escaping @Sendable () throws -> T) {
        self.body = body
        super.init(targetDescriptor: targetDescriptor, label: label)
    }

    override func runBody() { result = Result { try body() } }
    override func fail(_ error: Error) { result = .failure(error) }

    /// Moves the result out, so that the caller becomes its only owner (a returned socket closes when the
    /// caller drops it, not when this work object happens to go away).
    func takeOutcome() -> Result<T, Error> {
        defer { result = nil }
        return result ?? .failure(NamespaceError(kind: .failed, target: label))
    }

    func takeResult() throws -> T { try takeOutcome().get() }
}

private func namespaceThreadEntry(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    let work = Unmanaged<NamespaceWorkBase>.fromOpaque(argument).takeRetainedValue()
    do {
        let original = try NamespaceFile.threadNamespaceDescriptor()
        defer { close(original) }
        try NamespaceFile.enter(work.targetDescriptor, label: work.label)
        work.runBody()
        // The thread exits next and is never reused; switching back is belt and braces.
        _ = try? NamespaceFile.enter(original, label: "original")
    } catch {
        work.fail(error)
    }
    work.onFinish?()
    return nil
}
