import PolicyCore

/// One write as the change log recorded it: what ``WriteTransaction`` put in ``WriteLog`` when
/// recording, and the revision that made it.
public struct LoggedWrite: Sendable {
    public let revision: Int64
    public let write: ObjectWrite

    public init(revision: Int64, write: ObjectWrite) {
        self.revision = revision
        self.write = write
    }
}

/// The writes after some revision, oldest first, and the revision they lead to: read at one
/// moment, so applying `writes` to the state at the asked revision gives the state at `revision`.
public struct ChangeBatch: Sendable {
    /// The store's revision when read.
    public let revision: Int64
    /// Every write after the asked revision up to `revision`, in revision order, each revision's
    /// in the order they were made.
    public let writes: [LoggedWrite]

    public init(revision: Int64, writes: [LoggedWrite]) {
        self.revision = revision
        self.writes = writes
    }
}

/// The `changes` table (PostgreSQL): every put and delete of every committed write transaction,
/// the same data as an ``ObjectWrite``, so a replica can follow what others write.
///
/// Retention: every ``PolicyRepository/write(dryRun:_:)`` whose revision is a multiple of the
/// prune interval (1,000) deletes the rows of revisions more than the retention (100,000) older,
/// and moves `revision.changes_from`, the oldest revision the log holds whole, past them. So the
/// log always reaches back at least 100,000 revisions; a reader further behind gets nil from
/// ``PolicyRepository/changes(after:)`` and reloads everything.
enum ChangeLog {
    static let defaultRetention: Int64 = 100_000
    static let defaultPruneInterval: Int64 = 1_000
    /// How many rows a write transaction inserts at once (a 10,000-object import: 100 round trips
    /// for its change log rather than 10,000).
    static let batchRows = 100
    /// The values of one row, as ``insertSQL(rows:)`` takes them.
    static let columns = 8

    /// An INSERT of `rows` change-log rows.
    static func insertSQL(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return "INSERT INTO changes (revision, seq, action, kind, namespace, name, body, previous) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The logged writes after `revision` up to the current revision, or nil when the log does not
    /// reach back that far (or `revision` is ahead of the store). Call in one snapshot, or inside
    /// a write transaction (whose own writes it leaves out).
    /// - Parameter current: the current revision, when the caller knows it (a write transaction).
    static func read(_ database: borrowing Database, after revision: Int64, current: Int64? = nil) throws -> ChangeBatch? {
        guard database.engine == .postgres else {
            // One process owns a SQLite file: nobody else writes, so nothing to catch up on.
            let current = try current ?? PolicyRepository.readRevision(database)
            return revision == current ? ChangeBatch(revision: current, writes: []) : nil
        }
        var bounds: (revision: Int64, changesFrom: Int64) = (0, 1)
        try database.query(.readLogBounds) { bounds = ($0.integer(0), $0.integer(1)) }
        let current = current ?? bounds.revision
        if revision == current { return ChangeBatch(revision: current, writes: []) }
        guard revision < current, revision + 1 >= bounds.changesFrom else { return nil }
        var writes: [LoggedWrite] = []
        try database.query(.readChanges, [.integer(revision), .integer(current)]) { row in
            guard let kind = ResourceKind(storageName: row.text(2)),
                let action = ObjectWrite.Action(storageName: row.text(1))
            else { throw StoreError("unknown kind \(row.text(2)) or action \(row.text(1)) in the change log") }
            let json = row.bytes(5)
            let previous = row.isNull(6) ? nil : row.bytes(6)
            let write = ObjectWrite(
                action: action, key: ObjectKey(kind: kind, namespace: row.text(3), name: row.text(4)),
                labels: StoredJSON.labels(json), json: json,
                previous: previous.map { ObjectWrite.Previous(labels: StoredJSON.labels($0), json: $0) })
            writes.append(LoggedWrite(revision: row.integer(0), write: write))
        }
        return ChangeBatch(revision: current, writes: writes)
    }

    /// Deletes what is older than `retention` revisions before `revision`, when `revision` is a
    /// multiple of `interval`. Runs in the write transaction that makes `revision`.
    static func prune(_ database: borrowing Database, revision: Int64, retention: Int64, interval: Int64) throws {
        guard revision % interval == 0, revision > retention else { return }
        let oldestKept = revision - retention + 1
        try database.query("DELETE FROM changes WHERE revision < ?", [.integer(oldestKept)])
        try database.query(
            "UPDATE revision SET changes_from = ? WHERE id = 1 AND changes_from < ?",
            [.integer(oldestKept), .integer(oldestKept)])
    }
}

extension ObjectWrite.Action {
    /// The `changes.action` column.
    var storageName: String {
        switch self {
        case .added: "added"
        case .modified: "modified"
        case .deleted: "deleted"
        }
    }

    init?(storageName: String) {
        switch storageName {
        case "added": self = .added
        case "modified": self = .modified
        case "deleted": self = .deleted
        default: return nil
        }
    }
}

/// The connection that LISTENs for commits (PostgreSQL), apart from the one reads and writes use,
/// so that waiting never holds their lock.
struct RevisionListener: ~Copyable {
    /// The channel every committing write transaction notifies, with its revision as the payload.
    static let channel = "netpold_revision"

    let url: String
    private var connection: PostgresConnection?

    init(url: String) { self.url = url }

    /// Waits for a notification; see ``PolicyRepository/waitForNotification(timeout:)``.
    mutating func wait(timeout: Duration) throws -> Int64? {
        let deadline = ContinuousClock.now + timeout
        if !(connection?.isHealthy ?? false) {
            connection = nil
            let fresh = try PostgresConnection(url: url)
            try fresh.execute("LISTEN \(Self.channel)")
            // Whatever committed while nobody listened was not notified: report where the store is.
            var revision: Int64 = 0
            try fresh.query(CachedStatement.readRevision.sql) { revision = $0.integer(0) }
            connection = consume fresh
            return revision
        }
        let payloads = try connection?.notifications(until: deadline) ?? []
        return payloads.compactMap { Int64($0) }.max()
    }

    mutating func close() { connection = nil }
}
