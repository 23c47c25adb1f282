import Foundation

/// What held a bulk figure below its target, said from what the same run measured.
enum BulkLimit {
    /// Share of the processors' time above which the two processes count as CPU-bound.
    static let cpuBoundShare = 0.8

    /// A sentence for a missed bulk target: whether the node and registry were CPU-bound, and whether the
    /// ratio to the floor fell short or only the rate did (with the floor or ratio that would have met it).
    static func explain(_ cost: PhaseCost, count: Int, floorSeconds: Double, processors: Int,
                        targetRate: Double, targetRatio: Double) -> String {
        let cpu = cost.nodeCPUSeconds + cost.serverCPUSeconds
        let busy = cost.seconds > 0 ? cpu / cost.seconds : 0
        let usage = "node and registry used \(Format.seconds(cpu)) of CPU in \(Format.seconds(cost.seconds)), "
            + String(format: "%.2f", busy) + " of \(processors) processors"
        let bound = busy >= cpuBoundShare * Double(processors)
            ? "CPU-bound: " + usage
            : "not CPU-bound (" + usage + "): time went to waiting, on the disk or between requests"
        let ratio = cost.seconds / floorSeconds
        guard ratio <= targetRatio else {
            return "not met: \(bound); the sync cost \(Format.ratio(ratio)) the floor, more than the \(Format.ratio(targetRatio)) allowed"
        }
        // The rate is the ratio times the floor's own time: say how far each would have had to move alone.
        let secondsAllowed = Double(count) / targetRate
        return "not met: \(bound); the ratio is within \(Format.ratio(targetRatio)), but \(Format.rate(targetRate)) "
            + "needs \(Format.seconds(secondsAllowed)) or less: at this ratio (\(Format.ratio(ratio))) a floor of "
            + "\(Format.seconds(secondsAllowed / ratio)) or less, and at this run's floor (\(Format.seconds(floorSeconds))) "
            + "a ratio of \(Format.ratio(secondsAllowed / floorSeconds)) or less"
    }
}
