-- 0002 registry (SQLite): the award catalogue, a province's parameter values, decisions, awards,
-- yearly ratings, initiatives and science works, discipline periods, and open matters (complaints,
-- inspections) that block awards. A record belongs to a person or to a unit, never both.

-- The catalogue as shipped (crates/rules/data/catalogue.toml), rewritten at every start.
CREATE TABLE award_type (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL,
    subjects      TEXT NOT NULL,
    level         TEXT NOT NULL,
    authority     TEXT NOT NULL,
    periodicity   TEXT NOT NULL,
    period_years  INTEGER NOT NULL,
    multiplier    REAL,
    article       TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    position      INTEGER NOT NULL
);
CREATE TABLE award_alias (
    alias  TEXT PRIMARY KEY,
    code   TEXT NOT NULL REFERENCES award_type(code)
);

-- The province's own parameter values (crates/rules/data/params.toml lists the keys).
CREATE TABLE param_override (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    value       REAL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (key, valid_from)
);

CREATE TABLE decision (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL,
    signed_on   TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    signer      TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER REFERENCES unit(id),
    created_at  TEXT NOT NULL,
    UNIQUE (number, signed_on, issuer)
);

CREATE TABLE award (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER REFERENCES person(id),
    unit_id         INTEGER REFERENCES unit(id),
    award_code      TEXT NOT NULL REFERENCES award_type(code),
    -- the (last) year of the achievement; period_from is its first year when it spans several
    year            INTEGER NOT NULL,
    period_from     INTEGER,
    kind            TEXT NOT NULL,
    decision_id     INTEGER REFERENCES decision(id),
    revoked_on      TEXT,
    revoked_reason  TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX award_person ON award(person_id, year);
CREATE INDEX award_unit ON award(unit_id, year);
CREATE INDEX award_code_year ON award(award_code, year);
-- One regular award of a kind per subject and year (law G1); ad-hoc and thematic awards may repeat.
CREATE UNIQUE INDEX award_once_person ON award(person_id, award_code, year)
    WHERE person_id IS NOT NULL AND kind = 'cong_trang' AND revoked_on IS NULL;
CREATE UNIQUE INDEX award_once_unit ON award(unit_id, award_code, year)
    WHERE unit_id IS NOT NULL AND kind = 'cong_trang' AND revoked_on IS NULL;

CREATE TABLE rating (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES person(id),
    unit_id    INTEGER REFERENCES unit(id),
    year       INTEGER NOT NULL,
    rating     TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (unit_id IS NULL)),
    UNIQUE (person_id, year),
    UNIQUE (unit_id, year)
);

CREATE TABLE initiative (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES person(id),
    title          TEXT NOT NULL,
    year           INTEGER NOT NULL,
    level          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    recognised_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX initiative_person ON initiative(person_id, year);

CREATE TABLE discipline (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES person(id),
    unit_id    INTEGER REFERENCES unit(id),
    form       TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,
    note       TEXT NOT NULL DEFAULT '',
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX discipline_person ON discipline(person_id);
CREATE INDEX discipline_unit ON discipline(unit_id);

-- Complaints, denunciations, inspections, investigations... while open they block awards (law G4).
CREATE TABLE pending_matter (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES person(id),
    unit_id    INTEGER REFERENCES unit(id),
    kind       TEXT NOT NULL,
    opened_on  TEXT NOT NULL,
    closed_on  TEXT,
    note       TEXT NOT NULL DEFAULT '',
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX pending_matter_person ON pending_matter(person_id);
CREATE INDEX pending_matter_unit ON pending_matter(unit_id);
