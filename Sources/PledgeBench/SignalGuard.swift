import Foundation

/// Stops every child (registries, `pledge sync`) when the bench is interrupted, so nothing is left running.
enum SignalGuard {
    /// The dispatch sources watching SIGINT and SIGTERM (kept alive for the whole run).
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers: on SIGINT or SIGTERM, kill the children and exit with 128 + the signal.
    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                ChildRegistry.shared.killAll()
                FileHandle.standardError.write(Data("pledge-bench: interrupted; stopped every registry and child it started\n".utf8))
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
