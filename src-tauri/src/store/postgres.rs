//! The shared back end: PostgreSQL through sqlx, for an account whose desktops all point at one
//! server. It behaves exactly like [`super::sqlite`]; where SQLite serialises writers
//! with `BEGIN IMMEDIATE`, this store takes the narrowest PostgreSQL lock that gives the same
//! answer under concurrency (a row lock on the session being refreshed, a table lock for the
//! one-time setup, a per-address advisory lock for the sign-in throttle).

use std::str::FromStr;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgConnection, PgPool, Row};
use tenure_core::policy::PolicyOverride;
use tenure_core::wire::{ActiveUser, Role};
use uuid::Uuid;

use super::*;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// First key of every advisory lock Tenure takes, so its locks cannot collide with another
/// application's on a shared server ("TNUR").
const LOCK_NAMESPACE: i32 = 0x544E_5552;

fn role(s: &str) -> StoreResult<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("role {s:?}")))
}

fn map_unique(e: sqlx::Error, what: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Database(e),
    }
}

struct UserRow(UserRecord);

impl UserRow {
    fn from_row(r: &PgRow, prefix: &str) -> StoreResult<Self> {
        let col = |c: &str| format!("{prefix}{c}");
        Ok(Self(UserRecord {
            id: r.try_get(col("id").as_str())?,
            account_id: r.try_get(col("account_id").as_str())?,
            name: r.try_get(col("name").as_str())?,
            email: r.try_get(col("email").as_str())?,
            password_hash: r.try_get(col("password_hash").as_str())?,
            role: role(r.try_get(col("role").as_str())?)?,
            created_at: r.try_get(col("created_at").as_str())?,
            last_login_at: r.try_get(col("last_login_at").as_str())?,
        }))
    }
}

fn account_from_row(r: &PgRow, prefix: &str) -> StoreResult<AccountRecord> {
    let col = |c: &str| format!("{prefix}{c}");
    Ok(AccountRecord {
        id: r.try_get(col("id").as_str())?,
        name: r.try_get(col("name").as_str())?,
        overrides: PolicyOverride {
            idle_minutes: r.try_get(col("idle_minutes").as_str())?,
            absolute_minutes: r.try_get(col("absolute_minutes").as_str())?,
        },
        created_at: r.try_get(col("created_at").as_str())?,
    })
}

struct SessionRow(SessionRecord);

impl SessionRow {
    fn from_row(r: &PgRow) -> StoreResult<Self> {
        Ok(Self(SessionRecord {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            account_id: r.try_get("account_id")?,
            idle_minutes: r.try_get("idle_minutes")?,
            started_at: r.try_get("started_at")?,
            last_refreshed_at: r.try_get("last_refreshed_at")?,
            idle_expires_at: r.try_get("idle_expires_at")?,
            absolute_expires_at: r.try_get("absolute_expires_at")?,
            revoked_at: r.try_get("revoked_at")?,
            device_label: r.try_get("device_label")?,
            app_version: r.try_get("app_version")?,
        }))
    }
}

fn token_hash(r: &PgRow, col: &str) -> StoreResult<Option<TokenHash>> {
    r.try_get::<Option<Vec<u8>>, _>(col)?
        .map(|b| {
            TokenHash::from_slice(&b)
                .ok_or_else(|| StoreError::Corrupt(format!("{col} is {} bytes", b.len())))
        })
        .transpose()
}

const SESSION_COLS: &str = "s.id, s.user_id, s.account_id, s.idle_minutes, s.started_at, \
    s.last_refreshed_at, s.idle_expires_at, s.absolute_expires_at, s.revoked_at, \
    s.device_label, s.app_version";
const USER_COLS: &str = "u.id AS u_id, u.account_id AS u_account_id, u.name AS u_name, \
    u.email AS u_email, u.password_hash AS u_password_hash, u.role AS u_role, \
    u.created_at AS u_created_at, u.last_login_at AS u_last_login_at";
const ACCOUNT_COLS: &str = "a.id AS a_id, a.name AS a_name, a.idle_minutes AS a_idle_minutes, \
    a.absolute_minutes AS a_absolute_minutes, a.created_at AS a_created_at";
const THROTTLE_COLS: &str = "failures, first_failure_at, locked_until";

/// The LISTEN/NOTIFY channel that carries revocations between desktops.
pub const REVOKED_CHANNEL: &str = "tenure_sessions_revoked";

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to and migrates the database at `url` (`postgres://user:pass@host/db`).
    /// No error this returns quotes the URL, whose password must never reach a log.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let opts = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::Database(sqlx::Error::Configuration(
                format!("the PostgreSQL URL is not valid: {e}").into(),
            ))
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(StdDuration::from_secs(15))
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Tells every listening desktop that sessions of `account_id` were revoked. Sent inside
    /// the revoking transaction, so it is delivered on commit and never for a rollback.
    async fn notify_revoked(conn: &mut PgConnection, account_id: Uuid) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(REVOKED_CHANNEL)
            .bind(account_id.to_string())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn insert_audit(conn: &mut PgConnection, e: &AuditEntry) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (account_id, actor_user_id, action, at, details) \
             VALUES ($1, $2, $3, $4, $5::jsonb)",
        )
        .bind(e.account_id)
        .bind(e.actor_user_id)
        .bind(e.action)
        .bind(e.at)
        .bind(e.details.to_string())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        let any: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts)")
            .fetch_one(&self.pool)
            .await?;
        Ok(!any)
    }

    async fn create_account(&self, account: AccountRecord, owner: UserRecord) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        // Two desktops running setup at once: the second waits here, then sees the first's
        // account. EXCLUSIVE still lets readers through.
        sqlx::query("LOCK TABLE accounts IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let any: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts)")
            .fetch_one(&mut *tx)
            .await?;
        if any {
            return Err(StoreError::Conflict("an account already exists"));
        }
        sqlx::query(
            "INSERT INTO accounts (id, name, idle_minutes, absolute_minutes, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account.id)
        .bind(&account.name)
        .bind(account.overrides.idle_minutes)
        .bind(account.overrides.absolute_minutes)
        .bind(account.created_at)
        .execute(&mut *tx)
        .await?;
        insert_user(&mut tx, &owner).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn account(&self, id: Uuid) -> StoreResult<Option<AccountRecord>> {
        let row = sqlx::query(
            "SELECT id, name, idle_minutes, absolute_minutes, created_at FROM accounts WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| account_from_row(&r, "")).transpose()
    }

    async fn user(&self, id: Uuid) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users u WHERE u.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| UserRow::from_row(&r, "u_").map(|u| u.0))
            .transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users u WHERE u.email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| UserRow::from_row(&r, "u_").map(|u| u.0))
            .transpose()
    }

    async fn add_user(&self, user: UserRecord) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        insert_user(&mut conn, &user).await
    }

    async fn set_role(&self, user_id: Uuid, role: Role) -> StoreResult<()> {
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn users(&self, account_id: Uuid) -> StoreResult<Vec<UserRecord>> {
        // lower() under the "C" collation folds ASCII only and compares bytes: SQLite's NOCASE,
        // so both back ends list members in the same order whatever the server's locale.
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users u WHERE u.account_id = $1 \
             ORDER BY CASE u.role WHEN 'owner' THEN 0 ELSE 1 END, lower(u.name COLLATE \"C\"), \
             u.email COLLATE \"C\""
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| UserRow::from_row(r, "u_").map(|u| u.0))
            .collect()
    }

    async fn start_session(&self, new: NewSession, audit: AuditEntry) -> StoreResult<()> {
        let s = &new.record;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, account_id, idle_minutes, refresh_hash, started_at, \
             last_refreshed_at, idle_expires_at, absolute_expires_at, revoked_at, device_label, app_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11)",
        )
        .bind(s.id)
        .bind(s.user_id)
        .bind(s.account_id)
        .bind(s.idle_minutes)
        .bind(new.refresh_hash.as_bytes())
        .bind(s.started_at)
        .bind(s.last_refreshed_at)
        .bind(s.idle_expires_at)
        .bind(s.absolute_expires_at)
        .bind(&s.device_label)
        .bind(&s.app_version)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(s.started_at)
            .bind(s.user_id)
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, id: Uuid) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLS} FROM sessions s WHERE s.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| SessionRow::from_row(&r).map(|s| s.0))
            .transpose()
    }

    async fn session_with_user(
        &self,
        id: Uuid,
    ) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLS}, {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((SessionRow::from_row(&r)?.0, UserRow::from_row(&r, "u_")?.0)))
            .transpose()
    }

    async fn rotate_refresh(&self, rot: Rotation) -> StoreResult<RotateOutcome> {
        // The common case in one round trip: a live session presenting its current token is
        // rotated by one conditional UPDATE, which returns it with its user and account. The
        // UPDATE takes the row lock and re-checks its conditions after any concurrent writer
        // of the row commits (a revoke, another refresh of the same token), so it can only
        // rotate a session that is still live and still holds `old`. Anything else (not live,
        // a superseded or replayed token, no such session) is told apart below, under a lock.
        let fast = sqlx::query(&format!(
            "WITH s AS (UPDATE sessions SET refresh_hash = $1, previous_hash = $2, rotated_at = $3, \
             last_refreshed_at = $3, \
             idle_expires_at = least($3 + make_interval(mins => idle_minutes::int), absolute_expires_at) \
             WHERE id = $4 AND refresh_hash = $2 AND revoked_at IS NULL \
             AND idle_expires_at > $3 AND absolute_expires_at > $3 RETURNING *) \
             SELECT {SESSION_COLS}, {USER_COLS}, {ACCOUNT_COLS} FROM s \
             JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = s.account_id"
        ))
        .bind(rot.new.as_bytes())
        .bind(rot.old.as_bytes())
        .bind(rot.now)
        .bind(rot.session_id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = fast {
            return Ok(RotateOutcome::Rotated(Box::new(Refreshed {
                session: SessionRow::from_row(&r)?.0,
                user: UserRow::from_row(&r, "u_")?.0,
                account: account_from_row(&r, "a_")?,
            })));
        }
        let mut tx = self.pool.begin().await?;
        // The row lock is the whole concurrency story: a revoke's UPDATE of this row waits for
        // the rotation to commit (and then revokes the rotated row), or the rotation waits for
        // the revoke and reads `revoked_at`. Either way no refresh outlives a revoke. Locking by
        // id alone, not id and hash, also serialises two refreshes of one token, so the loser
        // reliably reads the previous hash and gets `Superseded`.
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLS}, s.refresh_hash, s.previous_hash, s.rotated_at \
             FROM sessions s WHERE s.id = $1 FOR UPDATE"
        ))
        .bind(rot.session_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(RotateOutcome::Unknown);
        };
        let s = SessionRow::from_row(&row)?.0;
        let current = token_hash(&row, "refresh_hash")?;
        let previous = token_hash(&row, "previous_hash")?;
        let rotated_at: Option<DateTime<Utc>> = row.try_get("rotated_at")?;

        if current.is_some_and(|h| h.ct_eq(&rot.old)) {
            // The current token, refused by the UPDATE above: the session is revoked or past
            // an expiry (the caller reads which from the record).
            return Ok(RotateOutcome::NotLive(s));
        }
        if !previous.is_some_and(|h| h.ct_eq(&rot.old)) {
            return Ok(RotateOutcome::Unknown);
        }
        if s.revoked_at.is_none() && rotated_at.is_some_and(|t| rot.now - t <= rot.grace) {
            return Ok(RotateOutcome::Superseded);
        }
        // A replay of a rotated token: someone else may hold the successor. End the family.
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(rot.now)
            .bind(rot.session_id)
            .execute(&mut *tx)
            .await?;
        Self::notify_revoked(&mut tx, s.account_id).await?;
        tx.commit().await?;
        Ok(RotateOutcome::ReuseDetected)
    }

    async fn revoke_session(&self, id: Uuid, at: DateTime<Utc>) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let account: Option<Uuid> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
             RETURNING account_id",
        )
        .bind(at)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(account_id) = account {
            Self::notify_revoked(&mut tx, account_id).await?;
        }
        tx.commit().await?;
        Ok(account.is_some())
    }

    async fn revoke_account_sessions(
        &self,
        account_id: Uuid,
        except_user: Option<Uuid>,
        now: DateTime<Utc>,
        mut audit: AuditEntry,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        // Under READ COMMITTED a row a concurrent refresh holds is re-checked against this
        // WHERE once that refresh commits, so an in-flight rotation is revoked, not skipped.
        let r = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL \
             AND idle_expires_at > $1 AND absolute_expires_at > $1 \
             AND ($3::uuid IS NULL OR user_id <> $3)",
        )
        .bind(now)
        .bind(account_id)
        .bind(except_user)
        .execute(&mut *tx)
        .await?;
        let count = r.rows_affected();
        if let Some(obj) = audit.details.as_object_mut() {
            obj.insert("count".into(), count.into());
        }
        Self::insert_audit(&mut tx, &audit).await?;
        if count > 0 {
            Self::notify_revoked(&mut tx, account_id).await?;
        }
        tx.commit().await?;
        Ok(count)
    }

    async fn active_users(
        &self,
        account_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ActiveUser>> {
        let rows = sqlx::query(
            "SELECT u.id, u.name, u.email, u.last_login_at FROM users u \
             WHERE u.account_id = $1 AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id \
               AND s.account_id = $1 AND s.revoked_at IS NULL AND s.idle_expires_at > $2 \
               AND s.absolute_expires_at > $2) \
             ORDER BY u.last_login_at DESC NULLS LAST, u.name COLLATE \"C\"",
        )
        .bind(account_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ActiveUser {
                    user_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    last_login_at: r.try_get("last_login_at")?,
                })
            })
            .collect()
    }

    async fn live_sessions(
        &self,
        account_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {SESSION_COLS} FROM sessions s WHERE s.account_id = $1 AND s.revoked_at IS NULL \
             AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2 ORDER BY s.started_at DESC"
        ))
        .bind(account_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| SessionRow::from_row(r).map(|s| s.0))
            .collect()
    }

    async fn update_policy(&self, c: PolicyChange) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        // One conditional UPDATE is the compare-and-swap: a concurrent change makes it match
        // no row once the other transaction commits.
        let r = sqlx::query(
            "UPDATE accounts SET idle_minutes = $1, absolute_minutes = $2 WHERE id = $3 \
             AND idle_minutes IS NOT DISTINCT FROM $4 AND absolute_minutes IS NOT DISTINCT FROM $5",
        )
        .bind(c.new.idle_minutes)
        .bind(c.new.absolute_minutes)
        .bind(c.account_id)
        .bind(c.expected.idle_minutes)
        .bind(c.expected.absolute_minutes)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "the policy changed while you were editing it",
            ));
        }
        Self::insert_audit(&mut tx, &policy_audit(&c)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit(&self, entry: AuditEntry) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Self::insert_audit(&mut conn, &entry).await
    }

    async fn audit_log(&self, account_id: Option<Uuid>) -> StoreResult<Vec<AuditRecord>> {
        // details::text: the driver is built without sqlx's `json` feature; serde reads it back.
        let rows = sqlx::query(
            "SELECT account_id, actor_user_id, action, at, details::text AS details FROM audit_log \
             WHERE $1::uuid IS NULL OR account_id = $1 ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let details: String = r.try_get("details")?;
                Ok(AuditRecord {
                    account_id: r.try_get("account_id")?,
                    actor_user_id: r.try_get("actor_user_id")?,
                    action: r.try_get("action")?,
                    at: r.try_get("at")?,
                    details: serde_json::from_str(&details)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    async fn revocation_signals(
        &self,
    ) -> StoreResult<Option<tokio::sync::mpsc::UnboundedReceiver<Uuid>>> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(REVOKED_CHANNEL).await?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(n) => {
                        let Ok(account) = Uuid::parse_str(n.payload()) else {
                            continue;
                        };
                        if tx.send(account).is_err() {
                            return; // Nobody listens any more.
                        }
                    }
                    Err(e) => {
                        // recv() reconnects by itself; this is a failed reconnect. Back off,
                        // the 30-second re-check covers the gap.
                        tracing::warn!(error = %e, "revocation listener lost the database");
                        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                    }
                }
            }
        });
        Ok(Some(rx))
    }

    async fn throttle(&self, email: &str) -> StoreResult<Option<Throttle>> {
        let row = sqlx::query(&format!(
            "SELECT {THROTTLE_COLS} FROM login_throttle WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| throttle_from(&r)).transpose()
    }

    async fn record_failure(
        &self,
        email: &str,
        now: DateTime<Utc>,
        rule: ThrottleRule,
    ) -> StoreResult<Throttle> {
        let mut tx = self.pool.begin().await?;
        // A row lock cannot cover an address's first failure (there is no row yet), so two
        // first failures would both count 1. A per-address advisory lock, released at commit,
        // serialises every failure of one address, row or no row.
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(LOCK_NAMESPACE)
            .bind(email)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(&format!(
            "SELECT {THROTTLE_COLS} FROM login_throttle WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
        let prev = row.map(|r| throttle_from(&r)).transpose()?;
        let next = next_throttle(prev, now, rule);
        sqlx::query(
            "INSERT INTO login_throttle (email, failures, first_failure_at, locked_until) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (email) DO UPDATE SET failures = excluded.failures, \
             first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until",
        )
        .bind(email)
        .bind(next.failures)
        .bind(next.first_failure_at)
        .bind(next.locked_until)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    async fn clear_failures(&self, email: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_throttle WHERE email = $1")
            .bind(email)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn throttle_from(r: &PgRow) -> StoreResult<Throttle> {
    Ok(Throttle {
        failures: r.try_get("failures")?,
        first_failure_at: r.try_get("first_failure_at")?,
        locked_until: r.try_get("locked_until")?,
    })
}

async fn insert_user(conn: &mut PgConnection, u: &UserRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, account_id, name, email, password_hash, role, created_at, last_login_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(u.id)
    .bind(u.account_id)
    .bind(&u.name)
    .bind(&u.email)
    .bind(&u.password_hash)
    .bind(u.role.as_str())
    .bind(u.created_at)
    .bind(u.last_login_at)
    .execute(&mut *conn)
    .await
    .map_err(|e| map_unique(e, "email"))?;
    Ok(())
}
