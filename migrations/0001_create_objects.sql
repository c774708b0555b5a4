-- Every stored object, whole, keyed by kind, namespace ('' for cluster-scoped kinds) and name.
CREATE TABLE objects (
    kind             TEXT    NOT NULL,
    namespace        TEXT    NOT NULL DEFAULT '',
    name             TEXT    NOT NULL,
    uid              TEXT    NOT NULL,
    resource_version INTEGER NOT NULL,
    created_at       TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    PRIMARY KEY (kind, namespace, name)
) WITHOUT ROWID;

CREATE INDEX objects_by_namespace ON objects (namespace);

-- The global revision: every write transaction bumps it, and resource_version records the one that last wrote a row.
CREATE TABLE revision (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);

INSERT INTO revision (id, value) VALUES (1, 0);
