-- 0007 council votes (SQLite): the council's sessions, their agenda (the nominees of dossiers
-- before the council), who was present, and the secret ballot. Who has voted on an item
-- (council_voted) and what was voted (council_ballot) are kept apart: no shared key, no time,
-- and ballots are ordered by a random key, so the application cannot match a ballot to a member.

CREATE TABLE council_session (
    id               INTEGER PRIMARY KEY,
    council_id       INTEGER NOT NULL REFERENCES council(id),
    title            TEXT NOT NULL,
    meets_on         TEXT NOT NULL,
    -- the member who presides and closes the vote
    chair_person_id  INTEGER NOT NULL REFERENCES person(id),
    status           TEXT NOT NULL,
    -- fixed when the session is closed
    members          INTEGER,
    present          INTEGER,
    quorum_ratio     REAL,
    vote_ratio       REAL,
    created_at       TEXT NOT NULL,
    closed_at        TEXT
);

CREATE TABLE council_attendance (
    session_id  INTEGER NOT NULL REFERENCES council_session(id),
    person_id   INTEGER NOT NULL REFERENCES person(id),
    PRIMARY KEY (session_id, person_id)
);

CREATE TABLE council_item (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES council_session(id),
    dossier_id  INTEGER NOT NULL REFERENCES dossier(id),
    nominee_id  INTEGER NOT NULL REFERENCES dossier_nominee(id),
    position    INTEGER NOT NULL,
    -- counted when the session is closed
    yes         INTEGER,
    no          INTEGER,
    passed      INTEGER,
    UNIQUE (session_id, nominee_id)
);
CREATE INDEX council_item_dossier ON council_item(dossier_id);

CREATE TABLE council_voted (
    item_id    INTEGER NOT NULL REFERENCES council_item(id),
    person_id  INTEGER NOT NULL REFERENCES person(id),
    PRIMARY KEY (item_id, person_id)
);

CREATE TABLE council_ballot (
    id       TEXT PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES council_item(id),
    choice   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX council_ballot_item ON council_ballot(item_id);
