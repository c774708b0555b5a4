/// Reads a Calico `Tier` (`projectcalico.org/v3`) strictly. The built-in tiers (`default`,
/// `kube-admin`, `kube-baseline`) may be sent, as cluster dumps carry them, but only with the
/// settings Calico fixes for them; fields they leave out take those settings.
enum TierDecoder {
    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors, body: inout JSONValue) -> PolicyTier {
        root.rejectUnknown(["apiVersion", "kind", "metadata", "spec", "status"])
        // Status (the `Ready` condition Calico reports) is kept as given and not read.
        _ = root.object("status")
        let builtIn = PolicyTier.builtIn[key.name]
        var tier = PolicyTier(name: key.name, order: builtIn?.order, defaultAction: builtIn?.defaultAction ?? .deny)
        var specJSON = body["spec"] ?? .object([:])
        guard let spec = FieldReader(specJSON, at: "spec", errors: errors) else { return tier }
        spec.rejectUnknown(["order", "defaultAction"])
        if let order = spec.number("order") {
            if let fixed = builtIn?.order, order != fixed {
                errors.add(
                    .invalid(
                        spec.path("order"), "\(shown(order)): the \(key.name) tier's order is fixed at \(shown(fixed))"))
            }
            tier.order = order
        } else if let fixed = builtIn?.order {
            specJSON["order"] = .integer(Int64(fixed))
        }
        if let name = spec.string("defaultAction") {
            if let action = PolicyTier.DefaultAction(rawValue: name) {
                if let fixed = builtIn?.defaultAction, action != fixed {
                    errors.add(
                        .invalid(
                            spec.path("defaultAction"),
                            "\"\(name)\": the \(key.name) tier's default action is fixed at \(fixed.rawValue)"))
                }
                tier.defaultAction = action
            } else {
                errors.add(
                    .notSupported(spec.path("defaultAction"), name, supported: PolicyTier.DefaultAction.allCases.map(\.rawValue)))
            }
        } else {
            specJSON["defaultAction"] = .string(tier.defaultAction.rawValue)
        }
        body["spec"] = specJSON
        return tier
    }

    /// An order as people write it: `1000`, not `1000.0`.
    private static func shown(_ order: Double) -> String {
        order.rounded() == order && abs(order) < 1e15 ? String(Int64(order)) : String(order)
    }
}
