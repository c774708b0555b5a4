import ArgumentParser
import Glibc
import Logging
import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore
import Testing

@testable import netpold

/// A scratch folder, removed when the test ends.
final class ScratchFolder {
    let path: String

    init() throws {
        var template = Array("/tmp/netpold-apply-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CleanError("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { _ = system("rm -rf '\(path)'") }

    /// Writes `text` to `relative`, making the folders on the way.
    func write(_ relative: String, _ text: String) throws {
        var folder = path
        for part in relative.split(separator: "/").dropLast() {
            folder += "/\(part)"
            mkdir(folder, 0o755)
        }
        guard let file = fopen(path + "/" + relative, "w") else { throw CleanError("cannot write \(relative)") }
        fputs(text, file)
        fclose(file)
    }
}

/// The server's router on an in-memory store, to send what the CLI builds.
func router() throws -> Router {
    var root = #filePath
    for _ in 0..<3 { root = String(root[..<root.lastIndex(of: "/")!]) }
    let repository = try PolicyRepository(path: ":memory:", migrations: try Migration.load(from: root + "/migrations"))
    var logger = Logger(label: "netpold.test")
    logger.logLevel = .critical
    return Router(service: try PolicyService(repository: repository), version: "test", logger: logger)
}

func namespacedPod(_ name: String, _ namespace: String) -> String {
    "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: \(namespace)}\nspec: {containers: [{name: c, image: x}]}\n"
}

@Suite struct BundleFilesTests {
    @Test func aFolderIsItsBundleFilesAndRecursiveAddsItsSubfolders() throws {
        let scratch = try ScratchFolder()
        try scratch.write("deploy/b.yaml", namespacedPod("b", "x"))
        try scratch.write("deploy/a.json", "{}")
        try scratch.write("deploy/notes.txt", "not a manifest")
        try scratch.write("deploy/api/service.yml", namespacedPod("s", "x"))
        try scratch.write("deploy/api/z/deep.yaml", namespacedPod("d", "x"))
        let folder = scratch.path + "/deploy"
        #expect(try BundleFiles.read([folder], recursive: false).map(\.name) == [folder + "/a.json", folder + "/b.yaml"])
        #expect(
            try BundleFiles.read([folder + "/"], recursive: true).map(\.name) == [
                folder + "/a.json", folder + "/api/service.yml", folder + "/api/z/deep.yaml", folder + "/b.yaml",
            ])
    }

    @Test func aFolderWithoutManifestsAtTheTopSuggestsRecursion() throws {
        let scratch = try ScratchFolder()
        try scratch.write("deploy/api/pod.yaml", namespacedPod("a", "x"))
        #expect(throws: ArgumentParser.ValidationError.self) {
            try BundleFiles.read([scratch.path + "/deploy"], recursive: false)
        }
        do {
            _ = try BundleFiles.read([scratch.path + "/deploy"], recursive: false)
        } catch let error as ArgumentParser.ValidationError {
            #expect(error.message.contains("-R reads subfolders"))
        }
        #expect(try BundleFiles.read([scratch.path + "/deploy"], recursive: true).count == 1)
    }

    @Test func oneFileOrStandardInputIsSentAsItIsAnythingElseAsFiles() throws {
        let scratch = try ScratchFolder()
        try scratch.write("a.yaml", namespacedPod("a", "x"))
        #expect(BundleFiles.isSingleStream([scratch.path + "/a.yaml"]))
        #expect(BundleFiles.isSingleStream(["-"]))
        #expect(!BundleFiles.isSingleStream([scratch.path]))
        #expect(!BundleFiles.isSingleStream([scratch.path + "/a.yaml", "-"]))
    }

    /// `netpold apply -f deploy -R` as the server sees it: one atomic import, errors naming the
    /// file as the user wrote it, a document in it and a line in that file.
    @Test func anErrorInAFolderNamesTheFileTheDocumentAndTheLine() throws {
        let scratch = try ScratchFolder()
        let api = """
            # Source: shop/templates/api.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c, namespace: x}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: x}
            data: {password: aHVudGVy}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: api, namespace: x}
            spec: {podSelector: {}, ingress: [{ports: [{port: 0}]}]}
            """
        try scratch.write("deploy/api.yaml", api)
        try scratch.write("deploy/db/pod.yaml", namespacedPod("db", "x"))
        let files = try BundleFiles.read([scratch.path + "/deploy"], recursive: true)
        // Names as the user would write them, relative to where netpold runs.
        let relative = files.map { BundleFiles.File(name: String($0.name.dropFirst(scratch.path.count + 1)), text: $0.text) }
        let (contentType, body) = BundleFiles.multipart(relative)
        let router = try router()
        let response = router.handle(
            HTTPRequest(method: "POST", path: "/v1/import", headers: ["Content-Type": contentType], body: body))
        #expect(response.status == 422)
        let status = try JSONParser.parse(response.body)
        let message = status["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("deploy/api.yaml, document 2 (starting at line 11, error at line 14): "), "\(message)")
        let cause = status["details"]?["causes"]?.arrayValue?.first?["message"]?.stringValue ?? ""
        #expect(cause.hasPrefix("deploy/api.yaml, document 2, line 14: "), "\(cause)")
        #expect(!response.bodyText.contains("aHVudGVy"))

        // Fixed, the whole folder goes in at once; the Secret and the ConfigMap are skipped.
        try scratch.write("deploy/api.yaml", api.replacing("port: 0", with: "port: 8080"))
        let fixed = try BundleFiles.read([scratch.path + "/deploy"], recursive: true)
        let (type, again) = BundleFiles.multipart(fixed)
        let imported = router.handle(
            HTTPRequest(method: "POST", path: "/v1/import", headers: ["Content-Type": type], body: again))
        #expect(imported.status == 200, "\(imported.bodyText)")
        let document = try JSONParser.parse(imported.body)
        #expect(
            Netpold.Apply.report(document, dryRun: false) == [
                "namespace/x created (implied)", "pod/db created", "networkpolicy.networking.k8s.io/api created",
            ])
        let summary = Netpold.Apply.summary(document, dryRun: false)
        #expect(summary.first == "3 objects: 3 created at revision 1")
        #expect(
            summary.dropFirst().first
                == "skipped 2 objects of 2 kinds that do not affect network policy: ConfigMap (1), Secret (1)")
        #expect(summary.last?.hasPrefix("Warning: namespace x is not in the bundle") == true)
    }

    @Test func filenamesWithQuotesSurviveTheTrip() throws {
        let (contentType, body) = BundleFiles.multipart([.init(name: #"odd "name"\.yaml"#, text: "kind: [\n")])
        let response = try router().handle(
            HTTPRequest(method: "POST", path: "/v1/import", headers: ["Content-Type": contentType], body: body))
        #expect(response.status == 400)
        #expect(response.bodyText.contains(#"odd \"name\"\\.yaml: YAML document 0"#), "\(response.bodyText)")
    }
}

@Suite struct ApplySummaryTests {
    func document(_ skipped: [(String, String, String)], warnings: [String] = []) -> JSONValue {
        .object([
            "revision": .integer(4), "results": .array([]),
            "skipped": .array(
                skipped.map { kind, apiVersion, reason in
                    .object(["kind": .string(kind), "apiVersion": .string(apiVersion), "name": "n", "reason": .string(reason)])
                }),
            "warnings": .array(warnings.map { .string($0) }),
        ])
    }

    @Test func skippedObjectsAreOneLinePerReasonKindsByCount() {
        var skipped: [(String, String, String)] = []
        for _ in 0..<80 { skipped.append(("ConfigMap", "v1", "NoEffectOnDecisions")) }
        for _ in 0..<3 { skipped.append(("Secret", "v1", "NoEffectOnDecisions")) }
        for _ in 0..<3 { skipped.append(("Certificate", "cert-manager.io/v1", "NoEffectOnDecisions")) }
        skipped.append(("ClusterRole", "rbac.authorization.k8s.io/v1", "NoEffectOnDecisions"))
        let lines = Netpold.Apply.summary(document(skipped, warnings: ["careful"]), dryRun: false)
        #expect(
            lines == [
                "skipped 87 objects of 4 kinds that do not affect network policy: ConfigMap (80), Certificate.cert-manager.io (3), "
                    + "Secret (3), ClusterRole (1)",
                "Warning: careful",
            ])
        #expect(
            Netpold.Apply.summary(document([("Event", "v1", "NoEffectOnDecisions")]), dryRun: false) == [
                "skipped 1 object of 1 kind that does not affect network policy: Event (1)"
            ])
    }

    @Test func theNewFlagsParse() throws {
        let apply = try Netpold.Apply.parse(["-f", "x", "-R", "--no-create-namespaces", "-n", "a"])
        #expect(apply.recursive && apply.noCreateNamespaces && apply.namespace == "a")
    }
}
