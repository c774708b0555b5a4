-- PostgreSQL: the same store as migrations/*.sql for SQLite, plus the change log replicas follow.
-- Keys compare byte by byte (COLLATE "C"), as in SQLite, so lists page in the same order on both.

-- Every stored object, whole, keyed by kind, namespace ('' for cluster-scoped kinds) and name.
CREATE TABLE objects (
    kind             TEXT COLLATE "C" NOT NULL,
    namespace        TEXT COLLATE "C" NOT NULL DEFAULT '',
    name             TEXT COLLATE "C" NOT NULL,
    uid              TEXT   NOT NULL,
    resource_version BIGINT NOT NULL,
    created_at       TEXT   NOT NULL,
    body             TEXT   NOT NULL,
    PRIMARY KEY (kind, namespace, name)
);

CREATE INDEX objects_by_namespace ON objects (namespace);

-- The global revision: every write transaction locks this row first (SELECT ... FOR UPDATE), so
-- writers take turns across replicas, then bumps it; resource_version records the one that last
-- wrote a row. changes_from: the oldest revision whose writes the change log still holds whole.
CREATE TABLE revision (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    value        BIGINT  NOT NULL,
    changes_from BIGINT  NOT NULL
);

INSERT INTO revision (id, value, changes_from) VALUES (1, 0, 1);

-- Every put and delete of every committed write transaction, in order (seq within a revision):
-- body is the object as written (for a delete: as it was, stamped with the deleting revision),
-- previous the object before a modification that changed its labels. Pruned to the newest
-- 100,000 revisions (see ChangeLog.swift).
CREATE TABLE changes (
    revision  BIGINT  NOT NULL,
    seq       INTEGER NOT NULL,
    action    TEXT    NOT NULL CHECK (action IN ('added', 'modified', 'deleted')),
    kind      TEXT    NOT NULL,
    namespace TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    previous  TEXT,
    PRIMARY KEY (revision, seq)
);
