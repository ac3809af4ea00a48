-- A stale mark's generation never repeats: a chunk is stale while the generation written by
-- the last change is above the one its stored build was made from (`built`). Marks are no
-- longer deleted, so a slow rebuild cannot remove the mark of a change that came after it, nor
-- write an older build over a newer one.
ALTER TABLE panel_stale ADD COLUMN built BIGINT NOT NULL DEFAULT 0;
UPDATE panel_stale SET generation = generation + 1;
