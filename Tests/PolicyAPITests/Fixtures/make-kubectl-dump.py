#!/usr/bin/env python3
"""Writes kubectl-get-all.yaml: a synthetic cluster in the exact shape of `kubectl get ... -A -o yaml`
(a List of about 300 objects, each kind sorted by namespace and name, with managedFields,
ownerReferences and status: Deployments -> ReplicaSets -> Pods, StatefulSets, DaemonSets,
CronJobs -> Jobs -> Pods, a ReplicationController, Services with numbered and named targetPorts,
NetworkPolicies, ConfigMaps, Secrets, ServiceAccounts, Events, RBAC, a custom resource, Nodes; Namespace
objects for only some of its namespaces). The output is the same on every run (hashes and a seeded
generator): DumpImportTests and DumpDecisionTests name its pods.
Usage: python3 make-kubectl-dump.py > kubectl-get-all.yaml (needs PyYAML)."""
import yaml, json, hashlib

def uid(*parts):
    h = hashlib.sha1("/".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

rv = [41000]
def nextrv():
    rv[0] += 37
    return str(rv[0])

TS = "2026-03-02T09:14:07Z"
TS2 = "2026-03-02T09:15:31Z"

def mf(manager, op, api, fields, sub=None):
    e = {"apiVersion": api, "fieldsType": "FieldsV1", "fieldsV1": fields, "manager": manager, "operation": op, "time": TS}
    if sub: e["subresource"] = sub
    return e

def meta(kind, ns, name, labels=None, annotations=None, owner=None, managed=None, generation=None, generateName=None):
    m = {"creationTimestamp": TS, "name": name, "resourceVersion": nextrv(), "uid": uid(kind, ns or "", name)}
    if ns: m["namespace"] = ns
    if labels: m["labels"] = labels
    if annotations: m["annotations"] = annotations
    if owner: m["ownerReferences"] = [owner]
    if managed: m["managedFields"] = managed
    if generation: m["generation"] = generation
    if generateName: m["generateName"] = generateName
    return m

def ownerref(kind, api, ns, name, controller=True):
    return {"apiVersion": api, "blockOwnerDeletion": True, "controller": controller, "kind": kind, "name": name, "uid": uid(kind, ns, name)}

items = []
nodes = [("node-a", "10.240.0.4", "192.168.0.0/24"), ("node-b", "10.240.0.5", "192.168.1.0/24"),
         ("node-c", "10.240.0.6", "192.168.2.0/24"), ("node-d", "10.240.0.7", "192.168.3.0/24")]

def pod_status(ip, host, phase="Running", ready=True):
    st = {"conditions": [
        {"lastProbeTime": None, "lastTransitionTime": TS, "status": "True", "type": "PodReadyToStartContainers"},
        {"lastProbeTime": None, "lastTransitionTime": TS, "status": "True", "type": "Initialized"},
        {"lastProbeTime": None, "lastTransitionTime": TS2, "status": "True" if ready else "False", "type": "Ready"},
        {"lastProbeTime": None, "lastTransitionTime": TS2, "status": "True" if ready else "False", "type": "ContainersReady"},
        {"lastProbeTime": None, "lastTransitionTime": TS, "status": "True", "type": "PodScheduled"}],
        "phase": phase, "qosClass": "Burstable", "startTime": TS}
    if ip:
        st["hostIP"] = host
        st["hostIPs"] = [{"ip": host}]
        st["podIP"] = ip
        st["podIPs"] = [{"ip": ip}]
    return st

def container(name, image, ports):
    c = {"image": image, "imagePullPolicy": "IfNotPresent", "name": name,
         "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
         "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-x7k2p", "readOnly": True}]}
    if ports:
        c["ports"] = [{"containerPort": p, "name": n, "protocol": proto} for (n, p, proto) in ports]
    return c

def pod_spec(containers, node, sa="default", host_network=False):
    s = {"containers": containers, "dnsPolicy": "ClusterFirst", "enableServiceLinks": True, "nodeName": node,
         "preemptionPolicy": "PreemptLowerPriority", "priority": 0, "restartPolicy": "Always", "schedulerName": "default-scheduler",
         "securityContext": {}, "serviceAccount": sa, "serviceAccountName": sa, "terminationGracePeriodSeconds": 30,
         "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                         {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}],
         "volumes": [{"name": "kube-api-access-x7k2p", "projected": {"defaultMode": 420, "sources": [
             {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
             {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}}]}}]}
    if host_network:
        s["hostNetwork"] = True
        s["dnsPolicy"] = "ClusterFirstWithHostNet"
    return s

def container_statuses(containers):
    return [{"containerID": "containerd://" + hashlib.sha1(c["name"].encode()).hexdigest() * 1, "image": c["image"], "imageID": c["image"] + "@sha256:" + hashlib.sha256(c["image"].encode()).hexdigest(),
             "lastState": {}, "name": c["name"], "ready": True, "restartCount": 0, "started": True, "state": {"running": {"startedAt": TS2}}} for c in containers]

pod_ip = [10]
def add_deployment(ns, name, labels, image, ports, replicas, svc_port=None):
    hashv = hashlib.sha1((ns + name).encode()).hexdigest()[:10]
    sel = {"matchLabels": labels}
    tmpl_labels = dict(labels)
    dep_managed = [mf("kubectl-client-side-apply", "Update", "apps/v1", {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}, "f:spec": {"f:replicas": {}, "f:selector": {}}}),
                   mf("kube-controller-manager", "Update", "apps/v1", {"f:status": {"f:availableReplicas": {}, "f:readyReplicas": {}}}, sub="status")]
    last = json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"annotations": {}, "name": name, "namespace": ns}, "spec": {"replicas": replicas}}, separators=(",", ":"))
    containers = [container(name, image, ports)]
    items.append({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": meta("Deployment", ns, name, labels=labels, annotations={"deployment.kubernetes.io/revision": "1", "kubectl.kubernetes.io/last-applied-configuration": last + "\n"}, managed=dep_managed, generation=1),
        "spec": {"progressDeadlineSeconds": 600, "replicas": replicas, "revisionHistoryLimit": 10, "selector": sel,
                 "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
                 "template": {"metadata": {"creationTimestamp": None, "labels": tmpl_labels}, "spec": {"containers": containers, "restartPolicy": "Always"}}},
        "status": {"availableReplicas": replicas, "conditions": [{"lastTransitionTime": TS, "lastUpdateTime": TS2, "message": f'ReplicaSet "{name}-{hashv}" has successfully progressed.', "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"}], "observedGeneration": 1, "readyReplicas": replicas, "replicas": replicas, "updatedReplicas": replicas}})
    rs_labels = dict(labels); rs_labels["pod-template-hash"] = hashv
    rsname = f"{name}-{hashv}"
    items.append({"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": meta("ReplicaSet", ns, rsname, labels=rs_labels, annotations={"deployment.kubernetes.io/desired-replicas": str(replicas), "deployment.kubernetes.io/max-replicas": str(replicas + 1), "deployment.kubernetes.io/revision": "1"}, owner=ownerref("Deployment", "apps/v1", ns, name), managed=[mf("kube-controller-manager", "Update", "apps/v1", {"f:metadata": {"f:ownerReferences": {}}})], generation=1),
        "spec": {"replicas": replicas, "selector": {"matchLabels": rs_labels}, "template": {"metadata": {"creationTimestamp": None, "labels": rs_labels}, "spec": {"containers": containers}}},
        "status": {"availableReplicas": replicas, "fullyLabeledReplicas": replicas, "observedGeneration": 1, "readyReplicas": replicas, "replicas": replicas}})
    for i in range(replicas):
        suffix = hashlib.sha1(f"{rsname}{i}".encode()).hexdigest()[:5]
        node, host, cidr = nodes[i % 2]
        ip = cidr.rsplit(".", 1)[0] + "." + str(pod_ip[0]); pod_ip[0] += 1
        items.append({"apiVersion": "v1", "kind": "Pod",
            "metadata": meta("Pod", ns, f"{rsname}-{suffix}", labels=rs_labels, annotations={"cni.projectcalico.org/containerID": hashlib.sha1(suffix.encode()).hexdigest(), "cni.projectcalico.org/podIP": ip + "/32", "cni.projectcalico.org/podIPs": ip + "/32"}, owner=ownerref("ReplicaSet", "apps/v1", ns, rsname), generateName=rsname + "-",
                          managed=[mf("kube-controller-manager", "Update", "v1", {"f:metadata": {"f:generateName": {}, "f:labels": {}, "f:ownerReferences": {}}}),
                                   mf("calico", "Update", "v1", {"f:metadata": {"f:annotations": {}}}, sub="status"),
                                   mf("kubelet", "Update", "v1", {"f:status": {"f:conditions": {}, "f:podIP": {}}}, sub="status")]),
            "spec": pod_spec(containers, node), "status": dict(pod_status(ip, host), containerStatuses=container_statuses(containers))})
    if svc_port:
        items.append({"apiVersion": "v1", "kind": "Service",
            "metadata": meta("Service", ns, name, labels=labels, managed=[mf("kubectl-client-side-apply", "Update", "v1", {"f:spec": {"f:ports": {}}})]),
            "spec": {"clusterIP": "10.96.%d.%d" % (len(items) % 250, pod_ip[0]), "clusterIPs": ["10.96.%d.%d" % (len(items) % 250, pod_ip[0])], "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "ports": [{"name": "http", "port": svc_port, "protocol": "TCP", "targetPort": ports[0][0]}], "selector": labels, "sessionAffinity": "None", "type": "ClusterIP"},
            "status": {"loadBalancer": {}}})

add_deployment("shop", "frontend", {"app": "frontend", "tier": "web"}, "registry.example/shop/frontend:2.4.1", [("http", 8080, "TCP")], 2, 80)
add_deployment("shop", "api", {"app": "api", "tier": "backend"}, "registry.example/shop/api:1.9.0", [("http", 8080, "TCP"), ("metrics", 9090, "TCP")], 2, 8080)
add_deployment("payments", "ledger", {"app": "ledger"}, "registry.example/payments/ledger:0.7.3", [("grpc", 7000, "TCP")], 1, 7000)

# A StatefulSet and its pods
ss_labels = {"app": "redis"}
items.append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta("StatefulSet", "shop", "redis", labels=ss_labels, generation=1),
    "spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}, "podManagementPolicy": "OrderedReady", "replicas": 1, "selector": {"matchLabels": ss_labels}, "serviceName": "redis",
             "template": {"metadata": {"creationTimestamp": None, "labels": ss_labels}, "spec": {"containers": [container("redis", "redis:7.2", [("redis", 6379, "TCP")])]}}, "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"}},
    "status": {"availableReplicas": 1, "collisionCount": 0, "currentReplicas": 1, "currentRevision": "redis-5c9d8f7b6", "observedGeneration": 1, "readyReplicas": 1, "replicas": 1, "updateRevision": "redis-5c9d8f7b6", "updatedReplicas": 1}})
rc = [container("redis", "redis:7.2", [("redis", 6379, "TCP")])]
items.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta("Pod", "shop", "redis-0", labels={"app": "redis", "apps.kubernetes.io/pod-index": "0", "controller-revision-hash": "redis-5c9d8f7b6", "statefulset.kubernetes.io/pod-name": "redis-0"}, owner=ownerref("StatefulSet", "apps/v1", "shop", "redis"), generateName="redis-"),
    "spec": dict(pod_spec(rc, "node-b"), hostname="redis-0", subdomain="redis"), "status": dict(pod_status("192.168.1.40", "10.240.0.5"), containerStatuses=container_statuses(rc))})
items.append({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta("ControllerRevision", "shop", "redis-5c9d8f7b6", labels={"app": "redis", "controller-revision-hash": "redis-5c9d8f7b6"}, owner=ownerref("StatefulSet", "apps/v1", "shop", "redis")), "revision": 1, "data": {"spec": {"template": {"$patch": "replace"}}}})

# kube-system: a DaemonSet with host-network pods (they share their node's address)
for ds, image, ports in [("kube-proxy", "registry.k8s.io/kube-proxy:v1.31.2", []), ("calico-node", "docker.io/calico/node:v3.29.1", [])]:
    lbl = {"k8s-app": ds}
    items.append({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta("DaemonSet", "kube-system", ds, labels=lbl, annotations={"deprecated.daemonset.template.generation": "1"}, generation=1),
        "spec": {"revisionHistoryLimit": 10, "selector": {"matchLabels": lbl}, "template": {"metadata": {"creationTimestamp": None, "labels": lbl}, "spec": {"containers": [container(ds, image, ports)], "hostNetwork": True, "priorityClassName": "system-node-critical"}}, "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}},
        "status": {"currentNumberScheduled": 2, "desiredNumberScheduled": 2, "numberAvailable": 2, "numberMisscheduled": 0, "numberReady": 2, "observedGeneration": 1, "updatedNumberScheduled": 2}})
    for node, host, _ in nodes:
        cs = [container(ds, image, ports)]
        suffix = hashlib.sha1((ds + node).encode()).hexdigest()[:5]
        spec = pod_spec(cs, node, sa=ds, host_network=True)
        spec["priorityClassName"] = "system-node-critical"; spec["priority"] = 2000001000
        items.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta("Pod", "kube-system", f"{ds}-{suffix}", labels=dict(lbl, **{"controller-revision-hash": "6f8c5d7b9", "pod-template-generation": "1"}), owner=ownerref("DaemonSet", "apps/v1", "kube-system", ds), generateName=ds + "-"),
            "spec": spec, "status": dict(pod_status(host, host), containerStatuses=container_statuses(cs))})

# A CronJob, its Job, and the completed pod; a pending pod without an address
items.append({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("CronJob", "payments", "nightly-report", generation=1),
    "spec": {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1, "jobTemplate": {"metadata": {"creationTimestamp": None}, "spec": {"template": {"metadata": {"creationTimestamp": None, "labels": {"app": "report"}}, "spec": {"containers": [container("report", "registry.example/payments/report:3", [])], "restartPolicy": "OnFailure"}}}}, "schedule": "0 2 * * *", "successfulJobsHistoryLimit": 3, "suspend": False},
    "status": {"lastScheduleTime": TS, "lastSuccessfulTime": TS2}})
items.append({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("Job", "payments", "nightly-report-29012345", labels={"app": "report"}, owner=ownerref("CronJob", "batch/v1", "payments", "nightly-report"), generation=1),
    "spec": {"backoffLimit": 6, "completionMode": "NonIndexed", "completions": 1, "manualSelector": False, "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed", "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid("Job", "payments", "x")}}, "suspend": False,
             "template": {"metadata": {"creationTimestamp": None, "labels": {"app": "report", "batch.kubernetes.io/controller-uid": uid("Job", "payments", "x"), "batch.kubernetes.io/job-name": "nightly-report-29012345", "controller-uid": uid("Job", "payments", "x"), "job-name": "nightly-report-29012345"}}, "spec": {"containers": [container("report", "registry.example/payments/report:3", [])], "restartPolicy": "OnFailure"}}},
    "status": {"completionTime": TS2, "conditions": [{"lastProbeTime": TS2, "lastTransitionTime": TS2, "message": "Reached expected number of succeeded pods", "reason": "CompletionsReached", "status": "True", "type": "Complete"}], "ready": 0, "startTime": TS, "succeeded": 1, "terminating": 0, "uncountedTerminatedPods": {}}})
jc = [container("report", "registry.example/payments/report:3", [])]
items.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta("Pod", "payments", "nightly-report-29012345-q8x7v", labels={"app": "report", "batch.kubernetes.io/job-name": "nightly-report-29012345", "job-name": "nightly-report-29012345"}, owner=ownerref("Job", "batch/v1", "payments", "nightly-report-29012345"), generateName="nightly-report-29012345-"),
    "spec": dict(pod_spec(jc, "node-a"), restartPolicy="OnFailure"), "status": dict(pod_status("192.168.0.77", "10.240.0.4", phase="Succeeded", ready=False))})
items.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta("Pod", "payments", "ledger-migrate", labels={"app": "ledger-migrate"}),
    "spec": {"containers": [container("migrate", "registry.example/payments/ledger:0.7.3", [])], "dnsPolicy": "ClusterFirst", "restartPolicy": "Never", "schedulerName": "default-scheduler", "securityContext": {}},
    "status": {"conditions": [{"lastProbeTime": None, "lastTransitionTime": TS, "message": "0/2 nodes are available: 2 Insufficient memory.", "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}], "phase": "Pending", "qosClass": "Burstable"}})

# Network policies as the API server returns them
def netpol(ns, name, spec):
    last = json.dumps({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"annotations": {}, "name": name, "namespace": ns}, "spec": spec}, separators=(",", ":"))
    items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": meta("NetworkPolicy", ns, name, annotations={"kubectl.kubernetes.io/last-applied-configuration": last + "\n"}, generation=1,
                         managed=[mf("kubectl-client-side-apply", "Update", "networking.k8s.io/v1", {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}, "f:spec": {"f:ingress": {}, "f:podSelector": {}, "f:policyTypes": {}}})]),
        "spec": spec})
netpol("shop", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
netpol("shop", "api-from-frontend", {"podSelector": {"matchLabels": {"app": "api"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}], "ports": [{"port": "http", "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
netpol("shop", "redis-from-api", {"podSelector": {"matchLabels": {"app": "redis"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": 6379, "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
netpol("payments", "ledger-from-shop-api", {"podSelector": {"matchLabels": {"app": "ledger"}}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}, "podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": 7000, "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})

# What else a dump holds
for ns in ["shop", "payments", "kube-system"]:
    items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", ns, "kube-root-ca.crt", annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}),
                  "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIQ2F0YWxvZ3VlMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNV\n-----END CERTIFICATE-----\n"}})
    items.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("ServiceAccount", ns, "default")})
items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "shop", "frontend-settings", labels={"app": "frontend"}), "data": {"FEATURE_FLAGS": "checkout-v2,dark-mode", "API_URL": "http://api.shop.svc:8080"}})
items.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta("Secret", "shop", "api-db-credentials", labels={"app": "api"}), "type": "Opaque", "data": {"username": "c2hvcC1hcGk=", "password": "aHVudGVyMi1kby1ub3QtbGVhaw=="}})
items.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta("Secret", "payments", "ledger-tls", annotations={"cert-manager.io/certificate-name": "ledger"}), "type": "kubernetes.io/tls", "data": {"tls.crt": "TFMwdExTMUNSVWRKVGlCRFJWSlVTVVpKUTBGVVJTMHRMUzB0", "tls.key": "TFMwdExTMUNSVWRKVGlCUVVrbFdRVlJGSUV0RldTMHRMUzB0"}})
items.append({"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("Endpoints", "shop", "api", labels={"app": "api", "endpoints.kubernetes.io/managed-by": "endpoint-controller"}), "subsets": [{"addresses": [{"ip": "192.168.0.12", "nodeName": "node-a", "targetRef": {"kind": "Pod", "name": "api-x", "namespace": "shop", "uid": uid("x")}}], "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]})
items.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta("EndpointSlice", "shop", "api-7xk2q", labels={"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": "api"}, owner=ownerref("Service", "v1", "shop", "api"), generateName="api-"),
              "addressType": "IPv4", "endpoints": [{"addresses": ["192.168.0.12"], "conditions": {"ready": True, "serving": True, "terminating": False}, "nodeName": "node-a"}], "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
items.append({"apiVersion": "v1", "kind": "Event", "metadata": meta("Event", "shop", "api-5d8f9c7b4-abcde.17f2a9c3e1b2d4f0"), "count": 1, "firstTimestamp": TS, "lastTimestamp": TS, "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "api-5d8f9c7b4-abcde", "namespace": "shop"}, "message": "Successfully assigned shop/api-5d8f9c7b4-abcde to node-a", "reason": "Scheduled", "reportingComponent": "default-scheduler", "source": {"component": "default-scheduler"}, "type": "Normal"})
items.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("Ingress", "shop", "frontend", annotations={"cert-manager.io/cluster-issuer": "letsencrypt"}, generation=1), "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [{"backend": {"service": {"name": "frontend", "port": {"number": 80}}}, "path": "/", "pathType": "Prefix"}]}}], "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]}, "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}})
items.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta("HorizontalPodAutoscaler", "shop", "frontend"), "spec": {"maxReplicas": 6, "minReplicas": 2, "metrics": [{"resource": {"name": "cpu", "target": {"averageUtilization": 70, "type": "Utilization"}}, "type": "Resource"}], "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "frontend"}}, "status": {"currentReplicas": 2, "desiredReplicas": 2}})
items.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta("PodDisruptionBudget", "shop", "api", generation=1), "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "api"}}}, "status": {"currentHealthy": 2, "desiredHealthy": 1, "disruptionsAllowed": 1, "expectedPods": 2, "observedGeneration": 1}})
items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta("Role", "shop", "api-reader"), "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]})
items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta("RoleBinding", "shop", "api-reader"), "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "api-reader"}, "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "shop"}]})
items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta("ClusterRole", None, "shop-admin", labels={"rbac.authorization.k8s.io/aggregate-to-admin": "true"}), "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]}]})
items.append({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": meta("Certificate", "payments", "ledger", generation=1), "spec": {"dnsNames": ["ledger.payments.svc"], "issuerRef": {"kind": "ClusterIssuer", "name": "internal-ca"}, "secretName": "ledger-tls"}, "status": {"conditions": [{"lastTransitionTime": TS, "message": "Certificate is up to date and has not expired", "observedGeneration": 1, "reason": "Ready", "status": "True", "type": "Ready"}], "notAfter": "2026-06-01T09:14:07Z"}})
items.append({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": meta("CustomResourceDefinition", None, "certificates.cert-manager.io", generation=1), "spec": {"group": "cert-manager.io", "names": {"kind": "Certificate", "listKind": "CertificateList", "plural": "certificates", "singular": "certificate"}, "scope": "Namespaced", "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}})
for node, host, cidr in nodes:
    items.append({"apiVersion": "v1", "kind": "Node", "metadata": meta("Node", None, node, labels={"kubernetes.io/hostname": node, "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": "zone-" + node[-1]}, annotations={"projectcalico.org/IPv4Address": host + "/24", "node.alpha.kubernetes.io/ttl": "0"}),
                  "spec": {"podCIDR": cidr, "podCIDRs": [cidr]}, "status": {"addresses": [{"address": host, "type": "InternalIP"}, {"address": node, "type": "Hostname"}], "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.22"}}})

# ---------------------------------------------------------------------------------------------
# The rest of the cluster: four more namespaces (two with Namespace objects, two implied), a
# Deployment in the middle of a rollout, StatefulSets, a DaemonSet, a CronJob's Jobs, a
# ReplicationController, Services with numbered and named targetPorts, default-deny policies and
# the allows between tiers, and what a real namespace also holds (ConfigMaps, Secrets,
# ServiceAccounts, Endpoints, EndpointSlices, Events). Names and suffixes come from a seeded
# generator, so the output is the same on every run.
import random
rng = random.Random(20260302)
KUBE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # what the API server draws generateName suffixes from

def kube_suffix(n=5):
    return "".join(rng.choice(KUBE_ALPHABET) for _ in range(n))

node_next_ip = {node: 100 for node, _, _ in nodes}
node_turn = [0]
def place():
    """The next node round-robin, and a fresh address from its pod CIDR."""
    node, host, cidr = nodes[node_turn[0] % len(nodes)]
    node_turn[0] += 1
    ip = cidr.rsplit(".", 1)[0] + "." + str(node_next_ip[node])
    node_next_ip[node] += 1
    return node, host, ip

def events_for_pod(ns, pod, node, image, container_name):
    base = f"{pod}.{hashlib.sha1((ns + pod).encode()).hexdigest()[:16]}"
    involved = {"apiVersion": "v1", "kind": "Pod", "name": pod, "namespace": ns, "uid": uid("Pod", ns, pod)}
    for reason, message, component in [
            ("Scheduled", f"Successfully assigned {ns}/{pod} to {node}", "default-scheduler"),
            ("Pulled", f'Container image "{image}" already present on machine', "kubelet"),
            ("Started", f"Started container {container_name}", "kubelet")]:
        name = base[:-3] + hashlib.sha1((base + reason).encode()).hexdigest()[:3]
        ev = {"apiVersion": "v1", "kind": "Event", "metadata": meta("Event", ns, name), "count": 1, "firstTimestamp": TS2, "lastTimestamp": TS2,
              "involvedObject": dict(involved, **({"fieldPath": f"spec.containers{{{container_name}}}"} if component == "kubelet" else {})),
              "message": message, "reason": reason, "reportingComponent": component, "reportingInstance": node if component == "kubelet" else "",
              "source": {"component": component, **({"host": node} if component == "kubelet" else {})}, "type": "Normal"}
        items.append(ev)

def add_pod(ns, name, labels, containers, owner, sa="default", phase="Running", generate_name=None, host_network=False, node_at=None, extra_spec=None):
    if node_at is not None:
        node, host, _ = nodes[node_at]
        ip = host
    else:
        node, host, ip = place()
        if host_network:
            ip = host
    spec = pod_spec(containers, node, sa=sa, host_network=host_network)
    if extra_spec:
        spec.update(extra_spec)
    ready = phase == "Running"
    status = dict(pod_status(ip, host, phase=phase, ready=ready), containerStatuses=container_statuses(containers))
    items.append({"apiVersion": "v1", "kind": "Pod",
        "metadata": meta("Pod", ns, name, labels=labels, owner=owner, generateName=generate_name,
                         annotations=None if host_network else {"cni.projectcalico.org/containerID": hashlib.sha1((ns + name).encode()).hexdigest(), "cni.projectcalico.org/podIP": ip + "/32", "cni.projectcalico.org/podIPs": ip + "/32"},
                         managed=[mf("kube-controller-manager", "Update", "v1", {"f:metadata": {"f:generateName": {}, "f:labels": {}, "f:ownerReferences": {}}, "f:spec": {"f:containers": {}}}),
                                  mf("kubelet", "Update", "v1", {"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {}, "f:podIP": {}, "f:podIPs": {}, "f:startTime": {}}}, sub="status")]),
        "spec": spec, "status": status})
    events_for_pod(ns, name, node, containers[0]["image"], containers[0]["name"])
    return ip

def applied(kind, api, ns, name, spec):
    """The annotation `kubectl apply` leaves, and its managedFields entry."""
    last = json.dumps({"apiVersion": api, "kind": kind, "metadata": {"annotations": {}, "name": name, "namespace": ns}, "spec": spec}, separators=(",", ":"), sort_keys=True)
    return ({"kubectl.kubernetes.io/last-applied-configuration": last + "\n"},
            mf("kubectl-client-side-apply", "Update", api, {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}, "f:spec": {"f:selector": {}, "f:template": {}}}))

def add_rollout(ns, name, labels, versions, sa="default"):
    """A Deployment and one ReplicaSet per (containers, pods) version, the last one current; a
    version with 0 pods is an old ReplicaSet scaled down, as kubectl keeps them."""
    current_containers, current_pods = versions[-1]
    replicas = sum(p for _, p in versions)
    template_spec = {"containers": current_containers, "restartPolicy": "Always", "serviceAccountName": sa}
    annotations, managed = applied("Deployment", "apps/v1", ns, name, {"replicas": replicas, "selector": {"matchLabels": labels}})
    revision = len(versions)
    rs_names = []
    for index, (containers, pods) in enumerate(versions):
        hashv = kube_suffix(10)
        rs_labels = dict(labels, **{"pod-template-hash": hashv})
        rs_name = f"{name}-{hashv}"
        rs_names.append(rs_name)
        items.append({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta("ReplicaSet", ns, rs_name, labels=rs_labels, generation=index + 1,
                             annotations={"deployment.kubernetes.io/desired-replicas": str(replicas), "deployment.kubernetes.io/max-replicas": str(replicas + 1), "deployment.kubernetes.io/revision": str(index + 1)},
                             owner=ownerref("Deployment", "apps/v1", ns, name),
                             managed=[mf("kube-controller-manager", "Update", "apps/v1", {"f:metadata": {"f:annotations": {}, "f:labels": {}, "f:ownerReferences": {}}, "f:spec": {"f:replicas": {}}}),
                                      mf("kube-controller-manager", "Update", "apps/v1", {"f:status": {"f:observedGeneration": {}, "f:replicas": {}}}, sub="status")]),
            "spec": {"replicas": pods, "selector": {"matchLabels": rs_labels},
                     "template": {"metadata": {"creationTimestamp": None, "labels": rs_labels}, "spec": dict(template_spec, containers=containers)}},
            "status": {"availableReplicas": pods, "fullyLabeledReplicas": pods, "observedGeneration": index + 1, "readyReplicas": pods, "replicas": pods} if pods else {"observedGeneration": index + 1, "replicas": 0}})
        for _ in range(pods):
            add_pod(ns, f"{rs_name}-{kube_suffix()}", rs_labels, containers, ownerref("ReplicaSet", "apps/v1", ns, rs_name), sa=sa, generate_name=rs_name + "-")
    rolling = sum(1 for _, p in versions if p) > 1
    condition = ({"lastTransitionTime": TS2, "lastUpdateTime": TS2, "message": f'ReplicaSet "{rs_names[-1]}" is progressing.', "reason": "ReplicaSetUpdated", "status": "True", "type": "Progressing"} if rolling else
                 {"lastTransitionTime": TS, "lastUpdateTime": TS2, "message": f'ReplicaSet "{rs_names[-1]}" has successfully progressed.', "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"})
    items.append({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": meta("Deployment", ns, name, labels=labels, annotations=dict(annotations, **{"deployment.kubernetes.io/revision": str(revision)}), generation=revision,
                         managed=[managed, mf("kube-controller-manager", "Update", "apps/v1", {"f:metadata": {"f:annotations": {"f:deployment.kubernetes.io/revision": {}}}, "f:status": {"f:conditions": {}, "f:replicas": {}}}, sub="status")]),
        "spec": {"progressDeadlineSeconds": 600, "replicas": current_pods if not rolling else replicas, "revisionHistoryLimit": 10, "selector": {"matchLabels": labels},
                 "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
                 "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": template_spec}},
        "status": {"availableReplicas": replicas, "conditions": [{"lastTransitionTime": TS, "lastUpdateTime": TS, "message": "Deployment has minimum availability.", "reason": "MinimumReplicasAvailable", "status": "True", "type": "Available"}, condition],
                   "observedGeneration": revision, "readyReplicas": replicas, "replicas": replicas, "updatedReplicas": current_pods} if replicas else
                  {"conditions": [condition], "observedGeneration": revision}})

def add_statefulset(ns, name, labels, containers, replicas, service_name, sa="default"):
    revision = f"{name}-{kube_suffix(10)}"
    items.append({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": meta("StatefulSet", ns, name, labels=labels, generation=1, managed=[mf("helm", "Update", "apps/v1", {"f:spec": {"f:replicas": {}, "f:selector": {}, "f:serviceName": {}, "f:template": {}}})]),
        "spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}, "podManagementPolicy": "OrderedReady", "replicas": replicas, "revisionHistoryLimit": 10,
                 "selector": {"matchLabels": labels}, "serviceName": service_name,
                 "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": {"containers": containers, "serviceAccountName": sa}},
                 "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
                 "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"creationTimestamp": None, "name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}, "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}}]},
        "status": {"availableReplicas": replicas, "collisionCount": 0, "currentReplicas": replicas, "currentRevision": revision, "observedGeneration": 1, "readyReplicas": replicas, "replicas": replicas, "updateRevision": revision, "updatedReplicas": replicas}})
    items.append({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta("ControllerRevision", ns, revision, labels=dict(labels, **{"controller-revision-hash": revision}), owner=ownerref("StatefulSet", "apps/v1", ns, name)), "revision": 1, "data": {"spec": {"template": {"$patch": "replace"}}}})
    for i in range(replicas):
        pod = f"{name}-{i}"
        add_pod(ns, pod, dict(labels, **{"apps.kubernetes.io/pod-index": str(i), "controller-revision-hash": revision, "statefulset.kubernetes.io/pod-name": pod}), containers,
                ownerref("StatefulSet", "apps/v1", ns, name), sa=sa, generate_name=name + "-", extra_spec={"hostname": pod, "subdomain": service_name})

def add_daemonset(ns, name, labels, containers, sa="default"):
    revision = kube_suffix(10)
    items.append({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": meta("DaemonSet", ns, name, labels=labels, annotations={"deprecated.daemonset.template.generation": "1"}, generation=1),
        "spec": {"revisionHistoryLimit": 10, "selector": {"matchLabels": labels}, "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": {"containers": containers, "serviceAccountName": sa}},
                 "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}},
        "status": {"currentNumberScheduled": len(nodes), "desiredNumberScheduled": len(nodes), "numberAvailable": len(nodes), "numberMisscheduled": 0, "numberReady": len(nodes), "observedGeneration": 1, "updatedNumberScheduled": len(nodes)}})
    items.append({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta("ControllerRevision", ns, f"{name}-{revision}", labels=dict(labels, **{"controller-revision-hash": revision}), owner=ownerref("DaemonSet", "apps/v1", ns, name)), "revision": 1, "data": {"spec": {"template": {"$patch": "replace"}}}})
    for _ in nodes:
        add_pod(ns, f"{name}-{kube_suffix()}", dict(labels, **{"controller-revision-hash": revision, "pod-template-generation": "1"}), containers, ownerref("DaemonSet", "apps/v1", ns, name), sa=sa, generate_name=name + "-")

def add_cronjob(ns, name, labels, containers, schedule, runs):
    """A CronJob and its Jobs, each with one pod: runs is a list of (scheduled minute, phase)."""
    job_template = {"metadata": {"creationTimestamp": None}, "spec": {"backoffLimit": 2, "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": {"containers": containers, "restartPolicy": "OnFailure"}}}}
    items.append({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("CronJob", ns, name, labels=labels, generation=1),
        "spec": {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1, "jobTemplate": job_template, "schedule": schedule, "successfulJobsHistoryLimit": 3, "suspend": False},
        "status": {"active": [{"apiVersion": "batch/v1", "kind": "Job", "name": f"{name}-{m}", "namespace": ns} for m, phase in runs if phase == "Running"], "lastScheduleTime": TS2, "lastSuccessfulTime": TS}})
    for minute, phase in runs:
        job = f"{name}-{minute}"
        controller = uid("Job", ns, job)
        job_labels = dict(labels, **{"batch.kubernetes.io/controller-uid": controller, "batch.kubernetes.io/job-name": job, "controller-uid": controller, "job-name": job})
        done = phase == "Succeeded"
        items.append({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("Job", ns, job, labels=job_labels, owner=ownerref("CronJob", "batch/v1", ns, name), generation=1),
            "spec": {"backoffLimit": 2, "completionMode": "NonIndexed", "completions": 1, "manualSelector": False, "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed",
                     "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": controller}}, "suspend": False,
                     "template": {"metadata": {"creationTimestamp": None, "labels": job_labels}, "spec": {"containers": containers, "restartPolicy": "OnFailure"}}},
            "status": dict({"ready": 0 if done else 1, "startTime": TS, "terminating": 0, "uncountedTerminatedPods": {}},
                           **({"completionTime": TS2, "succeeded": 1, "conditions": [{"lastProbeTime": TS2, "lastTransitionTime": TS2, "message": "Reached expected number of succeeded pods", "reason": "CompletionsReached", "status": "True", "type": "Complete"}]} if done else {"active": 1}))})
        add_pod(ns, f"{job}-{kube_suffix()}", job_labels, containers, ownerref("Job", "batch/v1", ns, job), phase=phase, generate_name=job + "-", extra_spec={"restartPolicy": "OnFailure"})

def add_replication_controller(ns, name, labels, containers, replicas):
    items.append({"apiVersion": "v1", "kind": "ReplicationController", "metadata": meta("ReplicationController", ns, name, labels=labels, generation=1),
        "spec": {"replicas": replicas, "selector": labels, "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": {"containers": containers, "restartPolicy": "Always"}}},
        "status": {"availableReplicas": replicas, "fullyLabeledReplicas": replicas, "observedGeneration": 1, "readyReplicas": replicas, "replicas": replicas}})
    for _ in range(replicas):
        add_pod(ns, f"{name}-{kube_suffix()}", labels, containers, ownerref("ReplicationController", "v1", ns, name), generate_name=name + "-")

service_ip = [20]
def add_service(ns, name, selector, ports, labels=None, headless=False, endpoints=()):
    """ports: (name, port, targetPort, protocol); endpoints: the pod addresses, for the Endpoints
    and EndpointSlice objects the controllers keep beside it."""
    cluster_ip = "None" if headless else "10.96.%d.%d" % (service_ip[0] // 200 + 1, service_ip[0] % 200 + 10)
    service_ip[0] += 1
    spec_ports = [dict({"port": port, "protocol": proto, "targetPort": target}, **({"name": pname} if pname else {})) for pname, port, target, proto in ports]
    annotations, managed = applied("Service", "v1", ns, name, {"ports": spec_ports, "selector": selector})
    items.append({"apiVersion": "v1", "kind": "Service",
        "metadata": meta("Service", ns, name, labels=labels or selector, annotations=annotations, managed=[managed]),
        "spec": {"clusterIP": cluster_ip, "clusterIPs": [cluster_ip], "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": spec_ports, "selector": selector, "sessionAffinity": "None", "type": "ClusterIP"},
        "status": {"loadBalancer": {}}})
    if endpoints:
        numbered = [{"name": pname, "port": target if isinstance(target, int) else port, "protocol": proto} for pname, port, target, proto in ports]
        items.append({"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("Endpoints", ns, name, labels=dict(selector, **{"endpoints.kubernetes.io/managed-by": "endpoint-controller"})),
                      "subsets": [{"addresses": [{"ip": ip} for ip in endpoints], "ports": numbered}]})
        items.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                      "metadata": meta("EndpointSlice", ns, f"{name}-{kube_suffix()}", labels={"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": name}, owner=ownerref("Service", "v1", ns, name), generateName=name + "-"),
                      "addressType": "IPv4", "endpoints": [{"addresses": [ip], "conditions": {"ready": True, "serving": True, "terminating": False}} for ip in endpoints], "ports": numbered})

def pod_ips(ns, label, value):
    return [i["status"]["podIP"] for i in items if i["kind"] == "Pod" and i["metadata"].get("namespace") == ns and i["metadata"]["labels"].get(label) == value and i["status"].get("phase") == "Running"]

def add_namespace(name, labels):
    items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": meta("Namespace", None, name, labels=dict({"kubernetes.io/metadata.name": name}, **labels),
                  managed=[mf("kubectl-create", "Update", "v1", {"f:metadata": {"f:labels": {".": {}, "f:kubernetes.io/metadata.name": {}}}})]),
                  "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})

def add_housekeeping(ns, accounts, configmaps, secrets):
    """kube-root-ca.crt and the default ServiceAccount, as every namespace has, and the namespace's own."""
    items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", ns, "kube-root-ca.crt", annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}),
                  "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIQ2F0YWxvZ3VlMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNV\n-----END CERTIFICATE-----\n"}})
    for account in ["default"] + accounts:
        items.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("ServiceAccount", ns, account, labels=None if account == "default" else {"app.kubernetes.io/name": account})})
    for name, data in configmaps:
        items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", ns, name, managed=[mf("helm", "Update", "v1", {"f:data": {}})]), "data": data})
    for name, kind, keys in secrets:
        # Values that look like real credentials and are unique to this fixture (tests look for them).
        data = {key: base64.b64encode(f"netpold-fixture-secret/{ns}/{name}/{key}/{kube_suffix(12)}".encode()).decode() for key in keys}
        items.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta("Secret", ns, name, labels={"owner": "helm"} if kind == "helm.sh/release.v1" else None), "type": kind, "data": data})

import base64
def ports(*spec):
    return [(n, p, proto) for n, p, proto in spec]

# kube-system: CoreDNS behind kube-dns (numbered targetPorts, two protocols).
coredns = [container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3", ports(("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")))]
add_rollout("kube-system", "coredns", {"k8s-app": "kube-dns"}, [(coredns, 2)], sa="coredns")
add_service("kube-system", "kube-dns", {"k8s-app": "kube-dns"}, [("dns", 53, 53, "UDP"), ("dns-tcp", 53, 53, "TCP"), ("metrics", 9153, 9153, "TCP")],
            labels={"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}, endpoints=pod_ips("kube-system", "k8s-app", "kube-dns"))
add_housekeeping("kube-system", ["coredns"], [("coredns", {"Corefile": ".:53 {\n    errors\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n}\n"})], [])

# checkout (a Namespace object with a team label): web -> cart (mid-rollout: the new pods serve
# `http` on 8081, the old one still on 8080) -> orders -> postgres, and a CronJob.
add_namespace("checkout", {"team": "checkout", "environment": "production"})
web = [container("web", "registry.example/checkout/web:5.2.0", ports(("http", 8080, "TCP")))]
add_rollout("checkout", "web", {"app": "web", "tier": "frontend"}, [(web, 3)], sa="web")
cart_v1 = [container("cart", "registry.example/checkout/cart:3.0.4", ports(("http", 8080, "TCP"), ("metrics", 9090, "TCP")))]
cart_v2 = [container("cart", "registry.example/checkout/cart:3.1.0", ports(("http", 8081, "TCP"), ("metrics", 9090, "TCP")))]
add_rollout("checkout", "cart", {"app": "cart", "tier": "backend"}, [(cart_v1, 1), (cart_v2, 2)], sa="cart")
orders = [container("orders", "registry.example/checkout/orders:1.14.2", ports(("grpc", 50051, "TCP"), ("metrics", 9090, "TCP")))]
add_rollout("checkout", "orders", {"app": "orders", "tier": "backend"}, [(orders, 0), (orders, 2)], sa="orders")
postgres = [container("postgres", "docker.io/library/postgres:16.4", ports(("pg", 5432, "TCP")))]
add_statefulset("checkout", "postgres", {"app": "postgres", "tier": "db"}, postgres, 2, "postgres-hl")
add_cronjob("checkout", "abandoned-carts", {"app": "abandoned-carts"}, [container("sweep", "registry.example/checkout/sweeper:0.3.1", [])], "*/30 * * * *",
            [("29012370", "Succeeded"), ("29012400", "Running")])
add_service("checkout", "web", {"app": "web"}, [("http", 80, 8080, "TCP")], endpoints=pod_ips("checkout", "app", "web"))
add_service("checkout", "cart", {"app": "cart"}, [("http", 80, "http", "TCP"), ("metrics", 9090, "metrics", "TCP")], endpoints=pod_ips("checkout", "app", "cart"))
add_service("checkout", "orders", {"app": "orders"}, [("grpc", 50051, "grpc", "TCP")], endpoints=pod_ips("checkout", "app", "orders"))
add_service("checkout", "postgres", {"app": "postgres"}, [("pg", 5432, "pg", "TCP")], endpoints=pod_ips("checkout", "app", "postgres"))
add_service("checkout", "postgres-hl", {"app": "postgres"}, [("pg", 5432, 5432, "TCP")], headless=True, endpoints=pod_ips("checkout", "app", "postgres"))
netpol("checkout", "default-deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]})
netpol("checkout", "web-from-anywhere", {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{"ports": [{"port": "http", "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
netpol("checkout", "cart-from-frontend", {"podSelector": {"matchLabels": {"app": "cart"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"tier": "frontend"}}}], "ports": [{"port": "http", "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
netpol("checkout", "orders-from-cart", {"podSelector": {"matchLabels": {"app": "orders"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "cart"}}}], "ports": [{"port": "grpc", "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
netpol("checkout", "postgres-from-backend", {"podSelector": {"matchLabels": {"tier": "db"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"tier": "backend"}}}, {"podSelector": {"matchLabels": {"app": "abandoned-carts"}}}], "ports": [{"port": 5432, "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
netpol("checkout", "allow-prometheus-scrape", {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"purpose": "monitoring"}}, "podSelector": {"matchLabels": {"app": "prometheus"}}}], "ports": [{"port": "metrics", "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
add_housekeeping("checkout", ["web", "cart", "orders"],
                 [("web-config", {"CART_URL": "http://cart.checkout.svc", "LOG_LEVEL": "info"}), ("cart-config", {"ORDERS_ADDR": "orders.checkout.svc:50051", "CATALOG_URL": "http://catalog-api.catalog.svc"})],
                 [("postgres-credentials", "Opaque", ["username", "password"]), ("cart-tls", "kubernetes.io/tls", ["tls.crt", "tls.key"]),
                  ("registry-pull", "kubernetes.io/dockerconfigjson", [".dockerconfigjson"]), ("sh.helm.release.v1.checkout.v7", "helm.sh/release.v1", ["release"])])

# catalog (no Namespace object: implied): default deny both ways, DNS allowed, search ->
# catalog-api -> elasticsearch; checkout's backends may call catalog-api, and so may namespaces
# labelled team=legacy (which the implied legacy namespace is not).
search = [container("search", "registry.example/catalog/search:2.0.1", ports(("http", 8080, "TCP")))]
add_rollout("catalog", "search", {"app": "search", "tier": "frontend"}, [(search, 0), (search, 2)], sa="search")
catalog_api = [container("catalog-api", "registry.example/catalog/api:4.7.0", ports(("http", 8080, "TCP"), ("metrics", 9090, "TCP")))]
add_rollout("catalog", "catalog-api", {"app": "catalog-api", "tier": "backend"}, [(catalog_api, 3)], sa="catalog-api")
elastic = [container("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:8.15.3", ports(("http", 9200, "TCP"), ("transport", 9300, "TCP")))]
add_statefulset("catalog", "elasticsearch", {"app": "elasticsearch", "tier": "db"}, elastic, 3, "elasticsearch-headless", sa="elasticsearch")
add_cronjob("catalog", "reindex", {"app": "reindex"}, [container("reindex", "registry.example/catalog/reindex:1.2.0", [])], "15 3 * * *", [("29011875", "Succeeded")])
add_service("catalog", "search", {"app": "search"}, [("http", 80, "http", "TCP")], endpoints=pod_ips("catalog", "app", "search"))
add_service("catalog", "catalog-api", {"app": "catalog-api"}, [("http", 80, "http", "TCP")], endpoints=pod_ips("catalog", "app", "catalog-api"))
add_service("catalog", "elasticsearch", {"app": "elasticsearch"}, [("http", 9200, "http", "TCP")], endpoints=pod_ips("catalog", "app", "elasticsearch"))
add_service("catalog", "elasticsearch-headless", {"app": "elasticsearch"}, [("http", 9200, 9200, "TCP"), ("transport", 9300, 9300, "TCP")], headless=True, endpoints=pod_ips("catalog", "app", "elasticsearch"))
netpol("catalog", "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
netpol("catalog", "allow-dns", {"podSelector": {}, "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}], "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}], "policyTypes": ["Egress"]})
netpol("catalog", "search-to-catalog-api", {"podSelector": {"matchLabels": {"app": "search"}}, "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "catalog-api"}}}], "ports": [{"port": "http", "protocol": "TCP"}]}], "policyTypes": ["Egress"]})
netpol("catalog", "catalog-api", {"podSelector": {"matchLabels": {"app": "catalog-api"}},
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "search"}}}, {"namespaceSelector": {"matchLabels": {"team": "checkout"}}, "podSelector": {"matchLabels": {"tier": "backend"}}}, {"namespaceSelector": {"matchLabels": {"team": "legacy"}}}], "ports": [{"port": "http", "protocol": "TCP"}]}],
    "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "elasticsearch"}}}], "ports": [{"port": 9200, "protocol": "TCP"}]}], "policyTypes": ["Ingress", "Egress"]})
netpol("catalog", "elasticsearch", {"podSelector": {"matchLabels": {"app": "elasticsearch"}},
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "catalog-api"}}}, {"podSelector": {"matchLabels": {"app": "reindex"}}}], "ports": [{"port": "http", "protocol": "TCP"}]},
                {"from": [{"podSelector": {"matchLabels": {"app": "elasticsearch"}}}], "ports": [{"port": "transport", "protocol": "TCP"}]}],
    "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "elasticsearch"}}}], "ports": [{"port": 9300, "protocol": "TCP"}]}], "policyTypes": ["Ingress", "Egress"]})
netpol("catalog", "reindex-to-elasticsearch", {"podSelector": {"matchLabels": {"app": "reindex"}}, "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "elasticsearch"}}}], "ports": [{"port": 9200, "protocol": "TCP"}]}], "policyTypes": ["Egress"]})
netpol("catalog", "allow-prometheus-scrape", {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}], "ports": [{"port": "metrics", "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
add_housekeeping("catalog", ["search", "catalog-api", "elasticsearch"],
                 [("search-config", {"CATALOG_API": "http://catalog-api.catalog.svc"}), ("elasticsearch-config", {"elasticsearch.yml": "cluster.name: catalog\nnetwork.host: 0.0.0.0\n"})],
                 [("elasticsearch-credentials", "Opaque", ["username", "password"]), ("sh.helm.release.v1.catalog.v12", "helm.sh/release.v1", ["release"])])

# monitoring (a Namespace object labelled purpose=monitoring): Prometheus, Grafana scaled to 0
# (a Deployment and its ReplicaSet without pods), node-exporter on every node.
add_namespace("monitoring", {"purpose": "monitoring"})
prometheus = [container("prometheus", "quay.io/prometheus/prometheus:v2.54.1", ports(("web", 9090, "TCP")))]
add_statefulset("monitoring", "prometheus", {"app": "prometheus"}, prometheus, 1, "prometheus-operated", sa="prometheus")
grafana = [container("grafana", "docker.io/grafana/grafana:11.2.2", ports(("http", 3000, "TCP")))]
add_rollout("monitoring", "grafana", {"app": "grafana"}, [(grafana, 0)], sa="grafana")
add_daemonset("monitoring", "node-exporter", {"app": "node-exporter"}, [container("node-exporter", "quay.io/prometheus/node-exporter:v1.8.2", ports(("metrics", 9100, "TCP")))], sa="node-exporter")
add_service("monitoring", "prometheus", {"app": "prometheus"}, [("web", 9090, "web", "TCP")], endpoints=pod_ips("monitoring", "app", "prometheus"))
add_service("monitoring", "grafana", {"app": "grafana"}, [("http", 80, "http", "TCP")])
add_service("monitoring", "node-exporter", {"app": "node-exporter"}, [("metrics", 9100, "metrics", "TCP")], endpoints=pod_ips("monitoring", "app", "node-exporter"))
netpol("monitoring", "prometheus-from-grafana", {"podSelector": {"matchLabels": {"app": "prometheus"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "grafana"}}}], "ports": [{"port": "web", "protocol": "TCP"}]}], "policyTypes": ["Ingress"]})
add_housekeeping("monitoring", ["prometheus", "grafana", "node-exporter"],
                 [("prometheus-config", {"prometheus.yml": "global:\n  scrape_interval: 30s\nscrape_configs:\n- job_name: kubernetes-pods\n  kubernetes_sd_configs:\n  - role: pod\n"}), ("grafana-dashboards", {"cluster.json": "{\"title\": \"Cluster\"}"})],
                 [("grafana-admin", "Opaque", ["admin-user", "admin-password"]), ("sh.helm.release.v1.monitoring.v3", "helm.sh/release.v1", ["release"])])

# legacy (implied): a ReplicationController from before Deployments, and its Service.
legacy = [container("legacy-web", "registry.example/legacy/web:0.9", ports(("http", 8080, "TCP")))]
add_replication_controller("legacy", "legacy-web", {"app": "legacy-web"}, legacy, 2)
add_service("legacy", "legacy-web", {"app": "legacy-web"}, [("http", 80, 8080, "TCP")], endpoints=pod_ips("legacy", "app", "legacy-web"))
add_housekeeping("legacy", [], [("legacy-web-env", {"JAVA_OPTS": "-Xmx512m"})], [("legacy-web-db", "Opaque", ["password"])])

# A few events that are not about a pod starting.
for ns, kind, name, reason, message, kind_type in [
        ("checkout", "Deployment", "cart", "ScalingReplicaSet", "Scaled up replica set cart to 2 from 1", "Normal"),
        ("checkout", "Pod", "postgres-1", "Unhealthy", "Readiness probe failed: pg_isready: no response", "Warning"),
        ("catalog", "CronJob", "reindex", "SawCompletedJob", "Saw completed job: reindex-29011875, status: Complete", "Normal"),
        ("monitoring", "Deployment", "grafana", "ScalingReplicaSet", "Scaled down replica set grafana to 0 from 1", "Normal")]:
    items.append({"apiVersion": "v1", "kind": "Event", "metadata": meta("Event", ns, f"{name}.{hashlib.sha1((ns + name + reason).encode()).hexdigest()[:16]}"), "count": rng.randint(1, 9),
                  "firstTimestamp": TS, "lastTimestamp": TS2, "involvedObject": {"apiVersion": "apps/v1" if kind == "Deployment" else ("batch/v1" if kind == "CronJob" else "v1"), "kind": kind, "name": name, "namespace": ns, "uid": uid(kind, ns, name)},
                  "message": message, "reason": reason, "reportingComponent": "", "reportingInstance": "", "source": {"component": "deployment-controller" if kind == "Deployment" else ("cronjob-controller" if kind == "CronJob" else "kubelet")}, "type": kind_type})

# kubectl prints each resource type in the order asked for, each sorted by namespace and name.
ORDER = ["Namespace", "Pod", "ReplicationController", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "HorizontalPodAutoscaler", "CronJob", "Job",
         "NetworkPolicy", "ConfigMap", "Secret", "ServiceAccount", "Endpoints", "EndpointSlice", "Event", "Ingress", "PodDisruptionBudget", "ControllerRevision",
         "Role", "RoleBinding", "ClusterRole", "Certificate", "CustomResourceDefinition", "Node"]
items.sort(key=lambda i: (ORDER.index(i["kind"]), i["metadata"].get("namespace", ""), i["metadata"]["name"]))

doc = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True
def str_repr(dumper, data):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)
Dumper.add_representer(str, str_repr)
# kubectl prints sequences inside mappings without indenting the dashes
out = yaml.dump(doc, Dumper=Dumper, sort_keys=True, default_flow_style=False, width=10000)
import re
# kubectl (go-yaml) quotes with double quotes
out = re.sub(r"'([^'\n\"\\]*)'", r'"\1"', out)
print("# kubectl get namespaces,all,networkpolicies,configmaps,secrets,serviceaccounts,endpoints,endpointslices,events,\n# ingresses,pdb,controllerrevisions,roles,rolebindings,clusterroles,certificates,crds,nodes -A -o yaml\n# (a synthetic cluster in the shape and fields of real kubectl output; written by make-kubectl-dump.py)")
print(out, end="")
import sys
from collections import Counter
print(len(items), Counter(i["kind"] for i in items), file=sys.stderr)
