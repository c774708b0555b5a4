import MicroHTTP
public import PolicyCore
public import PolicyStore
import Synchronization

/// The service's state: the store, the snapshot the evaluator is built from, and the current compiled set.
///
/// Writes are serialised by `writer` (SQLite transaction, then snapshot update, then recompile, then publish),
/// so a write returns only after decisions can see it. Decisions read `compiled` under a short lock and
/// evaluate outside it.
public final class PolicyService: Sendable {
    public let repository: PolicyRepository
    /// The committed writes of the latest revisions, for watches.
    public let changeFeed: ChangeFeed
    let writer: Mutex<PolicySnapshot>
    /// The published set, boxed: handing it to a decision retains one object, not each of the
    /// set's two dozen dictionaries and arrays, whose shared reference counts every worker thread
    /// would otherwise bounce between the cores on every request.
    let compiled: Mutex<PublishedSet>
    /// The connectivity index of the latest compiled set a set answer asked about, and the
    /// changes published since, to update it from instead of building it again.
    let connectivityIndex = Mutex<ConnectivityIndex?>(nil)
    let indexLog = Mutex(IndexLog())

    /// The changes of each published revision, oldest first, while few enough to be worth replaying.
    struct IndexLog {
        var entries: [(revision: Int64, changes: [SnapshotChange])] = []
        var count = 0
        /// Revisions up to this one are not all in `entries`.
        var gapUntil: Int64 = 0

        mutating func append(_ revision: Int64, _ changes: [SnapshotChange]) {
            entries.append((revision, changes))
            count += changes.count
            if count > 10_000 {
                entries.removeAll()
                count = 0
                gapUntil = revision
            }
        }

        /// The changes after `revision` up to `last`; nil when some are missing.
        func changes(after revision: Int64, upTo last: Int64) -> [SnapshotChange]? {
            guard revision >= gapUntil else { return nil }
            return entries.filter { $0.revision > revision && $0.revision <= last }.flatMap(\.changes)
        }

        /// Forgets every change: nothing before `revision` can be replayed (after a reload).
        mutating func restart(at revision: Int64) {
            entries.removeAll()
            count = 0
            gapUntil = revision
        }

        mutating func drop(upTo revision: Int64) {
            entries.removeAll { $0.revision <= revision }
            count = entries.reduce(0) { $0 + $1.changes.count }
        }
    }
    /// The namespace matrix the latest namespace diff compared against.
    private let diffCells = Mutex<NamespaceCells?>(nil)

    /// `version`'s whole namespace matrix for a question's port and protocol, kept for the next diff.
    public func namespaceCells(_ version: ConnectivityVersion, _ query: ConnectivityQuery) -> NamespaceCells {
        diffCells.withLock { kept in
            if let kept, kept.answers(version, query) { return kept }
            let made = NamespaceCells(version, port: query.port, protocol: query.protocol, jobs: .cores)
            kept = made
            return made
        }
    }

    /// Every finding about the latest revision `GET /v1/lint` asked about.
    private let lintCache = Mutex<(revision: Int64, findings: [LintFinding])?>(nil)

    /// Every finding about the policies of `set` (with its index), kept until the next revision.
    public func lintFindings(_ set: CompiledPolicySet, _ index: ConnectivityIndex) throws -> [LintFinding] {
        if let kept = lintCache.withLock({ $0 }), kept.revision == set.revision { return kept.findings }
        let findings = try PolicyLinter(set, index: index).findings()
        lintCache.withLock { $0 = (set.revision, findings) }
        return findings
    }

    /// The kept findings of `revision`, if any.
    public func keptLintFindings(_ revision: Int64) -> [LintFinding]? {
        lintCache.withLock { kept in kept.flatMap { $0.revision == revision ? $0.findings : nil } }
    }

    /// The walks of the latest reachability answer, to start the next one from.
    private let reachabilityWalks = Mutex<WalkCache?>(nil)

    /// Walks to start a reachability answer from (nil at first).
    public var walks: WalkCache? {
        get { reachabilityWalks.withLock { $0 } }
        set { reachabilityWalks.withLock { $0 = newValue } }
    }
    private let stagedCache = Mutex<CompiledPolicySet?>(nil)
    /// The last published set with the writes its staged policies stand for: staged answers need
    /// both, and must not wait for a write in progress (which holds `writer`). Not the snapshot:
    /// a second reference to it would make the next write copy its dictionaries.
    let published: Mutex<(stagedChanges: [SnapshotChange], set: CompiledPolicySet)>

    /// The enforced set and, on the same revision, the set as if every staged policy were enforced
    /// (kept until the next write).
    public func enforcedAndStaged() -> (enforced: CompiledPolicySet, staged: CompiledPolicySet) {
        let (_, enforced, staged) = stagedVersion()
        return (enforced, staged)
    }

    /// The published set, its staged writes, and the staged set of the same revision.
    private func stagedVersion() -> (changes: [SnapshotChange], enforced: CompiledPolicySet, staged: CompiledPolicySet) {
        let (changes, set) = published.withLock { $0 }
        // Made under the cache's lock: concurrent staged questions after a write build it once.
        let staged = stagedCache.withLock { kept in
            if let kept, kept.revision == set.revision { return kept }
            let made = set.applyingStagedPolicies(changes)
            if (kept?.revision ?? -1) < made.revision { kept = made }
            return made
        }
        return (changes, set, staged)
    }

    private let stagedIndex = Mutex<ConnectivityIndex?>(nil)

    /// As ``connectivity()``, as if every staged policy were enforced (the same revision).
    public func stagedConnectivity() -> (set: CompiledPolicySet, index: ConnectivityIndex) {
        let (changes, enforced, staged) = stagedVersion()
        if changes.isEmpty { return (enforced, index(of: enforced)) }
        return stagedIndex.withLock { kept in
            if let kept, kept.revision == staged.revision { return (staged, kept) }
            let made = index(of: enforced).applying(changes, to: staged) ?? ConnectivityIndex(staged)
            if (kept?.revision ?? -1) < made.revision { kept = made }
            return (staged, made)
        }
    }

    let revisionWaiters = RevisionWaiters()
    /// The follower's view of the store (``standing``).
    let following: Mutex<FollowState>

    /// Waits until this replica has published `revision`, at most `timeout`; true when it has.
    public func awaitRevision(_ revision: Int64, timeout: Duration) -> Bool {
        revisionWaiters.wait(until: revision, timeout: timeout) { current.revision }
    }

    let compileStats = Mutex<(count: Int, lastSeconds: Double, totalSeconds: Double)>((1, 0, 0))

    /// Loads every stored object and compiles the evaluator.
    /// - Parameter watchHistory: the most events ``changeFeed`` holds.
    public init(repository: PolicyRepository, watchHistory: Int = 10_000) throws {
        self.repository = repository
        let snapshot = try Self.loadSnapshot(from: repository)
        changeFeed = ChangeFeed(capacity: watchHistory, revision: snapshot.revision)
        following = Mutex(FollowState(announced: snapshot.revision))
        writer = Mutex(snapshot)
        let set = CompiledPolicySet(snapshot, jobs: .cores)
        compiled = Mutex(PublishedSet(set))
        published = Mutex((snapshot.stagedChanges, set))
    }

    /// Every stored object, decoded, in one snapshot; a stored object that no longer validates
    /// stops the load.
    static func loadSnapshot(from repository: PolicyRepository) throws -> PolicySnapshot {
        let (revision, records) = try repository.loadAll()
        var models: [DecodedObject.Model] = []
        models.reserveCapacity(records.count)
        for record in records {
            do {
                models.append(try ObjectDecoder.decode(record.body).model)
            } catch {
                throw StoreError("stored object \(record.key) no longer validates: \(error)")
            }
        }
        return PolicySnapshot(revision: revision, models: models)
    }

    /// Counts a compile that took `elapsed` in ``compileStatistics``.
    func recordCompile(_ elapsed: Duration) {
        compileStats.withLock {
            $0.count += 1
            $0.lastSeconds = elapsed.seconds
            $0.totalSeconds += $0.lastSeconds
        }
    }

    /// The compiled set decisions are made on.
    public var current: CompiledPolicySet { compiled.withLock { $0 }.set }

    /// Runs `body` on the compiled set decisions are made on, without copying it.
    public func withCurrent<R>(_ body: (borrowing CompiledPolicySet) throws -> R) rethrows -> R {
        let published = compiled.withLock { $0 }
        return try body(published.set)
    }

    /// The compiled set and its connectivity index, both of one revision. The index is built on the
    /// first set answer after a write, under a lock, so concurrent first requests build it once.
    public func connectivity() -> (set: CompiledPolicySet, index: ConnectivityIndex) {
        let set = current
        return (set, index(of: set))
    }

    /// The connectivity index of a compiled set: the cached one, or one updated from it by the
    /// changes published since (a policy write), or else a new one. Only the current set's is kept.
    func index(of set: CompiledPolicySet) -> ConnectivityIndex {
        connectivityIndex.withLock { cached in
            if let cached, cached.revision == set.revision { return cached }
            var made: ConnectivityIndex?
            if let cached, cached.revision < set.revision,
                let changes = indexLog.withLock({ $0.changes(after: cached.revision, upTo: set.revision) })
            {
                made = cached.applying(changes, to: set)
            }
            let index = made ?? ConnectivityIndex(set)
            if set.revision >= current.revision {
                cached = index
                indexLog.withLock { $0.drop(upTo: set.revision) }
            }
            return index
        }
    }

    /// How many times the evaluator was built since start, and how long that took.
    public var compileStatistics: (count: Int, lastSeconds: Double, totalSeconds: Double) { compileStats.withLock { $0 } }

    /// One stored object.
    /// - Throws: ``ServiceError/notFound(_:)``.
    public func get(_ key: ObjectKey) throws -> StoredRecord {
        guard let record = try repository.get(key) else { throw ServiceError.notFound(key) }
        return record
    }

    typealias SnapshotChange = CompiledPolicySet.Change

    /// Runs a write transaction and, if it committed, publishes the new compiled set before returning.
    /// - Parameter inspect: for a dry run, given the snapshot and compiled set the transaction ran
    ///   against and the changes it would have made, under the writer's lock.
    private func commit<T: Sendable>(
        dryRun: Bool = false, inspect: ((PolicySnapshot, CompiledPolicySet, [SnapshotChange], Int64) -> Void)? = nil,
        _ body: (inout sending WriteTransaction, inout [SnapshotChange]) throws -> T
    ) throws -> (revision: Int64, result: T) {
        // Watches are woken after the writer's lock is released (a wake may wait for a stream).
        nonisolated(unsafe) var woken: [HTTPEventStream] = []
        defer { changeFeed.wake(woken) }
        return try writer.withLock { snapshot in
            var changes: [SnapshotChange] = []
            // Another replica may have written since this one last followed the store: its
            // writes come first, so this write is checked against the latest state and published
            // on top of it. Most are applied before the transaction, which holds the revision row
            // every replica's writes queue on; what committed in between, inside it.
            if repository.engine == .postgres { woken += try catchUp(&snapshot) }
            let (revision, (result, log)) = try repository.write(dryRun: dryRun) { transaction in
                if transaction.revision - 1 > snapshot.revision {
                    woken += try catchUp(&snapshot, in: &transaction)
                }
                if !dryRun { transaction.recordWrites(upTo: changeFeed.capacity) }
                let result = try body(&transaction, &changes)
                if let problem = snapshot.tierReferenceProblem(after: changes) { throw ServiceError.tierReference(problem) }
                return (result, transaction.log)
            }
            if dryRun { inspect?(snapshot, current, changes, revision) }
            if !dryRun, revision != snapshot.revision {
                for change in changes {
                    switch change {
                    case .upsert(let model): snapshot.upsert(model)
                    case .remove(let key): snapshot.remove(key)
                    }
                }
                snapshot.revision = revision
                publish(snapshot, changes: changes)
                woken += changeFeed.record(revision: revision, log)
            }
            return (revision, result)
        }
    }

    /// Builds the next compiled set from the current one and the committed changes, then swaps it in.
    func publish(_ snapshot: PolicySnapshot, changes: [SnapshotChange]) {
        let started = ContinuousClock.now
        let set = current.applying(changes, revision: snapshot.revision, snapshot: snapshot, jobs: .cores)
        let elapsed = ContinuousClock.now - started
        // Logged before the set is published, so whoever sees the set finds its changes.
        indexLog.withLock { $0.append(snapshot.revision, changes) }
        let stagedChanges = snapshot.stagedChanges
        published.withLock { $0 = (stagedChanges, set) }
        compiled.withLock { $0 = PublishedSet(set) }
        revisionWaiters.published(set.revision)
        recordCompile(elapsed)
    }

    private func requireNamespace(
        _ namespace: String, in transaction: inout WriteTransaction, alsoPending pending: Set<String> = []
    )
        throws
    {
        if pending.contains(namespace) { return }
        if try transaction.get(ObjectKey(kind: .namespace, namespace: "", name: namespace)) == nil {
            throw ServiceError.namespaceNotFound(namespace)
        }
    }

    /// Creates an object (with `dryRun`, checks everything and stores nothing: the answer is the
    /// object as it would be stored, without a resourceVersion).
    /// - Throws: ``ServiceError/alreadyExists(_:)``; ``ServiceError/notFound(_:)`` when its namespace is missing.
    public func create(_ object: DecodedObject, dryRun: Bool = false) throws -> StoredRecord {
        try commit(dryRun: dryRun) { transaction, changes in
            if object.key.kind.isNamespaced { try requireNamespace(object.key.namespace, in: &transaction) }
            if try transaction.get(object.key) != nil { throw ServiceError.alreadyExists(object.key) }
            changes.append(.upsert(object.model))
            let record = try transaction.put(object.key, body: object.body, existing: nil)
            return dryRun ? record.asDryRun(existing: nil) : record
        }.result
    }

    /// Creates or replaces an object.
    /// - Throws: ``ServiceError/conflict(_:)`` for a stale `expectedResourceVersion` (``ServiceError/notFound(_:)``
    ///   when the object is gone); ``ServiceError/notFound(_:)`` when its namespace is missing.
    ///   With `dryRun`, stores nothing (the answer keeps the stored resourceVersion).
    public func replace(_ object: DecodedObject, expectedResourceVersion: Int64?, dryRun: Bool = false) throws -> (
        record: StoredRecord, created: Bool
    ) {
        try commit(dryRun: dryRun) { transaction, changes in
            if object.key.kind.isNamespaced { try requireNamespace(object.key.namespace, in: &transaction) }
            let existing = try transaction.get(object.key)
            if let expectedResourceVersion, expectedResourceVersion != existing?.resourceVersion {
                throw existing == nil ? ServiceError.notFound(object.key) : ServiceError.conflict(object.key)
            }
            if let existing, DecodedObject.comparableBody(existing.body) == DecodedObject.comparableBody(object.body) {
                return (existing, false)
            }
            changes.append(.upsert(object.model))
            let record = try transaction.put(object.key, body: object.body, existing: existing)
            return (dryRun ? record.asDryRun(existing: existing) : record, existing == nil)
        }.result
    }

    /// What a delete removed: the object as it was and, for a namespace, how many objects of each
    /// kind went with it.
    public struct Deletion: Sendable {
        public let record: StoredRecord
        public let contents: [ResourceKind: Int]
        /// The store revision the delete committed.
        public let revision: Int64
    }

    /// Deletes an object (a namespace with everything in it); with `dryRun`, only checks that it could.
    /// - Parameter precondition: given the stored object inside the transaction; throws to refuse.
    /// - Throws: ``ServiceError/notFound(_:)``; what `precondition` throws.
    public func delete(
        _ key: ObjectKey, dryRun: Bool = false, precondition: ((StoredRecord) throws -> Void)? = nil
    ) throws -> Deletion {
        let (revision, (record, contents)) = try commit(dryRun: dryRun) { transaction, changes in
            guard let existing = try transaction.get(key) else { throw ServiceError.notFound(key) }
            try precondition?(existing)
            var contents: [ResourceKind: Int] = [:]
            if key.kind == .namespace {
                for inner in try transaction.keys(inNamespace: key.name) {
                    try transaction.delete(inner)
                    contents[inner.kind, default: 0] += 1
                }
            }
            try transaction.delete(key)
            changes.append(.remove(key))
            return (existing, contents)
        }
        return Deletion(record: record, contents: contents, revision: revision)
    }

    /// Applies a validated bundle in one transaction (with `dryRun`, checks it and rolls back;
    /// ``preview(_:mode:options:)`` also compiles what it would leave).
    /// - Throws: ``ServiceError/repeatedInBundle(_:position:first:)``; ``ServiceError/notFound(_:)`` for a
    ///   namespace neither stored nor in the bundle (unless `options` creates it); ``ServiceError/alreadyExists(_:)``
    ///   in `create` mode.
    public func importBundle(
        _ objects: [DecodedObject], mode: ImportMode, dryRun: Bool, options: ImportOptions = ImportOptions()
    ) throws -> (revision: Int64, outcomes: [ImportOutcome]) {
        try importBundle(objects, mode: mode, dryRun: dryRun, options: options, inspect: nil)
    }

    /// The store now and as a bundle would leave it, both compiled with their connectivity
    /// indexes, without storing anything: what a review of the bundle compares.
    /// - Throws: as ``importBundle(_:mode:dryRun:options:)`` does for the same bundle.
    /// - Parameter staged: compare with the store as the bundle would leave it and with every staged
    ///   policy enforced (with an empty bundle: what promoting the staged policies would change).
    public func preview(
        _ objects: [DecodedObject], mode: ImportMode, options: ImportOptions = ImportOptions(), staged: Bool = false
    ) throws -> (
        before: ConnectivityVersion, after: ConnectivityVersion, outcomes: [ImportOutcome]
    ) {
        nonisolated(unsafe) var seen: (PolicySnapshot, CompiledPolicySet, [SnapshotChange], Int64)?
        let (_, outcomes) = try importBundle(objects, mode: mode, dryRun: true, options: options) {
            seen = ($0, $1, $2, $3)
        }
        guard let (snapshot, before, changes, revision) = seen else {
            throw StoreError("the dry run of the bundle did not report what it would change")
        }
        var next = snapshot
        for change in changes {
            switch change {
            case .upsert(let model): next.upsert(model)
            case .remove(let key): next.remove(key)
            }
        }
        // Numbered as the next revision would be, so the two sets are never taken for one.
        next.revision = revision + (changes.isEmpty ? 0 : 1)
        var after = before.applying(changes, revision: next.revision, snapshot: next, jobs: .cores)
        var applied = changes
        if staged {
            after = after.applyingStagedPolicies(next.stagedChanges)
            applied += next.stagedChanges
        }
        let beforeIndex = index(of: before)
        let afterIndex = beforeIndex.applying(applied, to: after) ?? ConnectivityIndex(after)
        return (
            ConnectivityVersion(set: before, index: beforeIndex), ConnectivityVersion(set: after, index: afterIndex), outcomes
        )
    }

    private func importBundle(
        _ objects: [DecodedObject], mode: ImportMode, dryRun: Bool, options: ImportOptions,
        inspect: ((PolicySnapshot, CompiledPolicySet, [SnapshotChange], Int64) -> Void)?
    ) throws -> (revision: Int64, outcomes: [ImportOutcome]) {
        func location(_ position: Int) -> String {
            options.locations.indices.contains(position) ? options.locations[position].description : "document \(position)"
        }
        var seen: [ObjectKey: Int] = [:]
        for (position, object) in objects.enumerated() {
            if let first = seen[object.key] {
                throw ServiceError.repeatedInBundle(object.key, position: location(position), first: location(first))
            }
            seen[object.key] = position
        }
        // Namespaces first, then what lives in them; the stable sort keeps document order otherwise.
        let ordered = objects.enumerated().sorted {
            ($0.element.key.kind.applyRank, $0.offset) < ($1.element.key.kind.applyRank, $1.offset)
        }
        .map(\.element)
        let namespaceCount = ordered.prefix { $0.key.kind == .namespace }.count
        let bundleNamespaces = Set(ordered[..<namespaceCount].map(\.key.name))
        // The namespaces objects name that the bundle does not hold, in document order.
        var named: [String] = []
        var namedSet: Set<String> = []
        for object in objects where object.key.kind.isNamespaced && !bundleNamespaces.contains(object.key.namespace) {
            if namedSet.insert(object.key.namespace).inserted { named.append(object.key.namespace) }
        }
        let (revision, outcomes) = try commit(dryRun: dryRun, inspect: inspect) { transaction, changes in
            // Every object and namespace the import reads, in a few round trips (PostgreSQL).
            try transaction.prefetch(
                ordered.map(\.key) + named.map { ObjectKey(kind: .namespace, namespace: "", name: $0) })
            var outcomes: [ImportOutcome] = []
            // Implied namespaces, which `replace` keeps; of them, those stored already (reported unchanged).
            var kept: Set<ObjectKey> = []
            var keptStored: [ObjectKey] = []
            var implied: [DecodedObject] = []
            for namespace in named {
                let key = ObjectKey(kind: .namespace, namespace: "", name: namespace)
                let stored = try transaction.get(key) != nil
                // `replace` deletes what the bundle does not hold: a stored namespace survives only as implied.
                if !options.createImpliedNamespaces, !stored || mode == .replace {
                    throw ServiceError.namespaceNotFound(namespace)
                }
                kept.insert(key)
                if !stored {
                    implied.append(try Self.impliedNamespace(namespace))
                } else if mode == .replace {
                    keptStored.append(key)
                }
            }
            func apply(_ object: DecodedObject, implied: Bool = false) throws {
                let existing = try transaction.get(object.key)
                if mode == .create, existing != nil { throw ServiceError.alreadyExists(object.key) }
                if let existing, DecodedObject.comparableBody(existing.body) == DecodedObject.comparableBody(object.body) {
                    outcomes.append(
                        ImportOutcome(
                            key: object.key.described, action: .unchanged, convertedFrom: object.convertedFrom, implied: implied))
                    return
                }
                try transaction.put(object.key, body: object.body, existing: existing)
                changes.append(.upsert(object.model))
                outcomes.append(
                    ImportOutcome(
                        key: object.key.described, action: existing == nil ? .created : .updated,
                        convertedFrom: object.convertedFrom, implied: implied))
            }
            for object in ordered[..<namespaceCount] { try apply(object) }
            for object in implied { try apply(object, implied: true) }
            for key in keptStored { outcomes.append(ImportOutcome(key: key.described, action: .unchanged, implied: true)) }
            for object in ordered[namespaceCount...] { try apply(object) }
            if mode == .replace {
                // Delete what the bundle does not name; namespaces last, their contents first.
                for key in try transaction.allKeys().sorted(by: >) where seen[key] == nil && !kept.contains(key) {
                    try transaction.delete(key)
                    changes.append(.remove(key))
                    outcomes.append(ImportOutcome(key: key.described, action: .deleted))
                }
            }
            return outcomes
        }
        return (revision, outcomes)
    }

    /// A namespace as Kubernetes would create it from its name alone: labelled `kubernetes.io/metadata.name`.
    static func impliedNamespace(_ name: String) throws -> DecodedObject {
        try ObjectDecoder.decode(
            .object(["apiVersion": "v1", "kind": "Namespace", "metadata": .object(["name": .string(name)])]))
    }
}

extension ObjectKey {
    var described: ObjectKeyDescription {
        ObjectKeyDescription(
            kind: kind.kind, apiVersion: kind.apiVersion, namespace: namespace, name: name, displayKind: kind.displayName)
    }
}

/// A compiled set as published (see ``PolicyService/compiled``).
final class PublishedSet: Sendable {
    let set: CompiledPolicySet
    init(_ set: CompiledPolicySet) { self.set = set }
}
