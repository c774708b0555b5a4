import MicroHTTP
import PolicyAPI
import PolicyCore
import Testing

/// `/v1/reachability` and `/v1/connectivity` over the router: answers, formats and every bad input.
@Suite struct ConnectivityRoutesTests {
    func cluster() throws -> APIHarness { try webDatabaseCluster() }

    @Test func whoCanReachAPodListsEachPodWithItsPorts() throws {
        let api = try cluster()
        let answer = api.send("GET", "/v1/reachability?to=x/b")
        #expect(answer.status == 200)
        #expect(answer.json["to"] == .string("x/b"))
        #expect(answer.json["revision"] == .integer(5))
        #expect(
            answer.json["pods"]
                == .array([
                    .object([
                        "pod": .string("x/a"), "ports": .object(["TCP": .array([.array([.integer(6379), .integer(6379)])])]),
                    ])
                ]))
        #expect(answer.json["addresses"] == .array([]), "no outside address reaches x/b")
    }

    @Test func whatAPodCanReachIncludesOutsideAddressRanges() throws {
        let api = try cluster()
        let answer = api.send("GET", "/v1/reachability?from=x/c&port=443")
        let pods = answer.json["pods"]?.arrayValue?.compactMap { $0["pod"]?.stringValue }
        #expect(pods == ["x/a"], "x/c is no web pod: x/b is closed to it")
        let cidrs = answer.json["addresses"]?.arrayValue?.compactMap { $0["cidr"]?.stringValue }
        #expect(cidrs == ["0.0.0.0/0", "::/0"])
    }

    @Test func aHypotheticalPodIsAskedAboutWithPost() throws {
        let api = try cluster()
        let answer = api.send(
            "POST", "/v1/reachability", #"{"from":{"namespace":"x","labels":{"app":"web"}},"port":6379}"#,
            contentType: "application/json")
        #expect(answer.status == 200)
        let pods = answer.json["pods"]?.arrayValue?.compactMap { $0["pod"]?.stringValue }
        #expect(pods == ["x/a", "x/b", "x/c"])
        #expect(answer.json["from"]?["labels"]?["app"] == .string("web"))
    }

    @Test func badReachabilityQuestionsNameTheParameter() throws {
        let api = try cluster()
        #expect(api.send("GET", "/v1/reachability?to=x/a&from=x/b").text.contains("\"field\":\"from\""))
        #expect(api.send("GET", "/v1/reachability").status == 422)
        let missing = api.send("GET", "/v1/reachability?to=x/nobody")
        #expect(missing.status == 404)
        #expect(missing.text.contains("nobody"))
        #expect(api.send("GET", "/v1/reachability?to=x/a&port=0").text.contains("\"field\":\"port\""))
        #expect(api.send("GET", "/v1/reachability?to=x/a&protocol=ICMP").text.contains("\"field\":\"protocol\""))
        #expect(api.send("GET", "/v1/reachability?to=x/a&colour=red").text.contains("\"field\":\"colour\""))
    }

    @Test func connectivityListsEveryAllowedPairInEachFormat() throws {
        let api = try cluster()
        let json = api.send("GET", "/v1/connectivity?namespace=x")
        #expect(json.status == 200)
        let response = api.router.handle(HTTPRequest(method: "GET", path: "/v1/connectivity", query: ["namespace": "x"]))
        #expect(response.header("X-Netpold-Revision") == "5")
        #expect(json.json["revision"] == .integer(5))
        let pairs = json.json["connections"]?.arrayValue?.map { "\($0["from"]!.stringValue!) \($0["to"]!.stringValue!)" }
        #expect(pairs == ["x/a x/b", "x/a x/c", "x/b x/a", "x/b x/c", "x/c x/a"])
        let csv = api.send("GET", "/v1/connectivity?format=csv&port=6379")
        #expect(
            csv.text
                == "from,to,protocol,ports\nx/a,x/b,TCP,6379\nx/a,x/c,TCP,6379\nx/b,x/a,TCP,6379\nx/b,x/c,TCP,6379\nx/c,x/a,TCP,6379\n"
        )
        let cells = api.send("GET", "/v1/connectivity?groupBy=namespace").json["connections"]
        #expect(cells?[0]?["pairs"] == .object(["allowed": .integer(5), "total": .integer(6)]))
        #expect(
            api.send("GET", "/v1/connectivity?format=md").text.hasPrefix(
                "| from | to | ports |\n|---|---|---|\n| x/a | x/b | TCP 6379 |"))
        #expect(api.send("GET", "/v1/connectivity?format=dot").text.contains(#""x/a" -> "x/b" [label="TCP 6379"];"#))
        let workloads = api.send("GET", "/v1/connectivity?groupBy=workload").json["connections"]?.arrayValue
        #expect(workloads?.first?["from"] == .string("x/a[Pod]"))
    }

    @Test func badConnectivityQuestionsNameTheParameter() throws {
        let api = try cluster()
        #expect(api.send("GET", "/v1/connectivity?groupBy=team").text.contains("\"field\":\"groupBy\""))
        #expect(api.send("GET", "/v1/connectivity?format=xml").text.contains("\"field\":\"format\""))
        #expect(api.send("GET", "/v1/connectivity?externals=maybe").text.contains("\"field\":\"externals\""))
        #expect(api.send("GET", "/v1/connectivity?port=70000").text.contains("\"field\":\"port\""))
        #expect(api.send("GET", "/v1/connectivity?namespace=Bad_Name").text.contains("\"field\":\"namespace\""))
        #expect(api.send("GET", "/v1/connectivity?namespace=nowhere").status == 404)
        #expect(api.send("POST", "/v1/connectivity").status == 405)
    }
}
