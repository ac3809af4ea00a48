-- The panel's columns are stored packed (ids and units as runs of steps, year words in the bytes
-- their years use). The chunks stored before are dropped and every chunk is marked stale, so the
-- next reader builds them again in the new form.
DELETE FROM panel_chunk;
UPDATE panel_stale SET generation = generation + 1;
