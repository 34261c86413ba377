//! Persistence. One [`Store`] trait with an implementation per back end ([`sqlite`],
//! [`postgres`]), chosen once at start-up from the database URL; callers never branch on the
//! back end. Every multi-statement write is one transaction inside the store.
//!
//! Time: the app's [`Clock`](crate::clock::Clock) governs every expiry decision on both back
//! ends; `now` is a parameter of each query that compares times, never the database's `now()`.
//! Desktops sharing a database are expected to run NTP; a skew of seconds shifts expiry by the
//! same seconds, and no desktop can extend a session past its stored absolute expiry.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tenure_core::policy::{EffectivePolicy, PolicyOverride};
use tenure_core::session::SessionTimes;
use tenure_core::wire::{ActiveUser, Role};
use uuid::Uuid;

use crate::auth::refresh::TokenHash;

pub mod postgres;
pub mod sqlite;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (e.g. the email is taken).
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// The state changed under the caller (e.g. setup on a database that is no longer empty).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: Uuid,
    pub name: String,
    pub overrides: PolicyOverride,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("account_id", &self.account_id)
            .field("name", &self.name)
            .field("email", &self.email)
            .field("password_hash", &"<redacted>")
            .field("role", &self.role)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub account_id: Uuid,
    pub idle_minutes: i64,
    pub started_at: DateTime<Utc>,
    pub last_refreshed_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub device_label: String,
    pub app_version: String,
}

impl SessionRecord {
    pub fn times(&self) -> SessionTimes {
        SessionTimes {
            idle_expires_at: self.idle_expires_at,
            absolute_expires_at: self.absolute_expires_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// A session to insert. `refresh_hash` is the SHA-256 of the token the backend keeps.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub record: SessionRecord,
    pub refresh_hash: TokenHash,
}

/// A refresh: swap `old` for `new` and move the idle expiry, if the session is still live.
#[derive(Debug, Clone)]
pub struct Rotation {
    pub session_id: Uuid,
    pub old: TokenHash,
    pub new: TokenHash,
    pub now: DateTime<Utc>,
    /// A presented token that was rotated away less than this long ago is a benign race (two
    /// refreshes of one token); older, it is a replay and ends the session.
    pub grace: chrono::Duration,
}

/// A rotated session with its user and account, read in the same step so a refresh needs no
/// further reads to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    pub session: SessionRecord,
    pub user: UserRecord,
    pub account: AccountRecord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    Rotated(Box<Refreshed>),
    /// The session is not live; carries its record so the caller can say why.
    NotLive(SessionRecord),
    /// The presented token was the previous one, rotated within the grace window.
    Superseded,
    /// The presented token was rotated away before the grace window: the session is revoked.
    ReuseDetected,
    /// No session holds this token.
    Unknown,
}

/// One audit record. `details` is JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub account_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub action: &'static str,
    pub at: DateTime<Utc>,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub account_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub action: String,
    pub at: DateTime<Utc>,
    pub details: serde_json::Value,
}

/// Failed sign-ins of one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i64,
    pub first_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The throttle rule the store applies atomically on each failure.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    pub max_failures: i64,
    pub window: chrono::Duration,
    pub lock_for: chrono::Duration,
}

/// A policy change: applied only if the stored override still equals `expected`, so two owners
/// saving at once cannot silently overwrite each other's audit trail.
#[derive(Debug, Clone)]
pub struct PolicyChange {
    pub account_id: Uuid,
    pub expected: PolicyOverride,
    pub new: PolicyOverride,
    pub old_effective: EffectivePolicy,
    pub new_effective: EffectivePolicy,
    pub actor: Uuid,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The back end's name for logs ("sqlite" / "postgres").
    fn backend(&self) -> &'static str;

    /// True when no account exists yet (first run).
    async fn is_empty(&self) -> StoreResult<bool>;
    /// Creates the first account and its owner, only if the database is still empty.
    async fn create_account(&self, account: AccountRecord, owner: UserRecord) -> StoreResult<()>;
    async fn account(&self, id: Uuid) -> StoreResult<Option<AccountRecord>>;

    async fn user(&self, id: Uuid) -> StoreResult<Option<UserRecord>>;
    /// `email` is already normalised (lower case).
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>>;
    async fn add_user(&self, user: UserRecord) -> StoreResult<()>;
    async fn set_role(&self, user_id: Uuid, role: Role) -> StoreResult<()>;
    /// Users of an account, owners first, then by name.
    async fn users(&self, account_id: Uuid) -> StoreResult<Vec<UserRecord>>;

    /// Inserts the session, sets the user's last sign-in, and writes the audit record, at once.
    async fn start_session(&self, session: NewSession, audit: AuditEntry) -> StoreResult<()>;
    async fn session(&self, id: Uuid) -> StoreResult<Option<SessionRecord>>;
    /// The session and its user in one read: the per-command check.
    async fn session_with_user(&self, id: Uuid)
        -> StoreResult<Option<(SessionRecord, UserRecord)>>;
    async fn rotate_refresh(&self, rotation: Rotation) -> StoreResult<RotateOutcome>;
    /// Revokes one session if not yet revoked; true when this call revoked it.
    async fn revoke_session(&self, id: Uuid, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Revokes every live session of the account (except those of the user `except_user`) and
    /// audits, atomically. Returns how many it revoked.
    async fn revoke_account_sessions(
        &self,
        account_id: Uuid,
        except_user: Option<Uuid>,
        now: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<u64>;
    /// Users with at least one live session at `now`: distinct, most recent sign-in first,
    /// never-signed-in last.
    async fn active_users(
        &self,
        account_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ActiveUser>>;
    /// Live sessions of the account (for the CLI and tests).
    async fn live_sessions(
        &self,
        account_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionRecord>>;

    /// Stores the new override and its audit record; `Conflict` if the stored value moved.
    async fn update_policy(&self, change: PolicyChange) -> StoreResult<()>;

    async fn audit(&self, entry: AuditEntry) -> StoreResult<()>;
    /// The account's audit trail, oldest first.
    async fn audit_log(&self, account_id: Option<Uuid>) -> StoreResult<Vec<AuditRecord>>;

    /// Signals, from any process on the same database, that sessions were revoked (the payload
    /// names the account), where the back end can push them: PostgreSQL's LISTEN/NOTIFY. `None`
    /// for a back end without a push channel; the watcher's 30-second re-check and every
    /// command's database check still find a revocation, only later.
    async fn revocation_signals(
        &self,
    ) -> StoreResult<Option<tokio::sync::mpsc::UnboundedReceiver<Uuid>>> {
        Ok(None)
    }

    async fn throttle(&self, email: &str) -> StoreResult<Option<Throttle>>;
    /// Counts a failure and locks the address when the rule says so; returns the new state.
    async fn record_failure(
        &self,
        email: &str,
        now: DateTime<Utc>,
        rule: ThrottleRule,
    ) -> StoreResult<Throttle>;
    async fn clear_failures(&self, email: &str) -> StoreResult<()>;
}

/// Opens the store the URL names and migrates it. `sqlite:` (default) or `postgres://`.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(postgres::PgStore::connect(url).await?))
    } else {
        Ok(std::sync::Arc::new(
            sqlite::SqliteStore::connect(url).await?,
        ))
    }
}

/// The URL with any password replaced, for logs and errors: the one in the user-info part
/// (`postgres://user:***@host`) and a `password=` query parameter (`?password=***`).
pub fn redact_url(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            match base[scheme_end + 3..at].split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &base[..scheme_end + 3], &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    match query {
        Some(query) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_owned(),
                })
                .collect();
            format!("{base}?{}", query.join("&"))
        }
        None => base,
    }
}

/// The throttle state after one more failure at `now`. Shared by every back end so the rule is
/// written once: failures older than the window start a new count; reaching the limit locks.
pub(crate) fn next_throttle(
    prev: Option<Throttle>,
    now: DateTime<Utc>,
    rule: ThrottleRule,
) -> Throttle {
    let fresh = Throttle {
        failures: 1,
        first_failure_at: now,
        locked_until: None,
    };
    let mut t = match prev {
        Some(p)
            if now - p.first_failure_at <= rule.window
                && p.locked_until.is_none_or(|l| l > now) =>
        {
            Throttle {
                failures: p.failures + 1,
                ..p
            }
        }
        _ => fresh,
    };
    if t.failures >= rule.max_failures && t.locked_until.is_none() {
        t.locked_until = Some(now + rule.lock_for);
    }
    t
}

/// The audit record of a policy change: old and new override, old and new effective values.
pub(crate) fn policy_audit(c: &PolicyChange) -> AuditEntry {
    AuditEntry {
        account_id: Some(c.account_id),
        actor_user_id: Some(c.actor),
        action: "policy.update",
        at: c.at,
        details: serde_json::json!({
            "old_override": c.expected,
            "new_override": c.new,
            "old_effective": c.old_effective,
            "new_effective": c.new_effective,
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_password() {
        assert_eq!(
            super::redact_url("postgres://tenure:s3cret@db.example:5432/tenure"),
            "postgres://tenure:***@db.example:5432/tenure"
        );
        assert_eq!(super::redact_url("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
        assert_eq!(
            super::redact_url(
                "postgres://db.example/tenure?user=t&password=s3cr@t&sslmode=require"
            ),
            "postgres://db.example/tenure?user=t&password=***&sslmode=require"
        );
    }
}
