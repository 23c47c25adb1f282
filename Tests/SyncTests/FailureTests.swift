import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

@Suite struct FailureTests {
    @Test func registryDownExitsFourKeepsTheOutboxAndALaterSyncPushesEverything() throws {
        let directory = TemporaryDirectory()
        let store = directory.path("kor.sqlite")
        let deadURL = "http://127.0.0.1:\(unusedLoopbackPort())"
        try PledgeBinary.run(["init", "--db", store, "--delegation", "KOR", "--registry", deadURL, "--token", "plg_x"])
        for title in ["One", "Two", "Three"] {
            let add = try PledgeBinary.run(["add", "--db", store, "--ministerial", "BERLIN_2025", "--area", "TRAINING",
                                            "--modality", "POLICY", "--title", title])
            #expect(add.status == 0)
        }
        let down = try PledgeBinary.run(["sync", "--db", store, "--attempts", "3"])
        #expect(down.status == 4)
        #expect(down.stderr.contains("unreachable"))
        #expect(down.stderr.components(separatedBy: "retrying").count - 1 == 2)
        let status = try JSONSerialization.jsonObject(with: Data(try PledgeBinary.run(["status", "--db", store, "--json"]).stdout.utf8)) as? [String: Any]
        #expect(status?["pendingChanges"] as? Int == 3)

        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let token = try registry.issueToken(["--delegation", "KOR"], device: "kor")
        let up = try PledgeBinary.run(["sync", "--db", store, "--registry", registry.url, "--token", token, "--json"])
        #expect(up.status == 0, "\(up.stderr)")
        let report = try CanonicalJSON.decode(SyncReport.self, from: up.stdout)
        #expect(report.pushed == 3 && report.applied == 3)
        let after = try JSONSerialization.jsonObject(with: Data(try PledgeBinary.run(["status", "--db", store, "--json"]).stdout.utf8)) as? [String: Any]
        #expect(after?["pendingChanges"] as? Int == 0)
    }

    @Test func aRegistryKilledAndRestartedLosesNoAcknowledgedChange() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let ids = try (0..<20).map { try laptop.addHospital(title: "Pledge \($0)") }
        try laptop.sync()
        registry.kill()
        try registry.start()
        laptop.url = registry.url
        let fresh = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        try fresh.sync()
        #expect(Set(try fresh.allPledges().keys) == Set(ids))
    }

    @Test func aNoOpSyncIsOneSmallRequest() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        _ = try laptop.addHospital()
        try laptop.sync()
        let report = try laptop.sync()
        #expect(report.wire.requests == 1)
        #expect(report.wire.bytesSent + report.wire.bytesReceived <= 1024)
    }
}
