import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// Runs the command and maps every failure to one line on stderr and a documented exit code.
do {
    var command = try Nfscope.parseAsRoot()
    try command.run()
} catch {
    exit(ExitStatus.report(error))
}
