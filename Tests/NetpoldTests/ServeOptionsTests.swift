import ArgumentParser
import Glibc
import Testing

@testable import netpold

@Suite struct ServeOptionsTests {
    @Test func logLevelAndFormatAreChoices() throws {
        let serve = try Netpold.Serve.parse(["--log-level", "warning", "--log-format", "json"])
        #expect(serve.logLevel == .warning)
        #expect(serve.logFormat == .json)
        #expect(try Netpold.Serve.parse([]).logLevel == .info)
        #expect(try Netpold.Serve.parse([]).logFormat == .text)
        #expect(throws: (any Error).self) { try Netpold.Serve.parse(["--log-level", "loud"]) }
        #expect(throws: (any Error).self) { try Netpold.Serve.parse(["--log-format", "xml"]) }
    }

    @Test func everyLogLevelIsSwiftLogsOfTheSameName() {
        for level in Netpold.Serve.LogLevel.allCases {
            #expect(String(describing: level.level) == level.rawValue)
        }
    }
}

@Suite struct SecretTests {
    func tokenFile(_ text: String) -> String {
        let path = "/tmp/netpold-secret-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let file = fopen(path, "wb")!
        fputs(text, file)
        fclose(file)
        return path
    }

    @Test func aTokenFileIsReadWithoutTheWhitespaceAroundIt() throws {
        let path = tokenFile("  0123456789abcdef\r\n")
        defer { unlink(path) }
        #expect(try Secret.read(file: path, environment: "NETPOLD_TEST_UNSET") == "0123456789abcdef")
        #expect(try Secret.load(file: path, environment: "NETPOLD_TEST_UNSET") == "0123456789abcdef")
    }

    @Test func noFileAndNoVariableIsNoToken() throws {
        #expect(try Secret.read(file: nil, environment: "NETPOLD_TEST_UNSET_\(getpid())") == nil)
    }

    @Test func aShortServerTokenOrAnUnreadableFileIsRefused() throws {
        let path = tokenFile("short\n")
        defer { unlink(path) }
        #expect(try Secret.read(file: path, environment: "X") == "short")
        #expect(throws: ValidationError.self) { try Secret.load(file: path, environment: "X") }
        #expect(throws: ValidationError.self) { try Secret.read(file: path + ".missing", environment: "X") }
    }
}

@Suite struct StoreOptionTests {
    @Test func onlyAPostgreSQLURLIsAStore() throws {
        #expect(try StoreOption.resolve("postgres://netpold@db:5432/netpold") == "postgres://netpold@db:5432/netpold")
        #expect(try StoreOption.resolve("postgresql://db/netpold") == "postgresql://db/netpold")
        #expect(throws: (any Error).self) { try StoreOption.resolve("./netpold.db") }
    }

    @Test func passwordsAreNotPrinted() {
        #expect(StoreOption.redacted("postgres://netpold:s3cret@db:5432/netpold") == "postgres://netpold:***@db:5432/netpold")
        #expect(
            StoreOption.redacted("postgres://netpold@db/netpold?sslmode=require&password=s3cret")
                == "postgres://netpold@db/netpold?sslmode=require&password=***")
        #expect(StoreOption.redacted("postgres://netpold@db:5432/netpold") == "postgres://netpold@db:5432/netpold")
    }
}
