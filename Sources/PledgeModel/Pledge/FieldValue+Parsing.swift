/// Parsing a field's value from the text a user typed or a CSV cell held.
extension FieldValue {
    /// Parses `text` as the kind `field` holds: integers as integers, lists split on `;`, empty as null.
    public static func parse(_ text: String, for field: PledgeField) throws(ValidationFailure) -> FieldValue {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return .null }
        switch field.kind {
        case .text:
            return .text(trimmed)
        case .integer:
            guard let number = Int(trimmed) else {
                throw ValidationFailure([ValidationIssue(field, "\(field.rawValue) (\(trimmed.prefix(60))) must be a whole number")])
            }
            return .integer(number)
        case .list:
            return .list(trimmed.split(separator: ";").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty })
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace (Foundation-free).
    public func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
