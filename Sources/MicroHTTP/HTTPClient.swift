import CCurl
import Glibc

/// A blocking HTTP/1.1 and HTTPS client for the command-line tools, on libcurl.
///
/// The only file that calls libcurl: the rest of the project sees `send` and ``Failure``.
public enum HTTPClient {
    /// How to check the server's certificate on `https://` URLs.
    public struct TLSOptions: Sendable {
        /// A PEM file of the certificates to trust instead of the system's (a self-signed server's own certificate).
        public var caFile: String?
        /// Accept any certificate and host name: the connection is encrypted but not authenticated.
        public var insecureSkipVerify: Bool

        public init(caFile: String? = nil, insecureSkipVerify: Bool = false) {
            self.caFile = caFile
            self.insecureSkipVerify = insecureSkipVerify
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, so a caller can add advice of its own (which flag to pass).
        public enum Kind: Sendable {
            /// Nothing listens there, or the host cannot be reached or resolved.
            case cannotConnect
            /// The server's certificate is not trusted, or does not name the host.
            case untrustedCertificate
            /// The TLS handshake failed for another reason, e.g. `https://` to a plain HTTP port.
            case tlsHandshake
            /// The server answered nothing or something that is not HTTP, e.g. `http://` to an HTTPS port.
            case badResponse
            case timedOut
            /// A URL, file or option the client itself cannot use.
            case badRequest
            case other
        }

        public let kind: Kind
        public let description: String

        public init(_ kind: Kind, _ description: String) {
            self.kind = kind
            self.description = description
        }
    }

    /// Sends one request and reads the whole response; any HTTP status is a response, not a failure.
    public static func send(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [], timeoutSeconds: Int = 300,
        connectTimeoutSeconds: Int = 10, tls: TLSOptions = TLSOptions()
    ) throws(Failure) -> HTTPResponse {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw Failure(.badRequest, "the server URL must start with http:// or https://: \(url)")
        }
        if let caFile = tls.caFile, access(caFile, R_OK) != 0 {
            throw Failure(.badRequest, "cannot read the CA file \(caFile): \(String(cString: strerror(errno)))")
        }
        guard CurlGlobal.ready, let handle = curl_easy_init() else {
            throw Failure(.other, "libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }
        let received = Received()
        let context = Unmanaged.passUnretained(received).toOpaque()
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        // An empty `Expect:` stops curl waiting for `100 Continue` before sending a large body; an
        // empty `Content-Type:` stops it labelling every body as a form.
        var lines = headers.map { "\($0.0): \($0.1)" } + ["Expect:"]
        if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { lines.append("Content-Type:") }
        for line in lines {
            headerList = curl_slist_append(headerList, line)
        }
        let code: CURLcode = errorText.withUnsafeMutableBufferPointer { errorBuffer in
            body.withUnsafeBytes { bodyBytes in
                var failed = CURLE_OK
                func set(_ result: CURLcode) { if failed == CURLE_OK { failed = result } }
                set(netpold_curl_setopt_string(handle, CURLOPT_URL, url))
                set(netpold_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
                set(netpold_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer.baseAddress))
                // No SIGALRM for resolver timeouts in a process with other threads; a threaded resolver
                // (Debian's libcurl has one) keeps the timeouts anyway.
                set(netpold_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
                set(netpold_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeoutSeconds))
                set(netpold_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds))
                set(netpold_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList))
                set(netpold_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, Received.collectBody))
                set(netpold_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
                set(netpold_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, Received.collectHeader))
                set(netpold_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
                if let caFile = tls.caFile { set(netpold_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
                if tls.insecureSkipVerify {
                    set(netpold_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0))
                    set(netpold_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0))
                }
                switch method {
                case "GET": set(netpold_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
                case "HEAD": set(netpold_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
                default:
                    if !body.isEmpty || method != "DELETE" {
                        // POSTFIELDS with an explicit size sends the bytes as they are (no strlen) and sets Content-Length.
                        set(netpold_curl_setopt_size(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                        // An empty array may have no address; curl gets a valid one with a size of zero.
                        let start = bodyBytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                        set(netpold_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: start)))
                    }
                    if method != "POST" { set(netpold_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)) }
                }
                guard failed == CURLE_OK else { return failed }
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else {
            let written = errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            var detail = written.isEmpty ? String(cString: curl_easy_strerror(code)) : String(decoding: written, as: UTF8.self)
            // For a refused connection the system's words ("Connection refused") say more than curl's.
            var systemError = 0
            if code == CURLE_COULDNT_CONNECT, netpold_curl_getinfo_long(handle, CURLINFO_OS_ERRNO, &systemError) == CURLE_OK,
                systemError != 0
            {
                detail = String(cString: strerror(Int32(systemError)))
            }
            throw failure(code, detail: detail, url: url)
        }
        var status = 0
        _ = netpold_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: received.headers, body: received.body)
    }

    private static func failure(_ code: CURLcode, detail: String, url: String) -> Failure {
        let server = origin(url)
        switch code {
        case CURLE_COULDNT_CONNECT:
            return Failure(.cannotConnect, "cannot connect to \(server): \(detail) (is `netpold serve` running?)")
        case CURLE_COULDNT_RESOLVE_HOST:
            return Failure(.cannotConnect, "cannot connect to \(server): \(detail) (is the host name right?)")
        case CURLE_PEER_FAILED_VERIFICATION:
            return Failure(.untrustedCertificate, "the certificate of \(server) is not trusted: \(detail)")
        case CURLE_SSL_CONNECT_ERROR:
            return Failure(.tlsHandshake, "the TLS handshake with \(server) failed: \(detail)")
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return Failure(.badRequest, "the CA file cannot be used: \(detail)")
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_WEIRD_SERVER_REPLY, CURLE_UNSUPPORTED_PROTOCOL:
            return Failure(.badResponse, "\(server) did not answer HTTP: \(detail)")
        case CURLE_OPERATION_TIMEDOUT:
            return Failure(.timedOut, "no answer from \(server) in time: \(detail)")
        case CURLE_URL_MALFORMAT:
            return Failure(.badRequest, "the server URL is malformed: \(url)")
        default:
            return Failure(.other, "the request to \(server) failed: \(detail)")
        }
    }

    /// `scheme://host:port` of a URL: what a person checks when a connection fails.
    private static func origin(_ url: String) -> String {
        let scheme = url.hasPrefix("https://") ? "https://" : "http://"
        let rest = url.dropFirst(scheme.count)
        return scheme + rest.prefix { $0 != "/" && $0 != "?" }
    }
}

/// `curl_global_init` once per process, before the first handle, as libcurl requires.
private enum CurlGlobal {
    static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

/// What libcurl hands the callbacks: the headers of the final response, and its body.
private final class Received {
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []

    static let collectBody: curl_write_callback = { data, size, count, context in
        let length = size * count
        guard let data, let context else { return length }
        let received = Unmanaged<Received>.fromOpaque(context).takeUnretainedValue()
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            received.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    static let collectHeader: curl_write_callback = { data, size, count, context in
        let length = size * count
        guard let data, let context else { return length }
        let received = Unmanaged<Received>.fromOpaque(context).takeUnretainedValue()
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        // A status line starts a response; an interim one (100 Continue) is followed by the real one.
        if line.hasPrefix("HTTP/") {
            received.headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let value = line[line.index(after: colon)...].trimmingCharacters(where: \.isWhitespace)
            received.headers.append((String(line[..<colon]), value))
        }
        return length
    }
}

extension Substring {
    fileprivate func trimmingCharacters(where predicate: (Character) -> Bool) -> String {
        String(drop(while: predicate).reversed().drop(while: predicate).reversed())
    }
}
