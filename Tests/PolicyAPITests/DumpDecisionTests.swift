import PolicyCore
import Testing
import YAMLReader

/// Decisions about the workloads and Services of the kubectl dump (Fixtures/kubectl-get-all.yaml),
/// with answers read off its policies:
/// - checkout (a Namespace object labelled team=checkout): default deny ingress; web (3 pods) is open
///   on `http`; cart (mid-rollout: one old pod serves `http` on 8080, two new ones on 8081) takes
///   tier=frontend on `http`; orders takes cart on `grpc`; postgres takes tier=backend and the
///   abandoned-carts CronJob's pods on 5432; every pod takes purpose=monitoring's prometheus on `metrics`.
/// - catalog (implied): default deny both ways, DNS to kube-system's kube-dns allowed; search may call
///   catalog-api on `http`; catalog-api takes search, checkout's tier=backend and namespaces labelled
///   team=legacy, and may call elasticsearch on 9200; elasticsearch takes catalog-api and reindex.
/// - monitoring (a Namespace object labelled purpose=monitoring): prometheus takes grafana on `web`;
///   grafana is scaled to 0 (a Deployment and a ReplicaSet, no pods).
/// - legacy (implied, so labelled only with its name): a ReplicationController and its Service.
@Suite struct DumpDecisionTests {
    func importedDump() throws -> APIHarness {
        let api = try APIHarness()
        let response = api.importYAML(try kubectlDump())
        try #require(response.status == 200, "\(response.text)")
        return api
    }

    /// `from -> pod port allowed` for each backend, as WorkloadDecisionTests writes them.
    func rows(_ answer: JSONValue) -> [String] {
        (answer["backends"]?.arrayValue ?? []).map {
            "\($0["from"]?.stringValue.map { "\($0) -> " } ?? "")\($0["pod"]?.stringValue ?? $0["workload"]?.stringValue ?? "?")"
                + " \($0["port"]?.integerValue.map(String.init) ?? "-") \($0["allowed"]?.boolValue == true)"
        }
    }

    func decide(_ api: APIHarness, _ source: String, _ destination: String, port: Int, protocol transport: String = "TCP")
        -> JSONValue
    {
        let answer = api.send(
            "POST", "/v1/decide",
            #"{"source":\#(source),"destination":\#(destination),"port":\#(port),"protocol":"\#(transport)"}"#)
        #expect(answer.status == 200, "\(answer.text)")
        return answer.json
    }

    static let web = ["checkout/web-82sfmpgjxb-4mdlk", "checkout/web-82sfmpgjxb-6nnrg", "checkout/web-82sfmpgjxb-sr5q2"]
    /// The old ReplicaSet's pod first (its `http` is 8080), then the new one's two (8081).
    static let cart = [
        ("checkout/cart-bvgmgmcwvk-crgmn", 8080), ("checkout/cart-xrvg6pxgrc-49w6k", 8081),
        ("checkout/cart-xrvg6pxgrc-f59h6", 8081),
    ]
    static let search = ["catalog/search-79xbmdh2ws-r64dn", "catalog/search-79xbmdh2ws-wrgft"]
    static let catalogAPI = [
        "catalog/catalog-api-ptv4sv9dc9-bfghm", "catalog/catalog-api-ptv4sv9dc9-rn44r", "catalog/catalog-api-ptv4sv9dc9-srp9z",
    ]

    /// Every (source, backend) pair, in the answer's order: backends outer, sources inner.
    func pairs(_ sources: [String], _ backends: [(String, Int)], allowed: Bool) -> [String] {
        backends.flatMap { backend, port in sources.map { "\($0) -> \(backend) \(port) \(allowed)" } }
    }

    @Test func theFrontendDeploymentReachesTheBackendServiceOnEveryBackend() throws {
        let api = try importedDump()
        let answer = decide(
            api, #"{"namespace":"checkout","workload":"Deployment/web"}"#, #"{"namespace":"checkout","service":"cart"}"#,
            port: 80)
        #expect(answer["allowed"] == .bool(true))
        #expect(rows(answer) == pairs(Self.web, Self.cart, allowed: true))
        for backend in answer["backends"]?.arrayValue ?? [] {
            #expect(backend["servicePort"] == .integer(80))
            #expect(backend["egress"]?["reason"] == .string("NotIsolated"))
            #expect(backend["ingress"]?["policy"]?["name"] == .string("cart-from-frontend"))
        }
        // cart -> orders on its named gRPC port; orders' old ReplicaSet, scaled to 0, stands for nothing.
        let orders = api.send("GET", "/v1/decide?from=checkout/Deployment/cart&to=checkout/Service/orders&port=50051")
        let ordersPods = [("checkout/orders-zqzx55qdwh-mkvjp", 50051), ("checkout/orders-zqzx55qdwh-v5gc4", 50051)]
        #expect(rows(orders.json) == pairs(Self.cart.map(\.0), ordersPods, allowed: true), "\(orders.text)")
        // The frontend may not skip the backend.
        let skipping = api.send("GET", "/v1/decide?from=checkout/Deployment/web&to=checkout/Service/orders&port=50051")
        #expect(skipping.json["allowed"] == .bool(false))
        #expect(rows(skipping.json) == pairs(Self.web, ordersPods, allowed: false))
        #expect(skipping.json["backends"]?[0]?["ingress"]?["reason"] == .string("NoRuleMatched"))
    }

    @Test func aNamedTargetPortResolvesOnEachPodAndANumberedOneIsTheSameForAll() throws {
        let api = try importedDump()
        let named = api.send("GET", "/v1/decide?from=checkout/web-82sfmpgjxb-4mdlk&to=checkout/Service/cart&port=80")
        #expect(named.json["allowed"] == .bool(true), "\(named.text)")
        #expect(rows(named.json) == Self.cart.map { "\($0.0) \($0.1) true" })
        // Its second port is named too, and means 9090 on every pod; only prometheus may use it.
        let metrics = api.send("GET", "/v1/decide?from=checkout/web-82sfmpgjxb-4mdlk&to=checkout/Service/cart&port=9090")
        #expect(rows(metrics.json) == Self.cart.map { "\($0.0) 9090 false" })
        let scrape = api.send("GET", "/v1/decide?from=monitoring/StatefulSet/prometheus&to=checkout/Service/cart&port=9090")
        #expect(rows(scrape.json) == Self.cart.map { "monitoring/prometheus-0 -> \($0.0) 9090 true" }, "\(scrape.text)")
        // web's Service sends 80 to 8080 by number; web is open to anyone on it.
        let numbered = api.send("GET", "/v1/decide?from=legacy/legacy-web-vwjcf&to=checkout/Service/web&port=80")
        #expect(rows(numbered.json) == Self.web.map { "\($0) 8080 true" }, "\(numbered.text)")
        #expect(numbered.json["backends"]?[0]?["ingress"]?["policy"]?["name"] == .string("web-from-anywhere"))
        // A port the Service does not have.
        let missing = api.send("GET", "/v1/decide?from=checkout/Deployment/web&to=checkout/Service/cart&port=8080")
        #expect(missing.status == 422)
        #expect(missing.json["message"]?.stringValue?.contains("(its ports: 80/TCP, 9090/TCP)") == true, "\(missing.text)")
    }

    @Test func aDefaultDenyNamespaceDeniesWhatItsPoliciesDoNotAllow() throws {
        let api = try importedDump()
        // catalog denies egress: search may not call checkout's web, though web takes anyone.
        let out = api.send("GET", "/v1/decide?from=catalog/Deployment/search&to=checkout/Service/web&port=80")
        #expect(out.json["allowed"] == .bool(false))
        #expect(rows(out.json) == pairs(Self.search, Self.web.map { ($0, 8080) }, allowed: false))
        for backend in out.json["backends"]?.arrayValue ?? [] {
            #expect(backend["egress"]?["reason"] == .string("NoRuleMatched"))
            #expect(backend["ingress"]?["allowed"] == .bool(true))
        }
        // catalog denies ingress: checkout's web may not reach elasticsearch (3 pods).
        let elastic = (0..<3).map { ("catalog/elasticsearch-\($0)", 9200) }
        let into = decide(
            api, #"{"namespace":"checkout","workload":"Deployment/web"}"#, #"{"namespace":"catalog","service":"elasticsearch"}"#,
            port: 9200)
        #expect(into["allowed"] == .bool(false))
        #expect(rows(into) == pairs(Self.web, elastic, allowed: false))
        #expect(into["backends"]?[0]?["ingress"]?["reason"] == .string("NoRuleMatched"))
        // What catalog's policies allow: DNS (UDP only asked), search -> catalog-api, catalog-api -> elasticsearch.
        let coreDNS = [("kube-system/coredns-bbxl5bsdgd-rlknj", 53), ("kube-system/coredns-bbxl5bsdgd-zr9cx", 53)]
        let dns = decide(
            api, #"{"namespace":"catalog","workload":"Deployment/search"}"#, #"{"namespace":"kube-system","service":"kube-dns"}"#,
            port: 53, protocol: "UDP")
        #expect(rows(dns) == pairs(Self.search, coreDNS, allowed: true))
        let api8080 = Self.catalogAPI.map { ($0, 8080) }
        let inside = api.send("GET", "/v1/decide?from=catalog/Deployment/search&to=catalog/Service/catalog-api&port=80")
        #expect(rows(inside.json) == pairs(Self.search, api8080, allowed: true))
        let toElastic = api.send(
            "GET", "/v1/decide?from=catalog/Deployment/catalog-api&to=catalog/Service/elasticsearch&port=9200")
        #expect(rows(toElastic.json) == pairs(Self.catalogAPI, elastic, allowed: true))
        let skipping = api.send("GET", "/v1/decide?from=catalog/Deployment/search&to=catalog/Service/elasticsearch&port=9200")
        #expect(rows(skipping.json) == pairs(Self.search, elastic, allowed: false))
    }

    @Test func aWorkloadWithPodsIsItsPodsAndOneWithoutIsItsTemplate() throws {
        let api = try importedDump()
        // grafana is scaled to 0: its Deployment (and not its empty ReplicaSet) stands for its template.
        let grafana = decide(
            api, #"{"namespace":"monitoring","workload":"Deployment/grafana"}"#,
            #"{"namespace":"monitoring","service":"prometheus"}"#, port: 9090)
        #expect(rows(grafana) == ["monitoring/grafana[Deployment] -> monitoring/prometheus-0 9090 true"])
        #expect(grafana["backends"]?[0]?["ingress"]?["policy"]?["name"] == .string("prometheus-from-grafana"))
        let toGrafana = api.send("GET", "/v1/decide?from=monitoring/StatefulSet/prometheus&to=monitoring/Service/grafana&port=80")
        #expect(
            rows(toGrafana.json) == ["monitoring/prometheus-0 -> monitoring/grafana[Deployment] 3000 true"], "\(toGrafana.text)")
        // A CronJob is the pods of its Jobs, finished or running.
        let sweep = api.send("GET", "/v1/decide?from=checkout/CronJob/abandoned-carts&to=checkout/Service/postgres&port=5432")
        let postgres = [("checkout/postgres-0", 5432), ("checkout/postgres-1", 5432)]
        let runs = ["checkout/abandoned-carts-29012370-25fk8", "checkout/abandoned-carts-29012400-ddtdf"]
        #expect(rows(sweep.json) == pairs(runs, postgres, allowed: true), "\(sweep.text)")
        let web = api.send("GET", "/v1/decide?from=checkout/Deployment/web&to=checkout/Service/postgres&port=5432")
        #expect(rows(web.json) == pairs(Self.web, postgres, allowed: false))
        // A workload as the destination: a StatefulSet's pods, a DaemonSet's on every node.
        let statefulSet = api.send(
            "GET", "/v1/decide?from=checkout/orders-zqzx55qdwh-mkvjp&to=checkout/StatefulSet/postgres&port=5432")
        #expect(rows(statefulSet.json) == ["checkout/postgres-0 5432 true", "checkout/postgres-1 5432 true"])
        let exporters = api.send("GET", "/v1/decide?from=monitoring/prometheus-0&to=monitoring/DaemonSet/node-exporter&port=9100")
        #expect(rows(exporters.json).count == 4)
        #expect(exporters.json["allowed"] == .bool(true))
        // A ReplicationController, in the other spelling.
        let legacy = api.send("GET", "/v1/decide?from=legacy/legacy-web[ReplicationController]&to=checkout/Service/web&port=80")
        #expect(
            rows(legacy.json)
                == pairs(["legacy/legacy-web-vwjcf", "legacy/legacy-web-xfjb5"], Self.web.map { ($0, 8080) }, allowed: true))
    }

    @Test func namespaceSelectorsSeeTheLabelsTheDumpGivesAndImpliedNamespacesOnlyTheirName() throws {
        let api = try importedDump()
        // checkout's Namespace object carries team=checkout: its backends may call catalog-api.
        let api8080 = Self.catalogAPI.map { ($0, 8080) }
        let cart = api.send("GET", "/v1/decide?from=checkout/Deployment/cart&to=catalog/Service/catalog-api&port=80")
        #expect(rows(cart.json) == pairs(Self.cart.map(\.0), api8080, allowed: true), "\(cart.text)")
        let web = api.send("GET", "/v1/decide?from=checkout/Deployment/web&to=catalog/Service/catalog-api&port=80")
        #expect(rows(web.json) == pairs(Self.web, api8080, allowed: false))
        // legacy is implied: no team=legacy label, so the rule naming it selects nothing.
        let legacy = api.send(
            "GET", "/v1/decide?from=legacy/ReplicationController/legacy-web&to=catalog/Service/catalog-api&port=80")
        #expect(legacy.json["allowed"] == .bool(false))
        #expect(
            rows(legacy.json) == pairs(["legacy/legacy-web-vwjcf", "legacy/legacy-web-xfjb5"], api8080, allowed: false))
        #expect(legacy.json["backends"]?[0]?["ingress"]?["reason"] == .string("NoRuleMatched"))
        let namespace = api.send("GET", "/api/v1/namespaces/legacy").json
        #expect(namespace["metadata"]?["labels"] == .object(["kubernetes.io/metadata.name": .string("legacy")]))
    }

    @Test func theDumpsSecretsAreNotStoredAndTheirDataAppearsNowhere() throws {
        let dump = try kubectlDump()
        let items = try YAMLStreamReader.documents(dump)[0].value["items"]?.arrayValue ?? []
        let secrets = items.filter { $0["kind"] == .string("Secret") }
        #expect(secrets.count == 11)
        let values = secrets.flatMap { ($0["data"]?.objectValue ?? [:]).values.compactMap(\.stringValue) }
        #expect(values.count == 17)
        #expect(values.allSatisfy { dump.contains($0) })

        let api = try APIHarness()
        let response = api.importYAML(dump)
        #expect(response.status == 200, "\(response.text)")
        let skipped = (response.json["skipped"]?.arrayValue ?? []).filter { $0["kind"] == .string("Secret") }
        #expect(
            skipped.map { "\($0["namespace"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")" }.sorted()
                == secrets.map {
                    "\($0["metadata"]?["namespace"]?.stringValue ?? "")/\($0["metadata"]?["name"]?.stringValue ?? "")"
                }
                .sorted())
        let export = api.send("GET", "/v1/export")
        #expect(export.status == 200)
        #expect(export.text.contains("name: catalog-api"))
        #expect(!export.text.contains("kind: Secret"))
        for text in [response.text, export.text] {
            for value in values { #expect(!text.contains(value), "a Secret's data leaked") }
            #expect(!text.contains("netpold-fixture-secret"))
        }
        #expect(api.send("GET", "/api/v1/namespaces/checkout/secrets/postgres-credentials").status == 404)
    }
}
