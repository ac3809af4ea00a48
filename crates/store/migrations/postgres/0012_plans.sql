-- 0012 plans (PostgreSQL): a plan (the province's, a unit's, or a block's) with its sections and its
-- key tasks, the units each task names, and the progress units report on them.

CREATE TABLE plan (
    id           BIGSERIAL PRIMARY KEY,
    -- the unit that issues the plan and whose officers keep it (for a block: its head unit)
    unit_id      BIGINT NOT NULL REFERENCES unit(id),
    -- the block or cluster the plan is for, when it is a block's plan
    group_id     BIGINT REFERENCES emulation_group(id),
    -- the plan this one carries out (a block's plan derived from the province's)
    parent_id    BIGINT REFERENCES plan(id),
    number       TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    year         INTEGER NOT NULL,
    issuer       TEXT NOT NULL DEFAULT '',
    based_on     TEXT NOT NULL DEFAULT '',
    source_name  TEXT NOT NULL DEFAULT '',
    -- what the import could not place, as JSON [{line, message}]
    warnings     TEXT NOT NULL DEFAULT '[]',
    created_by   BIGINT REFERENCES app_user(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX plan_year ON plan(year);
CREATE INDEX plan_parent ON plan(parent_id);

CREATE TABLE plan_section (
    plan_id   BIGINT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    heading   TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
);

CREATE TABLE plan_task (
    id              BIGSERIAL PRIMARY KEY,
    plan_id         BIGINT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    group_label     TEXT NOT NULL,
    number          TEXT NOT NULL,
    content         TEXT NOT NULL,
    -- the time as written, and as read: month | quarter | half | by | regular | missing | unclear
    due_text        TEXT NOT NULL,
    due_kind        TEXT NOT NULL,
    due_from        DATE,
    due_to          DATE,
    lead_text       TEXT NOT NULL DEFAULT '',
    lead_unit_id    BIGINT REFERENCES unit(id),
    -- the task of the parent plan this one carries out
    source_task_id  BIGINT REFERENCES plan_task(id),
    -- the lead's last reported progress
    percent         INTEGER NOT NULL DEFAULT 0,
    done_on         DATE,
    updated_at      TEXT,
    -- the slips of the plan check a person has confirmed as written (kinds, comma-separated)
    confirmed       TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, position)
);
CREATE INDEX plan_task_due ON plan_task(due_to);
CREATE INDEX plan_task_lead ON plan_task(lead_unit_id);

-- The cooperating units a task names, matched to the registry where possible:
-- unit | all_units | group_members | council | unmatched
CREATE TABLE plan_task_party (
    task_id   BIGINT NOT NULL REFERENCES plan_task(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    unit_id   BIGINT REFERENCES unit(id),
    PRIMARY KEY (task_id, position)
);
CREATE INDEX plan_task_party_unit ON plan_task_party(unit_id);

-- What a unit reports on a task: progress, a note, and a piece of evidence in the file store.
CREATE TABLE plan_report (
    id          BIGSERIAL PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES plan_task(id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES unit(id),
    percent     INTEGER NOT NULL,
    note        TEXT NOT NULL,
    file_name   TEXT NOT NULL DEFAULT '',
    media_type  TEXT NOT NULL DEFAULT '',
    size        BIGINT NOT NULL DEFAULT 0,
    sha256      TEXT NOT NULL DEFAULT '',
    created_by  BIGINT REFERENCES app_user(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX plan_report_task ON plan_report(task_id, created_at);
