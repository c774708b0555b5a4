import PolicyCore

/// The Kubernetes version netpold answers as (`/version`'s `major`, `minor`, `gitVersion`): the API
/// its object routes follow. kubectl warns when a server is more than one minor version away from
/// it, and gcloud's kubectl picks its binary by this minor.
enum ServerVersion {
    static let kubernetesMajor = 1
    static let kubernetesMinor = 32
    static let kubernetesPatch = 0

    /// `v1.32.0-netpold.<ours>`: a semantic version whose prerelease names netpold's own version,
    /// reduced to what semantic versions allow (letters, digits, `-`, dot-separated, no leading zeros).
    static func gitVersion(netpold version: String) -> String {
        let base = "v\(kubernetesMajor).\(kubernetesMinor).\(kubernetesPatch)-netpold"
        var identifiers: [String] = []
        for part in version.split(separator: ".", omittingEmptySubsequences: true) {
            var identifier = String(
                String.UnicodeScalarView(
                    part.unicodeScalars.map { scalar in
                        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
                            ? scalar : "-"
                    }))
            if identifier.allSatisfy({ $0.isNumber }) {
                while identifier.count > 1, identifier.hasPrefix("0") { identifier.removeFirst() }
            }
            identifiers.append(identifier)
        }
        return identifiers.isEmpty ? base : base + "." + identifiers.joined(separator: ".")
    }

    /// The platform as Go names it (`linux/amd64`).
    static var platform: String {
        #if arch(x86_64)
            "linux/amd64"
        #elseif arch(arm64)
            "linux/arm64"
        #else
            "linux/unknown"
        #endif
    }

    /// `GET /version`: netpold's own fields and the ones kubectl reads (`version.Info`).
    static func document(netpold version: String, schemaVersions: [String]) -> JSONValue {
        .object([
            "name": "netpold", "version": .string(version), "schemaVersion": .string(schemaVersions.last ?? ""),
            "migrations": .array(schemaVersions.map { .string($0) }),
            "major": .string(String(kubernetesMajor)), "minor": .string(String(kubernetesMinor)),
            "gitVersion": .string(gitVersion(netpold: version)),
            // Not built from a Kubernetes commit: the values Kubernetes itself reports when unset.
            "gitCommit": "", "gitTreeState": "", "buildDate": "1970-01-01T00:00:00Z",
            "goVersion": "", "compiler": "swiftc", "platform": .string(platform),
        ])
    }
}
