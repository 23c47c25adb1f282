/// Order statistics over a sample of measurements.
enum Statistics {
    /// The nearest-rank percentile (`p` in 0…100) of `values`; 0 for an empty sample.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The median of `values`.
    static func median(_ values: [Double]) -> Double { percentile(values, 50) }
}
