-- 0006 dossiers (SQLite): nomination rounds, dossiers with their nominees and typed documents,
-- and what was sent at each submission. The timeline of a dossier is its audit entries
-- (object_type 'dossier'); files live outside the database, addressed by their SHA-256.

-- A round of nominations (đợt xét khen thưởng); the seed plans hold two a year.
CREATE TABLE dossier_round (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    name        TEXT NOT NULL,
    -- the last day units may send their dossiers
    submit_by   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (year, number)
);

CREATE TABLE dossier (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES unit(id),
    round_id      INTEGER NOT NULL REFERENCES dossier_round(id),
    kind          TEXT NOT NULL,
    simplified    INTEGER NOT NULL DEFAULT 0,
    title         TEXT NOT NULL,
    search_key    TEXT NOT NULL,
    status        TEXT NOT NULL,
    -- how many times it has been sent; the version being prepared is version + 1
    version       INTEGER NOT NULL DEFAULT 0,
    -- the last reason given by the office (return, refusal)
    note          TEXT NOT NULL DEFAULT '',
    submitted_at  TEXT,
    created_by    INTEGER REFERENCES app_user(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX dossier_queue ON dossier(status, round_id, submitted_at);
CREATE INDEX dossier_unit ON dossier(unit_id, created_at);

CREATE TABLE dossier_nominee (
    id            INTEGER PRIMARY KEY,
    dossier_id    INTEGER NOT NULL REFERENCES dossier(id),
    person_id     INTEGER REFERENCES person(id),
    unit_id       INTEGER REFERENCES unit(id),
    award_code    TEXT NOT NULL REFERENCES award_type(code),
    -- the (last) year of the achievement
    year          INTEGER NOT NULL,
    -- the engine's verdict when the nominee was added: eligible, not_eligible or unknown
    verdict       TEXT NOT NULL,
    verdict_json  TEXT NOT NULL,
    checked_at    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX dossier_nominee_dossier ON dossier_nominee(dossier_id);
CREATE INDEX dossier_nominee_person ON dossier_nominee(person_id, award_code, year) WHERE person_id IS NOT NULL;
CREATE INDEX dossier_nominee_unit ON dossier_nominee(unit_id, award_code, year) WHERE unit_id IS NOT NULL;

-- A document stays after it is removed (removed_in set), so that earlier versions keep their files.
CREATE TABLE dossier_document (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossier(id),
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    -- the version being prepared when it was attached, and when it was removed
    added_in     INTEGER NOT NULL,
    removed_in   INTEGER,
    uploaded_by  INTEGER REFERENCES app_user(id),
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX dossier_document_dossier ON dossier_document(dossier_id);

-- What the unit sent each time (nominees and documents as JSON).
CREATE TABLE dossier_version (
    dossier_id    INTEGER NOT NULL REFERENCES dossier(id),
    version       INTEGER NOT NULL,
    submitted_at  TEXT NOT NULL,
    content       TEXT NOT NULL,
    PRIMARY KEY (dossier_id, version)
);
