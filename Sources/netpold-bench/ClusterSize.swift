import ArgumentParser

/// The size of the synthetic cluster, shared by every mode.
struct ClusterSize: ParsableArguments {
    @Option(help: "Namespaces.")
    var namespaces = 10

    @Option(help: "Pods per namespace.")
    var pods = 100

    @Option(help: "Policies (80 % Kubernetes, 20 % Calico).")
    var policies = 100

    var cluster: SyntheticCluster {
        SyntheticCluster(namespaces: namespaces, podsPerNamespace: pods, policies: policies)
    }
}
