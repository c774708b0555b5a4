import PolicyCore
import PolicyStore

extension StoredRecord {
    /// The answer to a dry run, as the Kubernetes API server gives it: the object as it would be
    /// stored, but with the resourceVersion it has now (none for an object that would be created),
    /// since the revision the dry run computed is never written.
    func asDryRun(existing: StoredRecord?) -> StoredRecord {
        var body = body
        if var metadata = body["metadata"]?.objectValue {
            metadata["resourceVersion"] = existing.map { .string(String($0.resourceVersion)) }
            body["metadata"] = .object(metadata)
        }
        return StoredRecord(
            key: key, uid: uid, resourceVersion: existing?.resourceVersion ?? 0, creationTimestamp: creationTimestamp, body: body)
    }
}
