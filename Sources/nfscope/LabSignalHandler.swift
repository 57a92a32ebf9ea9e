import Foundation

/// Tears the lab down on SIGINT or SIGTERM and exits 130, whatever the main thread is doing. The signals are
/// ignored at the process level and delivered to a Dispatch source instead, so the handler runs on a queue,
/// not in signal context.
enum LabSignalHandler {
    static func install(_ teardown: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                teardown()
                exit(130)
            }
            source.resume()
            return source
        }
    }
}
