/// What held a bulk figure below its target, said from what the same run measured.
enum BulkLimit {
    /// Share of the processors' time above which the two processes count as CPU-bound.
    static let cpuBoundShare = 0.8

    /// A sentence for a missed bulk target: whether the node and registry were CPU-bound, and whether
    /// the ratio to the floor or the machine's speed (the floor's own time in this run) is what fell short.
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
        // The ratio is within bounds, so only the machine's speed in this run stands between the figure and the rate.
        let floorNeeded = Double(count) / targetRate / ratio
        return "not met: \(bound); at \(Format.ratio(ratio)) the floor (within \(Format.ratio(targetRatio))), "
            + "\(Format.rate(targetRate)) needs a floor of \(Format.seconds(floorNeeded)) or less, "
            + "and this run's floor took \(Format.seconds(floorSeconds)): the limit is how fast this machine ran the floor itself"
    }
}
