import Foundation
import Testing
@testable import PledgeModel

/// Change and pledge ids must be UUIDs in lowercase 8-4-4-4-12 form; the registry refuses others.
@Suite struct CanonicalUUIDTests {
    @Test func lowercaseUUIDsAreTakenAsTheyAre() {
        for _ in 0..<200 {
            let id = UUID().uuidString.lowercased()
            #expect(CanonicalUUID(id)?.text == id)
        }
    }

    @Test func uppercaseLettersAreLowered() {
        #expect(CanonicalUUID("8ED462A8-E42B-4D6B-BC7C-BFACCE2A325E")?.text == "8ed462a8-e42b-4d6b-bc7c-bfacce2a325e")
    }

    @Test func malformedIdsAreRefused() {
        let malformed = [
            "", "8ed462a8", "8ed462a8-e42b-4d6b-bc7c-bfacce2a325", "8ed462a8-e42b-4d6b-bc7c-bfacce2a325e0",
            "8ed462a8e42b-4d6b-bc7c-bfacce2a325e-", "8ed462a8-e42b-4d6b-bc7c_bfacce2a325e", "8ed462a8-e42b-4d6b-bc7c-bfacce2a325g",
            "8ed462a8-e42b-4d6b-bc7c-bfacce2a32 e", "8ed462a8-e42b-4d6b-bc7c-bfacce2a325é", "８ed462a8-e42b-4d6b-bc7c-bfacce2a325e",
            "{8ed462a8-e42b-4d6b-bc7c-bfacce2a325e}", "8ed462a8-e42b-4d6b-bc7c-bfacce2a325e\n",
        ]
        for text in malformed { #expect(CanonicalUUID(text) == nil, "\(text) must be refused") }
    }
}
