import ArgumentParser

/// The size of the synthetic cluster, shared by every mode.
struct ClusterSize: ParsableArguments {
    @Option(help: "Namespaces.")
    var namespaces = 10

    @Option(help: "Pods per namespace.")
    var pods = 100

    @Option(help: "Policies (Kubernetes NetworkPolicies, and Calico policies as --calico-percent says).")
    var policies = 100

    @Option(help: "Percent of the policies that are Calico policies (0: a Kubernetes-only cluster).")
    var calicoPercent = 20

    @Option(help: "Admin policies (ClusterNetworkPolicies, two thirds in the Admin tier, the rest Baseline), besides --policies.")
    var adminPolicies = 0

    @Option(help: "Calico tiers (Tier objects); the Calico policies are spread over them and the default tier.")
    var calicoTiers = 0

    func validate() throws {
        guard (0...100).contains(calicoPercent) else { throw ValidationError("--calico-percent must be 0 to 100") }
        guard adminPolicies >= 0, calicoTiers >= 0 else {
            throw ValidationError("--admin-policies and --calico-tiers must not be negative")
        }
    }

    var cluster: SyntheticCluster {
        SyntheticCluster(
            namespaces: namespaces, podsPerNamespace: pods, policies: policies, calicoPercent: calicoPercent,
            adminPolicies: adminPolicies, calicoTiers: calicoTiers)
    }
}
