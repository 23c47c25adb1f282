import Foundation
import PledgeSecurity
import Testing

/// Content hashes, audit hashes and token hashes are stored and compared across versions: the
/// digest must be SHA-256 in lower-case hex whichever way its bytes are handed over.
@Suite struct DigestTests {
    /// FIPS 180-2's examples, and a text whose UTF-8 bytes are not its characters.
    static let knownAnswers: [(text: String, hex: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    @Test func everyEntryPointGivesTheKnownAnswer() {
        for (text, hex) in Self.knownAnswers {
            #expect(Digest.sha256(text) == hex, "text \"\(text)\"")
            #expect(Digest.sha256(Data(text.utf8)) == hex, "data \"\(text)\"")
            #expect(Array(text.utf8).withUnsafeBytes { Digest.sha256(bytes: $0) } == hex, "bytes \"\(text)\"")
        }
    }

    @Test func aTextIsHashedAsItsUTF8Bytes() {
        let text = "Côte d’Ivoire — 🇨🇮"
        #expect(Digest.sha256(text) == Digest.sha256(Data(text.utf8)))
        #expect(Digest.sha256(text).count == 64)
    }
}
