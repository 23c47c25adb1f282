import Foundation

/// A child process started with posix_spawn, its own peak RSS sampled while it runs.
///
/// The peak is the child's VmHWM read from /proc every 10 ms while waiting for it. Not `ru_maxrss`:
/// glibc's posix_spawn runs the child on the parent's memory until exec, and Linux carries that
/// memory's high-water mark into the child's `ru_maxrss`, so after a big scenario the figure was
/// the bench's own peak (183–295 MB reported for a pull whose own peak was 48 MB).
final class ChildProcess {
    /// The child's pid.
    let pid: pid_t
    /// Where its stdout goes.
    let stdoutPath: String
    /// Where its stderr goes.
    let stderrPath: String
    /// Exit status and peak RSS once reaped.
    private(set) var finished: (status: Int32, peakRSSKilobytes: Int)?
    /// The highest VmHWM read from /proc so far.
    private var sampledPeakKilobytes = 0

    /// Starts `executable` with `arguments`, stdout and stderr to files, stdin from /dev/null.
    init(executable: String, arguments: [String], stdoutPath: String, stderrPath: String, environment: [String: String] = [:]) throws {
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The bench ignores SIGINT/SIGTERM (SignalGuard); ignored signals survive exec, so restore the defaults.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var merged = ProcessInfo.processInfo.environment
        merged["PLEDGE_DB"] = nil
        merged["PLEDGE_TOKEN"] = nil
        for (key, value) in environment { merged[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let code = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard code == 0 else { throw BenchFailure("cannot start \(executable): \(String(cString: strerror(code)))") }
        pid = child
        ChildRegistry.shared.add(child)
    }

    /// Whether the child is still running (reaps it if it has ended).
    var isRunning: Bool { reap(blocking: false) == nil }

    /// Waits for the child to end, at most `timeout` seconds (then kills it); returns status and peak RSS.
    @discardableResult
    func wait(timeout: Double = 3_600) -> (status: Int32, peakRSSKilobytes: Int) {
        let deadline = Stopwatch.now() + timeout
        while Stopwatch.now() < deadline {
            if finished == nil { sampledPeakKilobytes = max(sampledPeakKilobytes, ProcessStats.peakRSSKilobytes(pid: pid)) }
            if let done = reap(blocking: false) { return done }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        return reap(blocking: true)!
    }

    /// Asks the child to stop (SIGTERM), then kills it (SIGKILL) if it has not ended within `grace` seconds.
    func stop(grace: Double = 10) {
        guard finished == nil else { return }
        kill(pid, SIGTERM)
        wait(timeout: grace)
    }

    /// The child's stdout so far.
    func stdout() -> String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// The child's stderr so far.
    func stderr() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Collects the child's exit status and rusage if it has ended (waiting for it when `blocking`).
    private func reap(blocking: Bool) -> (status: Int32, peakRSSKilobytes: Int)? {
        if let finished { return finished }
        var status: Int32 = 0
        let result = wait4(pid, &status, blocking ? 0 : WNOHANG, nil)
        guard result == pid else { return nil }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (they are macros in C).
        let signal = status & 0x7f
        let code: Int32 = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        let done = (status: code, peakRSSKilobytes: sampledPeakKilobytes)
        finished = done
        ChildRegistry.shared.remove(pid)
        return done
    }

    /// Never leaves a child running or unreaped.
    deinit { if finished == nil { kill(pid, SIGKILL); _ = reap(blocking: true) } }
}
