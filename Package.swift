// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "PledgeRegistry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pledge", targets: ["pledge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        // Pure model: pledges, reference data, validation, wire types. No I/O.
        .target(name: "PledgeModel"),
        // SQL migrations and the OpenAPI document, loaded as resources; small SQLite helpers both sides share.
        .target(name: "PledgeSchema", dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
                path: "Schema",
                resources: [.copy("node"), .copy("registry"), .copy("openapi.yaml")]),
        // Ed25519 signatures of changes, receipts and bundles (swift-crypto).
        .target(name: "PledgeSecurity", dependencies: ["PledgeModel", .product(name: "Crypto", package: "swift-crypto")]),
        // The delegation node's local store and outbox.
        .target(name: "PledgeStore", dependencies: [
            "PledgeModel", "PledgeSchema",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "CSV", package: "CSV.swift"),
            "PledgeSecurity",
        ]),
        // The registry's storage, merge and authorization rules.
        .target(name: "RegistryCore", dependencies: [
            "PledgeModel", "PledgeSchema", "PledgeSecurity",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // HTTP layer over RegistryCore.
        .target(name: "RegistryServer", dependencies: [
            "RegistryCore", "PledgeModel", "PledgeSecurity",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // libcurl, as a system library with typed wrappers over its variadic setters.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The HTTP client and the push/pull loop.
        .target(name: "SyncClient", dependencies: ["CCurl", "PledgeModel", "PledgeStore", "PledgeSecurity"]),
        // The command line, as a library so tests can reach its pieces.
        .target(name: "PledgeCLI", dependencies: [
            "PledgeModel", "PledgeStore", "RegistryCore", "RegistryServer", "SyncClient", "PledgeSecurity",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Scripts/bench drives this: throughput, round trips, scale and memory against measured floors.
        .executableTarget(name: "pledge-bench", dependencies: [
            "PledgeModel", "PledgeStore", "RegistryCore", "SyncClient", "CCurl",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Sources/PledgeBench"),
        .executableTarget(name: "pledge", dependencies: ["PledgeCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PledgeModelTests", dependencies: ["PledgeModel"]),
        .testTarget(name: "PledgeStoreTests", dependencies: ["PledgeStore", "PledgeModel", "PledgeSchema", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SyncTests", dependencies: [
            "PledgeStore", "PledgeModel", "RegistryCore", "SyncClient", "TestSupport", "pledge", "PledgeSecurity", "PledgeSchema",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "ReliabilityTests", dependencies: [
            "PledgeStore", "PledgeModel", "RegistryCore", "SyncClient", "TestSupport", "pledge",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["pledge", "PledgeModel"]),
    ]
)
