/// Kubernetes' rules for names, label keys and values, and port names.
public enum NameRules {
    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || (byte >= 0x41 && byte <= 0x5A)
    }

    /// Why `name` is not a DNS-1123 label (63 characters of `[a-z0-9-]`, alphanumeric at both ends), or nil.
    public static func dns1123LabelProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 63 { return "must be no more than 63 characters" }
        let valid =
            bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") } && isLowerAlnum(bytes.first!)
            && isLowerAlnum(bytes.last!)
        return valid
            ? nil
            : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc')"
    }

    /// Why `name` is not a DNS-1123 subdomain (253 characters, dot-separated labels), or nil.
    public static func dns1123SubdomainProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 253 { return "must be no more than 253 characters" }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        for part in parts {
            let partBytes = Array(part.utf8)
            guard let first = partBytes.first, let last = partBytes.last, isLowerAlnum(first), isLowerAlnum(last),
                partBytes.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "-") })
            else {
                return
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"
            }
        }
        return nil
    }

    private static func qualifiedNamePartProblem(_ part: Substring) -> String? {
        let bytes = Array(part.utf8)
        if bytes.isEmpty { return "name part must be non-empty" }
        if bytes.count > 63 { return "name part must be no more than 63 characters" }
        let valid =
            isAlnum(bytes.first!) && isAlnum(bytes.last!)
            && bytes.allSatisfy {
                isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
            }
        return valid
            ? nil
            : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')"
    }

    /// Why `key` is not a valid label key (`[prefix/]name`), or nil.
    public static func labelKeyProblem(_ key: String) -> String? {
        let pieces = key.split(separator: "/", omittingEmptySubsequences: false)
        switch pieces.count {
        case 1: return qualifiedNamePartProblem(pieces[0])
        case 2:
            if pieces[0].isEmpty { return "prefix part must be non-empty" }
            if let problem = dns1123SubdomainProblem(String(pieces[0])) { return "prefix part \(problem)" }
            return qualifiedNamePartProblem(pieces[1])
        default:
            return
                "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        }
    }

    /// Why `value` is not a valid label value (empty, or 63 characters of `[A-Za-z0-9-_.]`), or nil.
    public static func labelValueProblem(_ value: String) -> String? {
        if value.isEmpty { return nil }
        let bytes = Array(value.utf8)
        if bytes.count > 63 { return "must be no more than 63 characters" }
        let valid =
            isAlnum(bytes.first!) && isAlnum(bytes.last!)
            && bytes.allSatisfy {
                isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
            }
        return valid
            ? nil
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345')"
    }

    /// Why `name` is not an IANA service name (a container port name), or nil.
    public static func portNameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 15 { return "must be no more than 15 characters" }
        if !bytes.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "-") }) {
            return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
        }
        if name.contains("--") { return "must not contain consecutive hyphens" }
        if bytes.first == UInt8(ascii: "-") || bytes.last == UInt8(ascii: "-") {
            return "must not begin or end with a hyphen"
        }
        if !bytes.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) { return "must contain at least one letter (a-z)" }
        return nil
    }

    /// Why `name` cannot name a Calico tier, or nil: a tier name is a DNS-1123 label (no dots, since
    /// Calico prefixes policy names with it).
    public static func tierNameProblem(_ name: String) -> String? {
        dns1123LabelProblem(name)
    }

    /// Why `name` is not a domain name of a network-policy-api `domainNames` peer, or nil. The
    /// check is the upstream pattern
    /// `^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$`:
    /// two labels at least, an optional trailing dot, and `*` only as a whole first label. Its
    /// first-character class is `[a-zA-z0-9]`, whose `A-z` also takes `[`, `\`, `]`, `^`, `_` and
    /// a backquote; the API server accepts those, so this does too.
    public static func domainNameProblem(_ name: String) -> String? {
        var bytes = Array(name.utf8)[...]
        let wildcard = bytes.starts(with: "*.".utf8)
        if wildcard { bytes = bytes.dropFirst(2) }
        if bytes.last == UInt8(ascii: ".") { bytes = bytes.dropLast() }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let valid =
            labels.count >= 2
            && labels.allSatisfy { label in
                guard let first = label.first, let last = label.last else { return false }
                let firstValid = (first >= 0x30 && first <= 0x39) || (first >= 0x41 && first <= 0x7A)
                return firstValid
                    && (label.count == 1
                        || (isAlnum(last)
                            && label.dropFirst().allSatisfy {
                                isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                            }))
            }
        if valid { return nil }
        if name.contains("*") && !wildcard || name.dropFirst().contains("*") {
            return "the wildcard `*` may only be used as the whole first label (`*.example.com`)"
        }
        return
            "must be a domain name of two labels at least (e.g. `example.com`, `*.example.com`), each of alphanumeric characters, '-' or '_', starting and ending with an alphanumeric character"
    }

    /// Checks a label map, adding one error per bad key or value.
    public static func validateLabels(_ labels: [String: String], at path: String, errors: FieldErrors) {
        for key in labels.keys.sorted() {
            if let problem = labelKeyProblem(key) {
                errors.add(.invalid(path, "\"\(key)\": \(problem)"))
            }
            if let problem = labelValueProblem(labels[key]!) {
                errors.add(.invalid("\(path)[\(key)]", "\"\(labels[key]!)\": \(problem)"))
            }
        }
    }
}
