/// A failure of the bench itself (not a target missed), with a message for people.
struct BenchFailure: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String

    /// Creates a failure with a message.
    init(_ description: String) { self.description = description }
}
