-- 0008 posting (PostgreSQL): the day a dossier's nominees were posted publicly, and the public
-- holidays the province enters each year (those with a fixed date ship with the rules).

ALTER TABLE dossier ADD COLUMN posted_on DATE;

CREATE TABLE holiday (
    day         DATE PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
