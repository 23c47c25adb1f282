import PledgeModel

/// Hand-built JSON in the stored shapes, for seeding and floors (much faster than JSONEncoder at a million rows).
enum JSONText {
    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A field value as JSON.
    static func value(_ value: FieldValue) -> String {
        switch value {
        case .null: return "null"
        case .text(let text): return string(text)
        case .integer(let number): return String(number)
        case .list(let items): return "[" + items.map(string).joined(separator: ",") + "]"
        }
    }

    /// `{field: {"value": …, "version": n}}`: the registry's `fields` column and the node's `confirmed` column.
    static func versioned(_ fields: FieldMap, version: Int) -> String {
        "{" + fields.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\(string($0.key.rawValue)):{\"value\":\(value($0.value)),\"version\":\(version)}" }
            .joined(separator: ",") + "}"
    }

    /// `{"id": …, field: value, …}`: the node's `current` column.
    static func flat(_ pledge: Pledge) -> String {
        let body = pledge.fields.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\(string($0.key.rawValue)):\(value($0.value))" }
        return "{" + (["\"id\":\(string(pledge.id))"] + body).joined(separator: ",") + "}"
    }
}
