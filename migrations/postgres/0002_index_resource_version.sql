-- Lets "what changed since revision R" (incremental recompiles, watches) read only the newer rows.
CREATE INDEX objects_by_resource_version ON objects (resource_version);
