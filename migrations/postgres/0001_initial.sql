-- Tenure's schema on PostgreSQL: the same tables, columns and indexes as migrations/sqlite,
-- in native types. Times are timestamptz (microseconds, the precision the app's clock keeps);
-- every time the app compares is a bound parameter, never the server's now().
-- Append-only: never edit a migration that has shipped.

CREATE TABLE accounts (
    id               uuid PRIMARY KEY,
    name             text NOT NULL,
    idle_minutes     bigint NULL,
    absolute_minutes bigint NULL,
    created_at       timestamptz NOT NULL
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    account_id    uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          text NOT NULL,
    -- Stored normalised (lower case) by the app, so a plain UNIQUE is case-insensitive.
    email         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('owner', 'member')),
    created_at    timestamptz NOT NULL,
    last_login_at timestamptz NULL
);

CREATE INDEX users_account ON users(account_id);

CREATE TABLE sessions (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_id          uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The idle window this session started with: later policy changes do not move it.
    idle_minutes        bigint NOT NULL,
    refresh_hash        bytea NOT NULL UNIQUE,
    previous_hash       bytea NULL,
    rotated_at          timestamptz NULL,
    started_at          timestamptz NOT NULL,
    last_refreshed_at   timestamptz NOT NULL,
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz NULL,
    device_label        text NOT NULL,
    app_version         text NOT NULL
);

-- Live-session scans filter by account and unrevoked; the partial index stays small as
-- revoked sessions pile up.
CREATE INDEX sessions_account_live ON sessions(account_id, idle_expires_at) WHERE revoked_at IS NULL;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_previous_hash ON sessions(previous_hash) WHERE previous_hash IS NOT NULL;

CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    -- No foreign keys, as on SQLite: the trail outlives what it describes.
    account_id    uuid NULL,
    actor_user_id uuid NULL,
    action        text NOT NULL,
    at            timestamptz NOT NULL,
    details       jsonb NOT NULL
);

CREATE INDEX audit_account ON audit_log(account_id, id);

CREATE TABLE login_throttle (
    email            text PRIMARY KEY,
    failures         bigint NOT NULL,
    first_failure_at timestamptz NOT NULL,
    locked_until     timestamptz NULL
);
