/// One line of the table: a figure, its floor from the same run, the ratio, and the target.
struct ResultRow: Codable {
    /// The scenario it belongs to, e.g. `bulk`.
    var scenario: String
    /// What was measured, in words.
    var figure: String
    /// The measured value, in `unit`.
    var value: Double
    /// The unit of `value`: `s`, `pledges/s`, `requests`, `bytes`, `MB`, `count`.
    var unit: String
    /// The value as printed.
    var display: String
    /// The floor, in seconds (nil: no floor applies).
    var floorSeconds: Double?
    /// The floor as printed, with what it is.
    var floorDisplay: String?
    /// The figure's time over its floor's.
    var ratio: Double?
    /// The target, in words (empty: for information).
    var target: String
    /// Whether the target is met (nil: for information).
    var met: Bool?
    /// What limits the figure, or how it was measured.
    var note: String?

    /// A row with a target.
    static func target(_ scenario: String, _ figure: String, value: Double, unit: String, display: String,
                       floor: (seconds: Double, display: String)? = nil, ratio: Double? = nil,
                       target: String, met: Bool, note: String? = nil) -> ResultRow {
        ResultRow(scenario: scenario, figure: figure, value: value, unit: unit, display: display,
                  floorSeconds: floor?.seconds, floorDisplay: floor?.display, ratio: ratio, target: target, met: met, note: note)
    }

    /// A row for information, without a target.
    static func info(_ scenario: String, _ figure: String, value: Double, unit: String, display: String,
                     floor: (seconds: Double, display: String)? = nil, ratio: Double? = nil, note: String? = nil) -> ResultRow {
        ResultRow(scenario: scenario, figure: figure, value: value, unit: unit, display: display,
                  floorSeconds: floor?.seconds, floorDisplay: floor?.display, ratio: ratio, target: "", met: nil, note: note)
    }
}
