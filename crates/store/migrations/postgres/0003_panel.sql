-- The eligibility panel: individuals' registry records as columns of year words, in chunks of
-- 4096 person ids, so that a bulk eligibility run reads a few blobs instead of millions of rows.
-- It is derived data: any write to a person's records marks the person's chunk stale, and the
-- next reader rebuilds stale chunks from the registry tables.
CREATE TABLE panel_chunk (
    chunk  BIGINT NOT NULL,
    col    TEXT NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (chunk, col)
);
-- The words compress poorly: store them as they are.
ALTER TABLE panel_chunk ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX panel_chunk_col ON panel_chunk(col, chunk);

-- A chunk to rebuild; `generation` grows with every write, so that a rebuild that raced a write leaves
-- the chunk stale.
CREATE TABLE panel_stale (
    chunk  BIGINT PRIMARY KEY,
    generation    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO panel_stale (chunk, generation) SELECT DISTINCT id / 4096, 0 FROM person;

-- A person's award never has a unit and a unit's award never has a person: index each side
-- without the other's NULLs (half the index writes of a bulk import).
DROP INDEX award_person;
CREATE INDEX award_person ON award(person_id, year) WHERE person_id IS NOT NULL;
DROP INDEX award_unit;
CREATE INDEX award_unit ON award(unit_id, year) WHERE unit_id IS NOT NULL;
