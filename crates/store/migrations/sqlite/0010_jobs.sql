-- 0010 jobs and reminders (SQLite): a job queue in the database that every server works from,
-- and the reminders its jobs leave for a unit's officers and the office.

CREATE TABLE job (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    -- a job is queued once per key: servers scheduling the same day's scan add one row
    dedupe_key    TEXT NOT NULL UNIQUE,
    payload       TEXT NOT NULL DEFAULT '{}',
    -- times as RFC 3339 UTC text, which sorts as time
    run_at        TEXT NOT NULL,
    -- queued | running | done | failed
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    locked_by     TEXT,
    locked_until  TEXT,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    finished_at   TEXT
);
CREATE INDEX job_due ON job(status, run_at);

CREATE TABLE reminder (
    id          INTEGER PRIMARY KEY,
    -- the unit whose officers see it (the root unit: the office)
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    -- due_soon | overdue | posting_over
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    link        TEXT NOT NULL,
    -- one reminder per fact: a dossier is reminded once per deadline
    dedupe_key  TEXT NOT NULL UNIQUE,
    job_id      INTEGER REFERENCES job(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX reminder_unit ON reminder(unit_id, created_at);
