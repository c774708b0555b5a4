import PolicyCore
import Testing

func deploymentJSON(_ name: String, labels: String = #"{"app":"api"}"#, selector: String = #"{"app":"api"}"#) -> String {
    #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)"},"spec":{"selector":{"matchLabels":\#(selector)},"template":{"metadata":{"labels":\#(labels)},"spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}]}]}}},"status":{"replicas":2}}"#
}

let serviceDB =
    #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"db"},"spec":{"selector":{"app":"db"},"ports":[{"port":5432,"targetPort":"pg"}]}}"#

@Suite struct WorkloadRoutesTests {
    @Test func workloadsAndServicesLiveUnderTheirKubernetesPaths() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let created = api.send("POST", "/apis/apps/v1/namespaces/x/deployments", deploymentJSON("api"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["metadata"]?["namespace"] == .string("x"))
        #expect(created.json["status"]?["replicas"] == .integer(2))
        #expect(api.send("POST", "/api/v1/namespaces/x/services", serviceDB).status == 201)
        let job =
            #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"template":{"metadata":{"labels":{"app":"migrate"}},"spec":{"containers":[{"name":"m"}],"restartPolicy":"Never"}}}}"#
        #expect(api.send("PUT", "/apis/batch/v1/namespaces/x/jobs/migrate", job).status == 201)

        #expect(api.send("GET", "/apis/apps/v1/namespaces/x/deployments/api").json["kind"] == .string("Deployment"))
        #expect(api.send("GET", "/apis/apps/v1/deployments").json["items"]?.arrayValue?.count == 1)
        #expect(api.send("GET", "/api/v1/services").json["items"]?.arrayValue?.count == 1)
        #expect(api.send("GET", "/api/v1/namespaces/x/services/db").json["spec"]?["ports"]?[0]?["targetPort"] == .string("pg"))
        #expect(api.send("GET", "/apis/batch/v1/jobs").json["items"]?.arrayValue?.count == 1)
        // The URL names the kind: a Service body on the deployments URL is refused.
        #expect(api.send("POST", "/apis/apps/v1/namespaces/x/deployments", serviceDB).status == 400)

        let export = api.send("GET", "/v1/export", accept: "application/json")
        #expect(
            export.json["items"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } == [
                "Namespace", "Deployment", "Job", "Service",
            ])

        let deleted = api.send("DELETE", "/api/v1/namespaces/x")
        #expect(deleted.status == 200)
        #expect(
            deleted.json["message"]
                == .string("namespace \"x\" deleted with 1 deployments.apps, 1 jobs.batch, 1 services"))
        #expect(api.send("GET", "/apis/apps/v1/deployments").json["items"]?.arrayValue?.count == 0)
    }

    @Test func aTemplateTheSelectorDoesNotMatchIs422() throws {
        let api = try APIHarness()
        api.send("POST", "/api/v1/namespaces", namespaceX)
        let refused = api.send(
            "POST", "/apis/apps/v1/namespaces/x/deployments", deploymentJSON("api", labels: #"{"app":"web"}"#))
        #expect(refused.status == 422)
        #expect(
            refused.json["message"]
                == .string(
                    #"Deployment "api" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`"#
                ), "\(refused.text)")
        let noSelector = api.send(
            "POST", "/apis/apps/v1/namespaces/x/statefulsets",
            #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"c"}]}}}}"#
        )
        #expect(noSelector.status == 422)
        #expect(noSelector.json["details"]?["causes"]?[0]?["field"] == .string("spec.selector"))
    }
}
