import PolicyCore

/// The parts of a `multipart/form-data` (RFC 7578) or `multipart/mixed` (RFC 2046) body: the files
/// of one import, each read on its own so that errors name the file and a line in it. `netpold
/// apply -f DIR` sends these, and so does `curl -F file=@a.yaml -F file=@b.yaml`.
struct MultipartBody {
    struct Part {
        /// The `filename` (else the `name`) of the part's `Content-Disposition`.
        var filename: String?
        /// The part's media type, lower-cased, without parameters.
        var contentType: String?
        var body: ArraySlice<UInt8>
    }

    /// The `boundary` parameter of a multipart Content-Type header value.
    static func boundary(inContentType value: String) throws(APIError) -> String {
        for parameter in parameters(of: value) where parameter.name == "boundary" {
            let boundary = parameter.value
            guard !boundary.isEmpty, boundary.utf8.count <= 70 else {
                throw APIError.badRequest("the multipart boundary must have 1 to 70 characters")
            }
            return boundary
        }
        throw APIError.badRequest("a multipart body needs a boundary parameter in its Content-Type")
    }

    /// The files one import may carry: far more than any manifest tree, few enough that a body of
    /// tiny parts cannot keep the import lane busy for long.
    static let maxParts = 10_000

    /// Splits a body at its boundary lines. Lines may end in CRLF (as the RFCs say) or LF.
    static func parts(_ body: [UInt8], boundary: String) throws(APIError) -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        // Where each part's content starts (after its boundary line), and where its boundary line starts.
        var contentStarts: [Int] = []
        var boundaryLines: [Int] = []
        var closed = false
        var lineStart = 0
        while lineStart < body.count {
            let lineEnd = body[lineStart...].firstIndex(of: 0x0A) ?? body.count
            if body[lineStart] == 0x2D, lineEnd - lineStart >= delimiter.count,
                body[lineStart..<lineStart + delimiter.count].elementsEqual(delimiter)
            {
                var rest = body[(lineStart + delimiter.count)..<lineEnd]
                if rest.last == 0x0D { rest = rest.dropLast() }
                if rest.starts(with: [0x2D, 0x2D]) {
                    boundaryLines.append(lineStart)
                    closed = true
                    break
                }
                // Transport padding may follow a boundary; anything else means the line is content.
                if rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    guard contentStarts.count < maxParts else {
                        throw APIError.badRequest("an import takes at most \(maxParts) files")
                    }
                    boundaryLines.append(lineStart)
                    contentStarts.append(min(lineEnd + 1, body.count))
                }
            }
            lineStart = lineEnd + 1
        }
        guard closed else {
            throw APIError.badRequest(
                contentStarts.isEmpty
                    ? "the multipart body has no part with the boundary of its Content-Type"
                    : "the multipart body does not end with its closing boundary (--\(boundary)--)")
        }
        var parts: [Part] = []
        for (number, start) in contentStarts.enumerated() {
            // The line break before the next boundary line belongs to the boundary.
            var end = boundaryLines[number + 1]
            if end > start, body[end - 1] == 0x0A { end -= 1 }
            if end > start, body[end - 1] == 0x0D { end -= 1 }
            parts.append(try part(body[start..<max(start, end)], number: number))
        }
        return parts
    }

    /// One part: header lines up to an empty line, then the content.
    private static func part(_ bytes: ArraySlice<UInt8>, number: Int) throws(APIError) -> Part {
        var part = Part(filename: nil, contentType: nil, body: [])
        var lineStart = bytes.startIndex
        while true {
            guard lineStart < bytes.endIndex else {
                throw APIError.badRequest("part \(number) of the multipart body has no empty line after its headers")
            }
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[lineStart..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            lineStart = min(lineEnd + 1, bytes.endIndex)
            if line.isEmpty { break }
            guard let text = String(validating: line, as: UTF8.self), let colon = text.firstIndex(of: ":") else {
                throw APIError.badRequest("part \(number) of the multipart body has a malformed header line")
            }
            let name = text[..<colon].trimmingWhitespace().lowercased()
            let value = String(text[text.index(after: colon)...].trimmingWhitespace())
            switch name {
            case "content-disposition":
                let parameters = parameters(of: value)
                let filename = parameters.first { $0.name == "filename" } ?? parameters.first { $0.name == "name" }
                if let filename, !filename.value.isEmpty { part.filename = filename.value }
            case "content-type":
                part.contentType = value.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() }
            default:
                break
            }
        }
        part.body = bytes[lineStart...]
        return part
    }

    /// The `name=value` parameters after a header value's first `;`, names lower-cased, quoted
    /// values unquoted (`\"` and `\\` unescaped).
    static func parameters(of value: String) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        var characters = Substring(value)
        guard let first = characters.firstIndex(of: ";") else { return [] }
        characters = characters[characters.index(after: first)...]
        while !characters.isEmpty {
            characters = characters.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            guard let equals = characters.firstIndex(of: "=") else { break }
            let name = characters[..<equals].trimmingWhitespace().lowercased()
            characters = characters[characters.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            var parameter = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var escaped = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if escaped {
                        parameter.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        parameter.append(character)
                    }
                }
                characters = characters.drop { $0 != ";" }
            } else {
                let end = characters.firstIndex(of: ";") ?? characters.endIndex
                parameter = String(characters[..<end].trimmingWhitespace())
                characters = characters[end...]
            }
            result.append((name, parameter))
        }
        return result
    }
}
