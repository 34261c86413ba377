-- Tenure's schema on SQLite. Times are UTC text in one fixed-width RFC 3339 form
-- (YYYY-MM-DDTHH:MM:SS.ffffffZ), so comparing the text compares the times.
-- Ids are hyphenated UUID text. Append-only: never edit a migration that has shipped.

CREATE TABLE accounts (
    id               TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL,
    idle_minutes     INTEGER NULL,
    absolute_minutes INTEGER NULL,
    created_at       TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at    TEXT NOT NULL,
    last_login_at TEXT NULL
) STRICT;

CREATE INDEX users_account ON users(account_id);

CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_id          TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The idle window this session started with: later policy changes do not move it.
    idle_minutes        INTEGER NOT NULL,
    refresh_hash        BLOB NOT NULL UNIQUE,
    previous_hash       BLOB NULL,
    rotated_at          TEXT NULL,
    started_at          TEXT NOT NULL,
    last_refreshed_at   TEXT NOT NULL,
    idle_expires_at     TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL,
    revoked_at          TEXT NULL,
    device_label        TEXT NOT NULL,
    app_version         TEXT NOT NULL
) STRICT;

-- Live-session scans filter by account and unrevoked; the partial index stays small as
-- revoked sessions pile up.
CREATE INDEX sessions_account_live ON sessions(account_id, idle_expires_at) WHERE revoked_at IS NULL;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_previous_hash ON sessions(previous_hash) WHERE previous_hash IS NOT NULL;

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    TEXT NULL,
    actor_user_id TEXT NULL,
    action        TEXT NOT NULL,
    at            TEXT NOT NULL,
    details       TEXT NOT NULL
) STRICT;

CREATE INDEX audit_account ON audit_log(account_id, id);

CREATE TABLE login_throttle (
    email            TEXT PRIMARY KEY NOT NULL,
    failures         INTEGER NOT NULL,
    first_failure_at TEXT NOT NULL,
    locked_until     TEXT NULL
) STRICT;
