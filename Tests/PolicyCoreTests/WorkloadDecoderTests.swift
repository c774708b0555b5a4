import PolicyCore
import Testing

/// Decodes a YAML-free document given as JSON text.
func decodeCauses(_ json: String) throws -> [FieldError] {
    let document = try JSONParser.parse(json)
    do {
        _ = try ObjectDecoder.decode(document)
        return []
    } catch {
        return error.causes
    }
}

func workloadJSON(_ kind: String, apiVersion: String = "apps/v1", spec: String) -> String {
    #"{"apiVersion":"\#(apiVersion)","kind":"\#(kind)","metadata":{"name":"api","namespace":"x"},"spec":\#(spec)}"#
}

let webTemplate =
    #"{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"containers":[{"name":"c","image":"i","resources":{},"#
    + #""ports":[{"name":"http","containerPort":8080},{"name":"dns","containerPort":53,"protocol":"UDP"},{"containerPort":9}]}]}}"#

@Suite struct WorkloadDecoderTests {
    @Test(arguments: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"])
    func appsKindsReadTheirTemplate(kind: String) throws {
        let json = workloadJSON(
            kind,
            spec:
                #"{"replicas":2,"strategy":{"type":"RollingUpdate"},"selector":{"matchLabels":{"app":"web"}},"template":\#(webTemplate)}"#
        )
        let decoded = try ObjectDecoder.decode(try JSONParser.parse(json))
        guard case .workload(let workload) = decoded.model else {
            Issue.record("not a workload")
            return
        }
        #expect(workload.kind.kind == kind)
        #expect(workload.templateLabels == ["app": "web", "tier": "front"])
        #expect(
            workload.namedPorts == [
                Pod.NamedPort(name: "http", port: 8080, protocol: .tcp), Pod.NamedPort(name: "dns", port: 53, protocol: .udp),
            ])
        // Stored whole, fields netpold does not read included.
        #expect(decoded.body["spec"]?["strategy"]?["type"] == .string("RollingUpdate"))
    }

    @Test(arguments: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"])
    func aSelectorIsRequired(kind: String) throws {
        let found = try decodeCauses(workloadJSON(kind, spec: #"{"template":\#(webTemplate)}"#))
        #expect(found == [.required("spec.selector")])
    }

    @Test func anEmptySelectorIsInvalid() throws {
        let found = try decodeCauses(workloadJSON("Deployment", spec: #"{"selector":{},"template":\#(webTemplate)}"#))
        #expect(found.map(\.field) == ["spec.selector"])
        #expect(found.first?.message.hasSuffix("empty selector is invalid for deployment") == true)
    }

    @Test func aTemplateTheSelectorDoesNotMatchIsRefusedAsTheAPIServerSaysIt() throws {
        let found = try decodeCauses(
            workloadJSON("Deployment", spec: #"{"selector":{"matchLabels":{"app":"api"}},"template":\#(webTemplate)}"#))
        #expect(
            found == [
                .invalid(
                    "spec.template.metadata.labels",
                    #"Invalid value: map[string]string{"app":"web", "tier":"front"}: `selector` does not match template `labels`"#
                )
            ])
        let expression = try decodeCauses(
            workloadJSON(
                "StatefulSet",
                spec:
                    #"{"selector":{"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]},"template":\#(webTemplate)}"#
            ))
        #expect(expression.isEmpty)
    }

    @Test func aTemplateNeedsContainers() throws {
        let found = try decodeCauses(
            workloadJSON(
                "Deployment",
                spec:
                    #"{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[]}}}"#
            ))
        #expect(found == [.required("spec.template.spec.containers")])
        #expect(
            try decodeCauses(workloadJSON("Deployment", spec: #"{"selector":{"matchLabels":{"app":"web"}}}"#)) == [
                .required("spec.template")
            ])
    }

    @Test func badTemplatePortsAndLabelsNameTheirField() throws {
        let template =
            #"{"metadata":{"labels":{"app":"web","bad key":"x"}},"spec":{"containers":[{"name":"c","ports":[{"name":"Bad_Name","containerPort":70000}]}]}}"#
        let found = try decodeCauses(
            workloadJSON("DaemonSet", spec: #"{"selector":{"matchLabels":{"app":"web"}},"template":\#(template)}"#))
        #expect(
            Set(found.map(\.field)) == [
                "spec.template.metadata.labels", "spec.template.spec.containers[0].ports[0].containerPort",
                "spec.template.spec.containers[0].ports[0].name",
            ])
    }

    @Test func jobsAndReplicationControllersMayOmitTheirSelector() throws {
        #expect(try decodeCauses(workloadJSON("Job", apiVersion: "batch/v1", spec: #"{"template":\#(webTemplate)}"#)).isEmpty)
        #expect(
            try decodeCauses(workloadJSON("ReplicationController", apiVersion: "v1", spec: #"{"template":\#(webTemplate)}"#))
                .isEmpty)
        let mismatch = try decodeCauses(
            workloadJSON(
                "ReplicationController", apiVersion: "v1", spec: #"{"selector":{"app":"api"},"template":\#(webTemplate)}"#))
        #expect(mismatch.map(\.field) == ["spec.template.metadata.labels"])
    }

    @Test func aCronJobsTemplateIsUnderItsJobTemplate() throws {
        let json = workloadJSON(
            "CronJob", apiVersion: "batch/v1",
            spec: #"{"schedule":"* * * * *","jobTemplate":{"spec":{"template":\#(webTemplate)}}}"#)
        let decoded = try ObjectDecoder.decode(try JSONParser.parse(json))
        guard case .workload(let workload) = decoded.model else {
            Issue.record("not a workload")
            return
        }
        #expect(workload.templateLabels["app"] == "web")
        #expect(workload.namedPorts.count == 2)
        let missing = try decodeCauses(workloadJSON("CronJob", apiVersion: "batch/v1", spec: #"{"schedule":"* * * * *"}"#))
        #expect(missing == [.required("spec.jobTemplate")])
    }

    @Test func ownerReferencesAreRead() throws {
        let json =
            #"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"api-5d9f","namespace":"x","ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"api","uid":"u","controller":true}]},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":\#(webTemplate)}}"#
        let decoded = try ObjectDecoder.decode(try JSONParser.parse(json))
        guard case .workload(let workload) = decoded.model else {
            Issue.record("not a workload")
            return
        }
        #expect(workload.owners == [OwnerReference(apiVersion: "apps/v1", kind: "Deployment", name: "api")])
        #expect(workload.owners[0].key(namespace: "x") == ObjectKey(kind: .deployment, namespace: "x", name: "api"))
        let missing = try decodeCauses(json.replacing(#""kind":"Deployment","#, with: ""))
        #expect(missing == [.required("metadata.ownerReferences[0].kind")])
    }
}

func serviceJSON(_ spec: String) -> String {
    #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"x"},"spec":\#(spec),"status":{"loadBalancer":{}}}"#
}

@Suite struct ServiceDecoderTests {
    @Test func portsSelectorAndTypeAreRead() throws {
        let json = serviceJSON(
            #"{"type":"NodePort","clusterIP":"10.96.0.1","selector":{"app":"db"},"ports":[{"name":"pg","port":5432,"targetPort":"postgres","nodePort":30000},{"name":"metrics","port":9187,"targetPort":9187},{"name":"dns","port":53,"protocol":"UDP"}]}"#
        )
        let decoded = try ObjectDecoder.decode(try JSONParser.parse(json))
        guard case .service(let service) = decoded.model else {
            Issue.record("not a Service")
            return
        }
        #expect(service.selector == ["app": "db"])
        #expect(service.type == "NodePort")
        #expect(
            service.ports == [
                Service.Port(name: "pg", port: 5432, targetPort: .name("postgres")),
                Service.Port(name: "metrics", port: 9187, targetPort: .number(9187)),
                Service.Port(name: "dns", port: 53, protocol: .udp, targetPort: .number(53)),
            ])
        #expect(decoded.body["status"]?["loadBalancer"] == .object([:]))
    }

    @Test(arguments: [
        (#"{"ports":[{"port":0}]}"#, "spec.ports[0].port"),
        (#"{"ports":[{"port":80,"targetPort":70000}]}"#, "spec.ports[0].targetPort"),
        (#"{"ports":[{"port":80,"targetPort":"8080"}]}"#, "spec.ports[0].targetPort"),
        (#"{"ports":[{"port":80,"targetPort":"Web_Port"}]}"#, "spec.ports[0].targetPort"),
        (#"{"ports":[{"port":80,"protocol":"ICMP"}]}"#, "spec.ports[0].protocol"),
        (#"{"ports":[{"name":"a","port":80},{"port":81}]}"#, "spec.ports[1].name"),
        (#"{"ports":[{"name":"a","port":80},{"name":"a","port":81}]}"#, "spec.ports[1].name"),
        (#"{"ports":[{"name":"a","port":80},{"name":"b","port":80}]}"#, "spec.ports[1]"),
        (#"{"ports":[{"targetPort":80}]}"#, "spec.ports[0].port"),
        (#"{"selector":{"app":"db"}}"#, "spec.ports"),
        (#"{"type":"Magic","ports":[{"port":80}]}"#, "spec.type"),
        (#"{"type":"ExternalName"}"#, "spec.externalName"),
    ])
    func invalidServicesNameTheField(spec: String, field: String) throws {
        let found = try decodeCauses(serviceJSON(spec))
        #expect(found.map(\.field) == [field], "\(found)")
    }

    @Test func headlessAndExternalNameServicesNeedNoPorts() throws {
        #expect(try decodeCauses(serviceJSON(#"{"clusterIP":"None","selector":{"app":"db"}}"#)).isEmpty)
        #expect(try decodeCauses(serviceJSON(#"{"type":"ExternalName","externalName":"db.example.com"}"#)).isEmpty)
    }

    @Test func kindsAreNamedAsKubectlNamesThem() {
        #expect(ResourceKind(alias: "deploy") == .deployment)
        #expect(ResourceKind(alias: "Deployments") == .deployment)
        #expect(ResourceKind(alias: "deployment.apps") == .deployment)
        #expect(ResourceKind(alias: "STS") == .statefulSet)
        #expect(ResourceKind(alias: "svc") == .service)
        #expect(ResourceKind(alias: "cj") == .cronJob)
        #expect(ResourceKind(alias: "rc") == .replicationController)
        #expect(ResourceKind(alias: "deployment.batch") == nil)
        #expect(ResourceKind(alias: "globalnetworkpolicy") == nil)
    }
}
