-- 0013 emulation (SQLite): movements launched to units, the units' registrations of the titles
-- they aim for, each block's covenant and its members' signatures, the blocks' score sheets
-- with the units' scores at each stage, and the vote that acclaims the leading units.

-- A movement (phong trào thi đua), regular or thematic.
CREATE TABLE movement (
    id             INTEGER PRIMARY KEY,
    -- the launching unit
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    -- regular | thematic
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    year           INTEGER NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    -- units register by this day (no registration when empty)
    register_by    TEXT,
    criteria       TEXT NOT NULL DEFAULT '',
    -- anniversaries the movement greets, one per line
    anniversaries  TEXT NOT NULL DEFAULT '',
    -- the block it is launched to; every unit below the launcher when empty
    group_id       INTEGER REFERENCES emulation_group(id),
    plan_id        INTEGER REFERENCES plan(id),
    -- draft | launched | closed
    status         TEXT NOT NULL,
    launched_at    TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX movement_year ON movement(year);

-- A mid-term or final review of a movement, with its report.
CREATE TABLE movement_review (
    id           INTEGER PRIMARY KEY,
    movement_id  INTEGER NOT NULL REFERENCES movement(id),
    -- mid_term | final
    kind         TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    summary      TEXT NOT NULL,
    file_name    TEXT NOT NULL DEFAULT '',
    media_type   TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    sha256       TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES app_user(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX movement_review_movement ON movement_review(movement_id);

-- A unit's registration for a movement: the titles it aims for and its targets.
CREATE TABLE registration (
    id             INTEGER PRIMARY KEY,
    movement_id    INTEGER NOT NULL REFERENCES movement(id),
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    -- draft | submitted | consolidated | accepted | returned
    status         TEXT NOT NULL,
    targets        TEXT NOT NULL DEFAULT '',
    return_reason  TEXT NOT NULL DEFAULT '',
    submitted_at   TEXT,
    updated_at     TEXT NOT NULL,
    UNIQUE (movement_id, unit_id)
);

-- One title aimed for: by the collective (person_id empty) or one person.
CREATE TABLE registration_item (
    id               INTEGER PRIMARY KEY,
    registration_id  INTEGER NOT NULL REFERENCES registration(id) ON DELETE CASCADE,
    person_id        INTEGER REFERENCES person(id),
    award_code       TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX registration_item_registration ON registration_item(registration_id);
CREATE UNIQUE INDEX registration_item_person ON registration_item(registration_id, person_id, award_code) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX registration_item_unit ON registration_item(registration_id, award_code) WHERE person_id IS NULL;

-- A block's covenant of one year, and the acceptance of each member's leader.
CREATE TABLE covenant (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL UNIQUE REFERENCES emulation_group(id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE covenant_signature (
    covenant_id  INTEGER NOT NULL REFERENCES covenant(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    signer_name  TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    signed_by    INTEGER REFERENCES app_user(id),
    signed_at    TEXT NOT NULL,
    PRIMARY KEY (covenant_id, unit_id)
);

-- A block's score sheet of one year: open (units score) | review (the block reviews) |
-- final (the department sets the final scores) | closed.
CREATE TABLE score_sheet (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL UNIQUE REFERENCES emulation_group(id),
    title       TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Points are kept in thousandths (9,5 points is 9500).
CREATE TABLE score_criterion (
    id                 INTEGER PRIMARY KEY,
    sheet_id           INTEGER NOT NULL REFERENCES score_sheet(id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    section            TEXT NOT NULL,
    code               TEXT NOT NULL,
    content            TEXT NOT NULL,
    max_points         INTEGER NOT NULL,
    -- normal | bonus | penalty
    kind               TEXT NOT NULL,
    evidence_required  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (sheet_id, position)
);

-- Where a unit is with its scores: draft | submitted (self-scoring sent) | reviewed | final.
CREATE TABLE score_entry (
    sheet_id      INTEGER NOT NULL REFERENCES score_sheet(id) ON DELETE CASCADE,
    unit_id       INTEGER NOT NULL REFERENCES unit(id),
    status        TEXT NOT NULL,
    submitted_at  TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (sheet_id, unit_id)
);

-- A unit's points on one criterion at each stage, with the reason for each adjustment.
CREATE TABLE score (
    sheet_id        INTEGER NOT NULL REFERENCES score_sheet(id) ON DELETE CASCADE,
    unit_id         INTEGER NOT NULL REFERENCES unit(id),
    criterion_id    INTEGER NOT NULL REFERENCES score_criterion(id) ON DELETE CASCADE,
    self_points     INTEGER,
    self_note       TEXT NOT NULL DEFAULT '',
    file_name       TEXT NOT NULL DEFAULT '',
    media_type      TEXT NOT NULL DEFAULT '',
    size            INTEGER NOT NULL DEFAULT 0,
    sha256          TEXT NOT NULL DEFAULT '',
    review_points   INTEGER,
    review_reason   TEXT NOT NULL DEFAULT '',
    final_points    INTEGER,
    final_reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sheet_id, unit_id, criterion_id)
);

-- The vote (suy tôn) at the block's review conference: one ballot per member unit, secret.
CREATE TABLE block_vote (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL UNIQUE REFERENCES emulation_group(id),
    -- open | closed
    status      TEXT NOT NULL,
    -- the share of the member units whose agreement passes an item, in thousandths
    pass_ratio  INTEGER NOT NULL,
    members     INTEGER NOT NULL,
    opened_at   TEXT NOT NULL,
    closed_at   TEXT
);

-- One proposal put to the vote: a unit for an award (the emulation flag, Bằng khen).
CREATE TABLE block_vote_item (
    id          INTEGER PRIMARY KEY,
    vote_id     INTEGER NOT NULL REFERENCES block_vote(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    award_code  TEXT NOT NULL,
    -- counted when the vote closes
    agree       INTEGER,
    disagree    INTEGER,
    passed      INTEGER,
    dossier_id  INTEGER REFERENCES dossier(id),
    UNIQUE (vote_id, unit_id, award_code)
);

-- Who has voted (one ballot per member unit) and, apart, the ballots: no key or time joins them.
CREATE TABLE block_voted (
    vote_id  INTEGER NOT NULL REFERENCES block_vote(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES unit(id),
    PRIMARY KEY (vote_id, unit_id)
);

CREATE TABLE block_ballot (
    key      TEXT PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES block_vote_item(id) ON DELETE CASCADE,
    agree    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX block_ballot_item ON block_ballot(item_id);

-- The units the vote acclaimed as leading their block in a year (the engine's "led_block").
CREATE TABLE block_lead (
    unit_id   INTEGER NOT NULL REFERENCES unit(id),
    year      INTEGER NOT NULL,
    group_id  INTEGER NOT NULL REFERENCES emulation_group(id),
    -- tinh | trung_uong
    organiser TEXT NOT NULL,
    PRIMARY KEY (unit_id, year, group_id)
);
