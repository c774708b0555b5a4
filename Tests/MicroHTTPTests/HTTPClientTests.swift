import Glibc
import MicroHTTP
import Testing

/// The client against the real server, over HTTP and HTTPS.
@Suite struct HTTPClientTests {
    /// A throwaway self-signed certificate for 127.0.0.1 (EC P-256, valid until 2126), made with
    /// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
    /// -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`. It protects nothing.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBkTCCATagAwIBAgIUMFJfdcjFQ4q7iRFqzEtXpmPKGygwCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEzMDE1MjkxMVoYDzIxMjYxMTA2
        MTUyOTExWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAQPeusBtuDk5BHM/yWll7htJQHd4+pXHodbJ22IwWLUjgmmEeEvsqoE
        teD+NOvzUnoplpcFXP9ThpEvGcPJcDblo2QwYjAdBgNVHQ4EFgQU9+mKGc8H0su6
        EyYduF+jOkZfZ3wwHwYDVR0jBBgwFoAU9+mKGc8H0su6EyYduF+jOkZfZ3wwDwYD
        VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0kAMEYC
        IQDcoIypeQidCTyq/9exmpqyAZZMGjYZ+dApuXFcitvNaQIhAMo+NDqVzZiQQirv
        nGLW3bzQTfe4Jf/tI4+01SrMtmf8
        -----END CERTIFICATE-----

        """
    static let key = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTyTvXPF4mzwFzaBD
        cTpB+h4UDX4lBM1JnBjGJpqsTwqhRANCAAQPeusBtuDk5BHM/yWll7htJQHd4+pX
        HodbJ22IwWLUjgmmEeEvsqoEteD+NOvzUnoplpcFXP9ThpEvGcPJcDbl
        -----END PRIVATE KEY-----

        """

    /// Answers with what it received, so a test sees exactly what the client sent.
    func server(tls: Bool = false) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.threads = 2
        if tls {
            configuration.tlsCertificatePEM = Self.certificate
            configuration.tlsKeyPEM = Self.key
        }
        return try HTTPServer(configuration: configuration) { request in
            let summary = "\(request.method) \(request.path) len=\(request.body.count) x=\(request.headers["x-test"] ?? "-")"
            return HTTPResponse(
                status: request.path == "/missing" ? 404 : 200,
                headers: [("Content-Type", "text/plain"), ("X-Echo", "yes")], body: Array(summary.utf8) + request.body)
        }
    }

    /// The certificate in a file, as `--ca-file` takes it.
    func certificateFile() throws -> String {
        var template = Array("/tmp/netpold-ca-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        let bytes = Array(Self.certificate.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func sendsMethodHeadersAndBodyAndReturnsTheWholeAnswer() throws {
        let server = try server()
        defer { server.stop() }
        let posted = try HTTPClient.send(
            method: "POST", url: server.url + "/a", headers: [("X-Test", "1")], body: Array("abc".utf8))
        #expect(posted.status == 200)
        #expect(posted.bodyText == "POST /a len=3 x=1abc")
        #expect(posted.header("x-echo") == "yes")
        #expect(
            try HTTPClient.send(method: "PUT", url: server.url + "/b", body: Array("xy".utf8)).bodyText == "PUT /b len=2 x=-xy")
        #expect(try HTTPClient.send(method: "DELETE", url: server.url + "/c").bodyText == "DELETE /c len=0 x=-")
        #expect(try HTTPClient.send(method: "POST", url: server.url + "/d").bodyText == "POST /d len=0 x=-")
        #expect(try HTTPClient.send(method: "GET", url: server.url + "/missing").status == 404)
    }

    @Test func aLargeBodyArrivesWhole() throws {
        let server = try server()
        defer { server.stop() }
        let body = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0) }
        let response = try HTTPClient.send(method: "POST", url: server.url + "/big", body: body)
        #expect(response.body.starts(with: Array("POST /big len=3000000 x=-".utf8)))
        #expect(Array(response.body.suffix(body.count)) == body)
    }

    @Test func httpsWorksWithTheCertificateTrustedOrTheCheckSkipped() throws {
        let server = try server(tls: true)
        defer { server.stop() }
        #expect(server.url.hasPrefix("https://"))
        let caFile = try certificateFile()
        defer { unlink(caFile) }

        let trusted = try HTTPClient.send(method: "GET", url: server.url + "/t", tls: .init(caFile: caFile))
        #expect(trusted.bodyText == "GET /t len=0 x=-")
        let skipped = try HTTPClient.send(method: "GET", url: server.url + "/s", tls: .init(insecureSkipVerify: true))
        #expect(skipped.status == 200)
        // Refusing an unknown certificate, and plain HTTP to this port, are checked in
        // scripts/access.sh: libmicrohttpd prints the aborted handshakes on standard error.
    }

    @Test func nothingListeningSaysSo() throws {
        let server = try server()
        let url = server.url
        server.stop()
        do {
            _ = try HTTPClient.send(method: "GET", url: url + "/")
            Issue.record("a stopped server answered")
        } catch {
            #expect(error.kind == .cannotConnect)
            #expect(error.description.contains("cannot connect to \(url)"))
            #expect(error.description.contains("is `netpold serve` running?"))
        }
    }

    @Test func aMissingCAFileOrAnotherSchemeIsRefusedBeforeConnecting() {
        #expect(throws: HTTPClient.Failure.self) {
            try HTTPClient.send(method: "GET", url: "https://127.0.0.1:1/", tls: .init(caFile: "/nonexistent/ca.pem"))
        }
        #expect(throws: HTTPClient.Failure.self) { try HTTPClient.send(method: "GET", url: "ftp://127.0.0.1/") }
    }
}
