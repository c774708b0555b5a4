// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Our own targets build without warnings; keep it that way (dependencies are not affected).
    .treatAllWarnings(as: .error),
]

let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "netpold",
    // No `platforms:`: netpold builds and runs on Linux only (the sources import Glibc unguarded).
    products: [.executable(name: "netpold", targets: ["netpold"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // PostgreSQL's client library; only PolicyStore imports it.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "PolicyCore", swiftSettings: swiftSettings),
        // Deterministic randomness for the benchmark's synthetic cluster and the property tests.
        .target(name: "SeededRandom", swiftSettings: swiftSettings),
        .target(name: "PolicyStore", dependencies: ["PolicyCore", "CSQLite3", "CLibPQ"], swiftSettings: swiftSettings),
        .target(name: "MicroHTTP", dependencies: ["CMicroHTTPD", "CCurl"], swiftSettings: swiftSettings),
        // The only home of libyaml calls: Yams' own copy of libyaml (its CYaml module), read event by
        // event so limits hold before anything is built.
        .target(name: "YAMLReader", dependencies: ["PolicyCore", yams], swiftSettings: swiftSettings),
        .target(
            name: "PolicyAPI", dependencies: ["PolicyCore", "PolicyStore", "MicroHTTP", "YAMLReader", yams, logging],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "netpold",
            dependencies: ["PolicyAPI", "PolicyCore", "PolicyStore", "MicroHTTP", argumentParser, logging],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "netpold-bench",
            dependencies: ["PolicyCore", "PolicyAPI", "PolicyStore", "MicroHTTP", "SeededRandom", argumentParser, logging],
            swiftSettings: swiftSettings),
        .testTarget(name: "PolicyCoreTests", dependencies: ["PolicyCore", "SeededRandom"], swiftSettings: swiftSettings),
        .testTarget(name: "PolicyStoreTests", dependencies: ["PolicyStore", "PolicyCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PolicyAPITests",
            dependencies: ["PolicyAPI", "PolicyCore", "PolicyStore", "MicroHTTP", "YAMLReader", "SeededRandom", logging],
            // Read from the source tree by path, not bundled.
            exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "MicroHTTPTests", dependencies: ["MicroHTTP"], swiftSettings: swiftSettings),
        .testTarget(
            name: "NetpoldTests",
            dependencies: ["netpold", "PolicyAPI", "PolicyCore", "PolicyStore", "MicroHTTP", argumentParser, logging],
            swiftSettings: swiftSettings),
    ]
)
