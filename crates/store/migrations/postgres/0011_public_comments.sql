-- 0011 public comments (PostgreSQL): what the public says about a nominee posted on the portal,
-- kept until the office reads it and accepts it for the council or rejects it.

CREATE TABLE public_comment (
    id               BIGSERIAL PRIMARY KEY,
    nominee_id       BIGINT NOT NULL REFERENCES dossier_nominee(id),
    dossier_id       BIGINT NOT NULL REFERENCES dossier(id),
    author           TEXT NOT NULL,
    contact          TEXT NOT NULL DEFAULT '',
    content          TEXT NOT NULL,
    -- pending | accepted | rejected
    status           TEXT NOT NULL,
    -- the sender's address, to limit how many comments one client sends
    client           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    moderated_by     BIGINT REFERENCES app_user(id),
    moderated_at     TEXT,
    moderation_note  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX public_comment_dossier ON public_comment(dossier_id, created_at);
CREATE INDEX public_comment_client ON public_comment(client, created_at);
