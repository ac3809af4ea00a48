-- 0009 award decisions (SQLite): the province's own decisions, drafted by the office from the
-- nominees the council passed and numbered when signed; the certificates they give.

-- Yearly number sequences: an issuer's decision numbers ('decision:<unit id>:<symbol>') and
-- each award's certificate serials ('certificate:<award code>').
CREATE TABLE number_sequence (
    scope  TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (scope, year)
);

CREATE TABLE award_decision (
    id                   INTEGER PRIMARY KEY,
    issuer_unit_id       INTEGER NOT NULL REFERENCES unit(id),
    award_code           TEXT NOT NULL REFERENCES award_type(code),
    round_id             INTEGER REFERENCES dossier_round(id),
    status               TEXT NOT NULL,
    symbol               TEXT NOT NULL,
    title                TEXT NOT NULL,
    achievement          TEXT NOT NULL,
    -- one legal basis, recipient or title line per line
    bases                TEXT NOT NULL,
    executors            TEXT NOT NULL,
    recipients           TEXT NOT NULL,
    signer_title         TEXT NOT NULL,
    -- reward multiples of the base salary, in thousandths; NULL until known
    person_multiple      INTEGER,
    collective_multiple  INTEGER,
    -- set when signed
    base_salary          INTEGER,
    year                 INTEGER,
    seq                  INTEGER,
    number               TEXT,
    signed_on            TEXT,
    signer_name          TEXT NOT NULL DEFAULT '',
    signed_by            INTEGER REFERENCES app_user(id),
    decision_id          INTEGER REFERENCES decision(id),
    version              INTEGER NOT NULL DEFAULT 1,
    created_by           INTEGER REFERENCES app_user(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (issuer_unit_id, symbol, year, seq)
);
CREATE INDEX award_decision_status ON award_decision(status, id);

-- A nominee is in at most one decision, draft or signed.
CREATE TABLE award_decision_item (
    id           INTEGER PRIMARY KEY,
    decision_id  INTEGER NOT NULL REFERENCES award_decision(id) ON DELETE CASCADE,
    nominee_id   INTEGER NOT NULL UNIQUE REFERENCES dossier_nominee(id),
    amount       INTEGER,
    award_id     INTEGER REFERENCES award(id)
);
CREATE INDEX award_decision_item_decision ON award_decision_item(decision_id);

CREATE TABLE certificate (
    id          INTEGER PRIMARY KEY,
    award_id    INTEGER NOT NULL UNIQUE REFERENCES award(id),
    -- the unguessable code of the public verification address
    code        TEXT NOT NULL UNIQUE,
    serial      TEXT NOT NULL UNIQUE,
    issued_on   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
