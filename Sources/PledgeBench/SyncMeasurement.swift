import SyncClient

/// Where the time of a sync (or a part of one) went.
struct PhaseCost {
    /// Wall seconds.
    var seconds: Double
    /// Of those, seconds waiting on HTTP requests (network and registry).
    var httpSeconds: Double
    /// CPU seconds of this process (the node's SQLite and JSON work, libcurl).
    var nodeCPUSeconds: Double
    /// CPU seconds of the registry process.
    var serverCPUSeconds: Double

    /// The cost between two snapshots.
    static func - (end: PhaseCost, start: PhaseCost) -> PhaseCost {
        PhaseCost(seconds: end.seconds - start.seconds, httpSeconds: end.httpSeconds - start.httpSeconds,
                  nodeCPUSeconds: end.nodeCPUSeconds - start.nodeCPUSeconds, serverCPUSeconds: end.serverCPUSeconds - start.serverCPUSeconds)
    }

    /// `4.1 s: 2.9 s waiting on the registry (registry CPU 2.7 s), node CPU 1.2 s`.
    var breakdown: String {
        "\(Format.seconds(seconds)) wall: \(Format.seconds(httpSeconds)) in HTTP requests (registry CPU \(Format.cpuSeconds(serverCPUSeconds))), "
            + "node CPU \(Format.cpuSeconds(nodeCPUSeconds))"
    }
}

/// What one measured sync did and cost.
struct SyncMeasurement {
    /// The engine's report.
    var report: SyncReport
    /// The whole sync.
    var total: PhaseCost
    /// Until the last push batch was acknowledged (nil when the push was a single batch or none).
    var push: PhaseCost?
    /// HTTP requests made.
    var requests: Int
    /// Bytes sent and received, headers included (compressed bodies as they crossed the wire).
    var bytes: Int

    /// Wall seconds of the whole sync.
    var seconds: Double { total.seconds }
}
