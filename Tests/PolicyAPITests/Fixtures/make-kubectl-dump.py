#!/usr/bin/env python3
"""Writes kubectl-get-all.yaml: a synthetic cluster in the exact shape of `kubectl get ... -A -o yaml`
(a List with managedFields, ownerReferences, status, workloads, Services, Secrets, RBAC, a custom
resource). Usage: python3 make-kubectl-dump.py > kubectl-get-all.yaml (needs PyYAML)."""
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
nodes = [("node-a", "10.240.0.4", "192.168.0.0/24"), ("node-b", "10.240.0.5", "192.168.1.0/24")]

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
print("# kubectl get all,networkpolicies,configmaps,secrets,serviceaccounts,endpoints,endpointslices,events,\n# ingresses,hpa,pdb,roles,rolebindings,clusterroles,certificates,crds,nodes -A -o yaml\n# (a synthetic cluster in the shape and fields of real kubectl output; written by make-kubectl-dump.py)")
print(out, end="")
import sys
from collections import Counter
print(len(items), Counter(i["kind"] for i in items), file=sys.stderr)
