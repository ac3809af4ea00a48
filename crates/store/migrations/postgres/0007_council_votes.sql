-- 0007 council votes (PostgreSQL): the council's sessions, their agenda (the nominees of dossiers
-- before the council), who was present, and the secret ballot. Who has voted on an item
-- (council_voted) and what was voted (council_ballot) are kept apart: no shared key, no time,
-- and ballots are keyed by a random value, so the application cannot match a ballot to a member.

CREATE TABLE council_session (
    id               BIGSERIAL PRIMARY KEY,
    council_id       BIGINT NOT NULL REFERENCES council(id),
    title            TEXT NOT NULL,
    meets_on         DATE NOT NULL,
    -- the member who presides and closes the vote
    chair_person_id  BIGINT NOT NULL REFERENCES person(id),
    status           TEXT NOT NULL,
    -- fixed when the session is closed
    members          INTEGER,
    present          INTEGER,
    quorum_ratio     DOUBLE PRECISION,
    vote_ratio       DOUBLE PRECISION,
    created_at       TEXT NOT NULL,
    closed_at        TEXT
);

CREATE TABLE council_attendance (
    session_id  BIGINT NOT NULL REFERENCES council_session(id),
    person_id   BIGINT NOT NULL REFERENCES person(id),
    PRIMARY KEY (session_id, person_id)
);

CREATE TABLE council_item (
    id          BIGSERIAL PRIMARY KEY,
    session_id  BIGINT NOT NULL REFERENCES council_session(id),
    dossier_id  BIGINT NOT NULL REFERENCES dossier(id),
    nominee_id  BIGINT NOT NULL REFERENCES dossier_nominee(id),
    position    INTEGER NOT NULL,
    -- counted when the session is closed
    yes         INTEGER,
    no          INTEGER,
    passed      BOOLEAN,
    UNIQUE (session_id, nominee_id)
);
CREATE INDEX council_item_dossier ON council_item(dossier_id);

CREATE TABLE council_voted (
    item_id    BIGINT NOT NULL REFERENCES council_item(id),
    person_id  BIGINT NOT NULL REFERENCES person(id),
    PRIMARY KEY (item_id, person_id)
);

CREATE TABLE council_ballot (
    id       TEXT PRIMARY KEY,
    item_id  BIGINT NOT NULL REFERENCES council_item(id),
    choice   TEXT NOT NULL
);
CREATE INDEX council_ballot_item ON council_ballot(item_id);
