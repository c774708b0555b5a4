#!/usr/bin/env python3
"""The official Kubernetes Python client (`kubernetes` on PyPI) against a live netpold server.

Usage: scripts/python-client-check.py URL   (NETPOLD_TOKEN, when set, is sent as a bearer token)

Lists, creates, patches and deletes Pods and NetworkPolicies, follows a watch stream of Pods
while one is created, and drives a Calico GlobalNetworkPolicy through the custom-objects API:
what a script or controller built on the client does. A client library that works is the proof
that the API conventions are right. Prints one line per check; exits 1 on the first failure.
"""
import os
import sys
import threading
import time

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

NAMESPACE = "pyclient"


def check(what, condition, detail=""):
    if not condition:
        print(f"FAIL {what} {detail}")
        sys.exit(1)
    print(f"ok   {what}")


def pod(name, labels, ip):
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels},
        "spec": {"containers": [{"name": "main", "image": "nginx",
                                 "ports": [{"name": "http", "containerPort": 8080}]}]},
        "status": {"podIP": ip},
    }


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    configuration = client.Configuration()
    configuration.host = sys.argv[1].rstrip("/")
    token = os.environ.get("NETPOLD_TOKEN")
    if token:
        configuration.api_key = {"authorization": "Bearer " + token}
    api = client.ApiClient(configuration)
    core = client.CoreV1Api(api)
    networking = client.NetworkingV1Api(api)
    custom = client.CustomObjectsApi(api)

    core.create_namespace({"apiVersion": "v1", "kind": "Namespace",
                           "metadata": {"name": NAMESPACE, "labels": {"team": "py"}}})
    names = [item.metadata.name for item in core.list_namespace().items]
    check("create and list namespaces", NAMESPACE in names, names)

    core.create_namespaced_pod(NAMESPACE, pod("web", {"app": "web"}, "10.77.0.1"))
    core.create_namespaced_pod(NAMESPACE, pod("db", {"app": "db"}, "10.77.0.2"))
    listed = core.list_namespaced_pod(NAMESPACE, label_selector="app=web")
    check("list pods with a label selector", [item.metadata.name for item in listed.items] == ["web"],
          [item.metadata.name for item in listed.items])

    patched = core.patch_namespaced_pod("web", NAMESPACE, {"metadata": {"labels": {"tier": "front"}}})
    check("patch a pod's labels", patched.metadata.labels == {"app": "web", "tier": "front"}, patched.metadata.labels)
    read = core.read_namespaced_pod("web", NAMESPACE)
    check("read the patched pod", read.metadata.labels.get("tier") == "front"
          and read.status.pod_ip == "10.77.0.1", read.metadata.labels)

    # A watch from the list's resourceVersion sees a pod created while it runs.
    version = core.list_namespaced_pod(NAMESPACE).metadata.resource_version
    seen = []
    stream = watch.Watch()

    def follow():
        for event in stream.stream(core.list_namespaced_pod, NAMESPACE, resource_version=version, timeout_seconds=20):
            seen.append((event["type"], event["object"].metadata.name))
            if event["object"].metadata.name == "cache":
                stream.stop()

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    time.sleep(1)
    core.create_namespaced_pod(NAMESPACE, pod("cache", {"app": "cache"}, "10.77.0.3"))
    follower.join(timeout=20)
    check("a watch stream sees a pod created during the watch", ("ADDED", "cache") in seen, seen)

    policy = {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "db-from-web", "namespace": NAMESPACE},
        "spec": {"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
                 "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                              "ports": [{"port": 5432}]}]},
    }
    # A watch of NetworkPolicies, from now on, sees the policy created next.
    policy_version = networking.list_namespaced_network_policy(NAMESPACE).metadata.resource_version
    policy_events = []
    policy_stream = watch.Watch()

    def follow_policies():
        for event in policy_stream.stream(networking.list_namespaced_network_policy, NAMESPACE,
                                          resource_version=policy_version, timeout_seconds=20):
            policy_events.append((event["type"], event["object"].metadata.name))
            policy_stream.stop()

    policy_follower = threading.Thread(target=follow_policies, daemon=True)
    policy_follower.start()
    time.sleep(1)
    networking.create_namespaced_network_policy(NAMESPACE, policy)
    policy_follower.join(timeout=20)
    check("a watch of NetworkPolicies sees one created", policy_events == [("ADDED", "db-from-web")], policy_events)
    policies = networking.list_namespaced_network_policy(NAMESPACE).items
    check("create and list NetworkPolicies", [item.metadata.name for item in policies] == ["db-from-web"])
    networking.patch_namespaced_network_policy(
        "db-from-web", NAMESPACE, {"spec": {"ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "cache"}}}]}]}})
    read = networking.read_namespaced_network_policy("db-from-web", NAMESPACE)
    selector = read.spec.ingress[0]._from[0].pod_selector.match_labels
    check("patch a NetworkPolicy", selector == {"app": "cache"}, selector)

    gnp = {
        "apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy",
        "metadata": {"name": "py-deny-db"},
        "spec": {"order": 10, "selector": "app == 'db'", "ingress": [{"action": "Deny"}]},
    }
    custom.create_cluster_custom_object("projectcalico.org", "v3", "globalnetworkpolicies", gnp)
    got = custom.get_cluster_custom_object("projectcalico.org", "v3", "globalnetworkpolicies", "py-deny-db")
    check("custom objects: create and read a GlobalNetworkPolicy", got["spec"]["order"] == 10, got.get("spec"))
    custom.patch_cluster_custom_object("projectcalico.org", "v3", "globalnetworkpolicies", "py-deny-db",
                                       {"spec": {"order": 20}})
    listed = custom.list_cluster_custom_object("projectcalico.org", "v3", "globalnetworkpolicies")
    orders = {item["metadata"]["name"]: item["spec"].get("order") for item in listed["items"]}
    check("custom objects: patch and list", orders.get("py-deny-db") == 20, orders)
    custom.delete_cluster_custom_object("projectcalico.org", "v3", "globalnetworkpolicies", "py-deny-db")

    # The typed APIs refuse unknown fields before sending; the custom-objects API sends them as given.
    try:
        custom.create_cluster_custom_object(
            "projectcalico.org", "v3", "globalnetworkpolicies",
            {"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy", "metadata": {"name": "typo"},
             "spec": {"selectr": "all()"}})
        check("an unknown field is refused", False, "created")
    except ApiException as error:
        check("an unknown field is refused naming it", error.status in (400, 422) and "selectr" in (error.body or ""),
              f"{error.status} {error.body}")

    networking.delete_namespaced_network_policy("db-from-web", NAMESPACE)
    core.delete_namespaced_pod("web", NAMESPACE)
    try:
        core.read_namespaced_pod("web", NAMESPACE)
        check("a deleted pod is gone", False, "still there")
    except ApiException as error:
        check("a deleted pod is gone (404)", error.status == 404, error.status)
    core.delete_namespace(NAMESPACE)
    print("python client: all checks passed")


if __name__ == "__main__":
    main()
