-- 0001 foundation (PostgreSQL): organisation, users and roles, sessions, audit log.
-- Same tables and columns as the SQLite migration of the same version.
-- search_key holds the folded text (no diacritics, đ -> d, lower case) for searching;
-- sort_key holds the Vietnamese sort key, compared as bytes (COLLATE "C").

CREATE TABLE unit (
    id           BIGSERIAL PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    parent_id    BIGINT REFERENCES unit(id),
    -- materialised path of ids, '/1/5/12/': a unit's subtree is path LIKE '/1/5/%'
    path         TEXT COLLATE "C" NOT NULL DEFAULT '',
    depth        INTEGER NOT NULL DEFAULT 0,
    active_from  DATE,
    active_to    DATE,
    search_key   TEXT NOT NULL,
    sort_key     TEXT COLLATE "C" NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX unit_parent ON unit(parent_id);
CREATE INDEX unit_path ON unit(path text_pattern_ops);
CREATE INDEX unit_sort ON unit(sort_key);

-- A unit that was merged, split, renamed or dissolved hands its history to its successor.
CREATE TABLE unit_lineage (
    id              BIGSERIAL PRIMARY KEY,
    predecessor_id  BIGINT NOT NULL REFERENCES unit(id),
    successor_id    BIGINT NOT NULL REFERENCES unit(id),
    kind            TEXT NOT NULL,
    occurred_on     DATE NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (predecessor_id, successor_id)
);
CREATE INDEX unit_lineage_successor ON unit_lineage(successor_id);

CREATE TABLE person (
    id            BIGSERIAL PRIMARY KEY,
    full_name     TEXT NOT NULL,
    gender        TEXT NOT NULL,
    birth_date    DATE,
    ethnicity     TEXT NOT NULL,
    unit_id       BIGINT NOT NULL REFERENCES unit(id),
    position      TEXT NOT NULL DEFAULT '',
    leadership    TEXT NOT NULL,
    recruited_on  DATE,
    search_key    TEXT NOT NULL,
    sort_key      TEXT COLLATE "C" NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX person_unit ON person(unit_id, sort_key);
-- Name order, carrying the folded name: broad searches walk it without reading rows.
CREATE INDEX person_sort ON person(sort_key) INCLUDE (search_key, id);

-- Word index of the folded names: one row per word of each name, ordered by word, then by
-- the Vietnamese name order, carrying the folded name. A search walks the range of its rarest
-- word (word prefix) in name order and checks the other words on the carried name, without
-- touching the person table.
CREATE TABLE person_word (
    word        TEXT COLLATE "C" NOT NULL,
    sort_key    TEXT COLLATE "C" NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    search_key  TEXT NOT NULL,
    PRIMARY KEY (word, sort_key, person_id) INCLUDE (search_key)
);
CREATE INDEX person_word_person ON person_word(person_id);

-- Pairs of words of the same name, in both orders ("nguyen huong" and "huong nguyen"), laid
-- out like person_word: a search of several words starts from its rarest pair, which two
-- common words (a family name and a given name) rarely share.
CREATE TABLE person_pair (
    pair        TEXT COLLATE "C" NOT NULL,
    sort_key    TEXT COLLATE "C" NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    search_key  TEXT NOT NULL,
    PRIMARY KEY (pair, sort_key, person_id) INCLUDE (search_key)
);
CREATE INDEX person_pair_person ON person_pair(person_id);

-- Clusters (cụm) and blocks (khối) of one year.
CREATE TABLE emulation_group (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX emulation_group_year ON emulation_group(year);

CREATE TABLE emulation_group_member (
    group_id  BIGINT NOT NULL REFERENCES emulation_group(id) ON DELETE CASCADE,
    unit_id   BIGINT NOT NULL REFERENCES unit(id),
    role      TEXT NOT NULL,
    PRIMARY KEY (group_id, unit_id)
);
CREATE INDEX emulation_group_member_unit ON emulation_group_member(unit_id);

-- The emulation and commendation council of one term.
CREATE TABLE council (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    term_start  INTEGER NOT NULL,
    term_end    INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE council_member (
    id          BIGSERIAL PRIMARY KEY,
    council_id  BIGINT NOT NULL REFERENCES council(id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL REFERENCES person(id),
    role        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    UNIQUE (council_id, person_id)
);

CREATE TABLE app_user (
    id                    BIGSERIAL PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    unit_id               BIGINT NOT NULL REFERENCES unit(id),
    person_id             BIGINT REFERENCES person(id),
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    created_at            TEXT NOT NULL,
    password_changed_at   TEXT NOT NULL
);

CREATE TABLE user_role (
    id       BIGSERIAL PRIMARY KEY,
    user_id  BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    unit_id  BIGINT NOT NULL REFERENCES unit(id),
    UNIQUE (user_id, role, unit_id)
);

-- Sessions live in the database so that several servers sharing one database accept them.
-- id is the SHA-256 of the cookie's token: a leaked table does not leak sessions.
CREATE TABLE session (
    id            TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);
CREATE INDEX session_by_user ON session(user_id);

-- Failed logins, for rate limiting across servers.
CREATE TABLE login_failure (
    id        BIGSERIAL PRIMARY KEY,
    username  TEXT NOT NULL,
    client    TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX login_failure_username ON login_failure(username, at);
CREATE INDEX login_failure_client ON login_failure(client, at);

-- Append-only, hash-chained audit log. seq is assigned by the writer holding audit_head.
CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     BIGINT,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT,
    unit_id      BIGINT,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

-- One row: the end of the chain. Every writing transaction updates it first, which
-- serialises writers and so keeps the chain linear.
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq   BIGINT NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Facts about this database (for example whether it was made by `tdkt demo`).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
