/// A likely duplicate submission: the same pledge entered twice (e.g. on two laptops before either synced).
public struct DuplicateCandidate: Codable, Sendable, Hashable {
    /// The pledge to keep (the one with a registry reference, else the one recorded first).
    public var keep: String
    /// The pledge that looks like a second copy of it.
    public var duplicate: String
    /// Title similarity, 0…1 (Dice coefficient over character bigrams).
    public var similarity: Double
    /// The two titles, for people to judge.
    public var titles: [String]
}

/// Finds likely duplicates: same delegation and ministerial, same area and modality, similar titles.
public enum DuplicateFinder {
    /// Titles at least this similar are reported.
    public static let defaultThreshold = 0.6

    /// Every likely pair among active pledges, most similar first. `pledges` should be in the order
    /// they were recorded, which decides which of a pair is kept when neither has a registry reference.
    public static func candidates(in pledges: [Pledge], threshold: Double = defaultThreshold) -> [DuplicateCandidate] {
        let active = pledges.filter { $0.status.isActive }
        let groups = Dictionary(grouping: active.enumerated()) { _, pledge in
            [pledge.delegation, pledge.ministerial, pledge.text(.area) ?? "", pledge.text(.modality) ?? ""]
        }
        var found: [DuplicateCandidate] = []
        for members in groups.values where members.count > 1 {
            for (offset, first) in members.enumerated() {
                for second in members[(offset + 1)...] {
                    let similarity = titleSimilarity(first.element.title, second.element.title)
                    guard similarity >= threshold else { continue }
                    let firstIsKept = first.element.text(.registryRef) != nil || (second.element.text(.registryRef) == nil && first.offset < second.offset)
                    let (keep, duplicate) = firstIsKept ? (first.element, second.element) : (second.element, first.element)
                    found.append(DuplicateCandidate(keep: keep.id, duplicate: duplicate.id, similarity: similarity,
                                                    titles: [keep.title, duplicate.title]))
                }
            }
        }
        return found.sorted { ($0.similarity, $1.duplicate) > ($1.similarity, $0.duplicate) }
    }

    /// Dice coefficient over the character bigrams of the normalised titles (case, punctuation and spacing ignored).
    public static func titleSimilarity(_ lhs: String, _ rhs: String) -> Double {
        func bigrams(_ text: String) -> [String: Int] {
            let letters = Array(text.lowercased().filter { $0.isLetter || $0.isNumber })
            var counts: [String: Int] = [:]
            if letters.count < 2 { if let only = letters.first { counts[String(only)] = 1 }; return counts }
            for index in 0..<(letters.count - 1) { counts[String(letters[index...index + 1]), default: 0] += 1 }
            return counts
        }
        let a = bigrams(lhs), b = bigrams(rhs)
        let total = a.values.reduce(0, +) + b.values.reduce(0, +)
        guard total > 0 else { return 1 }
        let shared = a.reduce(0) { $0 + min($1.value, b[$1.key] ?? 0) }
        return Double(2 * shared) / Double(total)
    }
}
