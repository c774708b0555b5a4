import Glibc

/// A minimal blocking HTTP/1.1 client for `http://host:port` URLs, for the command-line tools.
///
/// One request per connection (`Connection: close`); enough for a CLI talking to a local server,
/// and no dependency on libcurl.
public enum HTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends one request and reads the whole response.
    public static func send(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [], timeoutSeconds: Int = 300
    ) throws(Failure) -> HTTPResponse {
        guard url.hasPrefix("http://") else {
            throw Failure(description: "only http:// server URLs are supported: \(url)")
        }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        var host = authority
        var port = "80"
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }

        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &result) == 0, let first = result else {
            throw Failure(description: "cannot resolve \(host):\(port)")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw Failure(description: "cannot connect to \(url): \(String(cString: strerror(errno))) (is `netpold serve` running?)")
        }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                // The server may answer (e.g. 413) and close before reading the whole body.
                break
            }
            sent += count
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw Failure(description: "reading the response: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        return try parse(response)
    }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> HTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw Failure(description: "the server's response was cut short")
        }
        let headText = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = headText.split(separator: "\r\n").map(String.init)
        guard !lines.isEmpty else { throw Failure(description: "empty response") }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "malformed status line")
        }
        var headers: [(name: String, value: String)] = []
        var chunked = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop { $0 == " " })
            if name.lowercased() == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
            headers.append((name, value))
        }
        var body = Array(bytes[(end + 4)...])
        if chunked { body = dechunk(body) }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            var lineEnd = index
            while lineEnd + 1 < bytes.count, !(bytes[lineEnd] == 13 && bytes[lineEnd + 1] == 10) { lineEnd += 1 }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { break }
            out.append(contentsOf: bytes[start..<(start + size)])
            index = start + size + 2
        }
        return out
    }
}
