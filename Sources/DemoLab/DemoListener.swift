import Foundation

/// The backend pods' servers: one small Python process per pod that accepts (and closes) connections on
/// every given TCP port for the lab's life. It prints `ready` once all ports are bound. Unless the lab
/// outlives its process, it exits within a second of its parent going away (it polls `getppid()`);
/// otherwise it detaches into its own session and only ``DemoLab/sweep(prefix:)`` (by its marker) ends it.
enum DemoListener {
    static let script = """
        import os, select, socket, sys
        marker, parent, ports = sys.argv[1], int(sys.argv[2]), [int(p) for p in sys.argv[3:]]
        listeners = []
        for port in ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port))
            s.listen(128)
            listeners.append(s)
        if parent == 0:
            # Outliving the lab's process: detach (new session, stdio on /dev/null) so nothing ties it to us.
            if os.fork() > 0:
                print("ready", flush=True)
                os._exit(0)
            os.setsid()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
        else:
            print("ready", flush=True)
        while parent == 0 or os.getppid() == parent:
            readable, _, _ = select.select(listeners, [], [], 1.0)
            for s in readable:
                try:
                    conn, _ = s.accept()
                    conn.close()
                except OSError:
                    pass
        """

    /// Starts the listener in `namespace` and waits for its `ready` line.
    static func start(in namespace: String, ports: [UInt16], marker: String, watchParent: Bool) throws(DemoLabError) -> Process {
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let arguments = ["ip", "netns", "exec", namespace, python, "-c", script, marker,
                         watchParent ? String(getpid()) : "0"] + ports.map(String.init)
        let step = "ip netns exec \(namespace) \(python) listener \(ports.map(String.init).joined(separator: ","))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw DemoLabError(kind: .launchFailed(reason: "\(error)"), step: step)
        }
        // `ip netns exec` execs Python in place, so this pid is the listener's; the first line says it bound.
        // A detaching listener's stdout reaches end of file once its first process has exited.
        let reader = output.fileHandleForReading
        let first = String(decoding: watchParent ? reader.availableData : reader.readDataToEndOfFile(), as: UTF8.self)
        guard first.hasPrefix("ready") else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw DemoLabError(kind: .listenerNotReady(output: first), step: step)
        }
        return process
    }
}
