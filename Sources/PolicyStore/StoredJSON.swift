import PolicyCore

/// Reads and edits a stored body's JSON text in place, without building a tree: what a delete
/// records for watches (the labels, and the body with the deleting revision) costs a scan of the
/// text rather than a parse and a rewrite of the whole object.
///
/// Works on any JSON object text; member names are compared byte for byte, so only names without
/// escapes can be looked up (`metadata`, `labels`, `resourceVersion`).
enum StoredJSON {
    /// The text with `metadata.resourceVersion` set to `revision`; nil when the text has no such
    /// member (the caller then parses).
    static func settingResourceVersion(_ text: [UInt8], to revision: Int64) -> [UInt8]? {
        guard let metadata = member("metadata", of: text, in: 0..<text.count),
            let version = member("resourceVersion", of: text, in: metadata)
        else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 8)
        out += text[..<version.lowerBound]
        out.append(UInt8(ascii: "\""))
        out += String(revision).utf8
        out.append(UInt8(ascii: "\""))
        out += text[version.upperBound...]
        return out
    }

    /// `metadata.labels` (empty when absent or not a map of strings).
    static func labels(_ text: [UInt8]) -> [String: String] {
        guard let metadata = member("metadata", of: text, in: 0..<text.count),
            let labels = member("labels", of: text, in: metadata),
            let value = try? JSONParser.parse(Array(text[labels]))
        else { return [:] }
        return value.stringMap ?? [:]
    }

    /// The range of the value of member `name` of the object that `range` holds (leading spaces
    /// allowed); nil if absent or if the text is not an object.
    static func member(_ name: String, of text: [UInt8], in range: Range<Int>) -> Range<Int>? {
        let wanted = Array(name.utf8)
        var index = skipSpace(text, range.lowerBound)
        guard index < range.upperBound, text[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            index = skipSpace(text, index)
            guard index < range.upperBound, text[index] == UInt8(ascii: "\"") else { return nil }
            guard let keyEnd = skipString(text, index) else { return nil }
            let key = text[(index + 1)..<(keyEnd - 1)]
            index = skipSpace(text, keyEnd)
            guard index < range.upperBound, text[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = skipSpace(text, index + 1)
            guard let valueEnd = skipValue(text, valueStart), valueEnd <= range.upperBound else { return nil }
            if key.elementsEqual(wanted) { return valueStart..<valueEnd }
            index = skipSpace(text, valueEnd)
            guard index < range.upperBound, text[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func skipSpace(_ text: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < text.count, isSpace(text[index]) { index += 1 }
        return index
    }

    /// The index after the string that starts (with its quote) at `start`.
    private static func skipString(_ text: [UInt8], _ start: Int) -> Int? {
        var index = start + 1
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
            } else if byte == UInt8(ascii: "\"") {
                return index + 1
            } else {
                index += 1
            }
        }
        return nil
    }

    /// The index after the value that starts at `start`.
    private static func skipValue(_ text: [UInt8], _ start: Int) -> Int? {
        guard start < text.count else { return nil }
        let first = text[start]
        if first == UInt8(ascii: "\"") { return skipString(text, start) }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            // A number, true, false or null: up to the next delimiter.
            var index = start
            while index < text.count {
                let byte = text[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || isSpace(byte) { break }
                index += 1
            }
            return index
        }
        var depth = 0
        var index = start
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\"") {
                guard let end = skipString(text, index) else { return nil }
                index = end
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return index + 1 }
            }
            index += 1
        }
        return nil
    }
}
