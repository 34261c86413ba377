//! The embedded back end: SQLite through sqlx, in WAL mode with a busy timeout and foreign keys.
//! Read-then-write transactions start with `BEGIN IMMEDIATE`, which takes the write lock up
//! front, so two writers queue on the busy timeout instead of failing with "database is locked"
//! when one tries to upgrade a read lock.

use std::str::FromStr;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use tenure_core::policy::PolicyOverride;
use tenure_core::wire::{ActiveUser, Role};
use uuid::Uuid;

use super::*;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The fixed-width text form every time is stored in.
fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

fn opt_ts(s: Option<String>) -> StoreResult<Option<DateTime<Utc>>> {
    s.as_deref().map(parse_ts).transpose()
}

fn uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("id {s:?}: {e}")))
}

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
    fn from_row(r: &SqliteRow, prefix: &str) -> StoreResult<Self> {
        let col = |c: &str| format!("{prefix}{c}");
        Ok(Self(UserRecord {
            id: uuid(&r.try_get::<String, _>(col("id").as_str())?)?,
            account_id: uuid(&r.try_get::<String, _>(col("account_id").as_str())?)?,
            name: r.try_get(col("name").as_str())?,
            email: r.try_get(col("email").as_str())?,
            password_hash: r.try_get(col("password_hash").as_str())?,
            role: role(&r.try_get::<String, _>(col("role").as_str())?)?,
            created_at: parse_ts(&r.try_get::<String, _>(col("created_at").as_str())?)?,
            last_login_at: opt_ts(r.try_get(col("last_login_at").as_str())?)?,
        }))
    }
}

fn account_from_row(r: &SqliteRow, prefix: &str) -> StoreResult<AccountRecord> {
    let col = |c: &str| format!("{prefix}{c}");
    Ok(AccountRecord {
        id: uuid(&r.try_get::<String, _>(col("id").as_str())?)?,
        name: r.try_get(col("name").as_str())?,
        overrides: PolicyOverride {
            idle_minutes: r.try_get(col("idle_minutes").as_str())?,
            absolute_minutes: r.try_get(col("absolute_minutes").as_str())?,
        },
        created_at: parse_ts(&r.try_get::<String, _>(col("created_at").as_str())?)?,
    })
}

struct SessionRow(SessionRecord);

impl SessionRow {
    fn from_row(r: &SqliteRow) -> StoreResult<Self> {
        Ok(Self(SessionRecord {
            id: uuid(&r.try_get::<String, _>("id")?)?,
            user_id: uuid(&r.try_get::<String, _>("user_id")?)?,
            account_id: uuid(&r.try_get::<String, _>("account_id")?)?,
            idle_minutes: r.try_get("idle_minutes")?,
            started_at: parse_ts(&r.try_get::<String, _>("started_at")?)?,
            last_refreshed_at: parse_ts(&r.try_get::<String, _>("last_refreshed_at")?)?,
            idle_expires_at: parse_ts(&r.try_get::<String, _>("idle_expires_at")?)?,
            absolute_expires_at: parse_ts(&r.try_get::<String, _>("absolute_expires_at")?)?,
            revoked_at: opt_ts(r.try_get("revoked_at")?)?,
            device_label: r.try_get("device_label")?,
            app_version: r.try_get("app_version")?,
        }))
    }
}

const SESSION_COLS: &str = "s.id, s.user_id, s.account_id, s.idle_minutes, s.started_at, \
    s.last_refreshed_at, s.idle_expires_at, s.absolute_expires_at, s.revoked_at, \
    s.device_label, s.app_version";
const ACCOUNT_COLS: &str = "a.id AS a_id, a.name AS a_name, a.idle_minutes AS a_idle_minutes, \
    a.absolute_minutes AS a_absolute_minutes, a.created_at AS a_created_at";
const USER_COLS: &str = "u.id AS u_id, u.account_id AS u_account_id, u.name AS u_name, \
    u.email AS u_email, u.password_hash AS u_password_hash, u.role AS u_role, \
    u.created_at AS u_created_at, u.last_login_at AS u_last_login_at";

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `url` (`sqlite:/path/file.db`).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(StdDuration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn insert_audit(tx: &mut sqlx::SqliteConnection, e: &AuditEntry) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (account_id, actor_user_id, action, at, details) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(e.account_id.map(|u| u.to_string()))
        .bind(e.actor_user_id.map(|u| u.to_string()))
        .bind(e.action)
        .bind(ts(e.at))
        .bind(e.details.to_string())
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }

    async fn create_account(&self, account: AccountRecord, owner: UserRecord) -> StoreResult<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&mut *tx)
            .await?;
        if n > 0 {
            return Err(StoreError::Conflict("an account already exists"));
        }
        sqlx::query(
            "INSERT INTO accounts (id, name, idle_minutes, absolute_minutes, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(account.id.to_string())
        .bind(&account.name)
        .bind(account.overrides.idle_minutes)
        .bind(account.overrides.absolute_minutes)
        .bind(ts(account.created_at))
        .execute(&mut *tx)
        .await?;
        insert_user(&mut tx, &owner).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn account(&self, id: Uuid) -> StoreResult<Option<AccountRecord>> {
        let row = sqlx::query(
            "SELECT id, name, idle_minutes, absolute_minutes, created_at FROM accounts WHERE id = ?",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| account_from_row(&r, "")).transpose()
    }

    async fn user(&self, id: Uuid) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users u WHERE u.id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| UserRow::from_row(&r, "u_").map(|u| u.0))
            .transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users u WHERE u.email = ?"
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
        sqlx::query("UPDATE users SET role = ? WHERE id = ?")
            .bind(role.as_str())
            .bind(user_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn users(&self, account_id: Uuid) -> StoreResult<Vec<UserRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users u WHERE u.account_id = ? \
             ORDER BY CASE u.role WHEN 'owner' THEN 0 ELSE 1 END, u.name COLLATE NOCASE, u.email"
        ))
        .bind(account_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| UserRow::from_row(r, "u_").map(|u| u.0))
            .collect()
    }

    async fn start_session(&self, new: NewSession, audit: AuditEntry) -> StoreResult<()> {
        let s = &new.record;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, account_id, idle_minutes, refresh_hash, started_at, \
             last_refreshed_at, idle_expires_at, absolute_expires_at, revoked_at, device_label, app_version) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        )
        .bind(s.id.to_string())
        .bind(s.user_id.to_string())
        .bind(s.account_id.to_string())
        .bind(s.idle_minutes)
        .bind(new.refresh_hash.as_bytes())
        .bind(ts(s.started_at))
        .bind(ts(s.last_refreshed_at))
        .bind(ts(s.idle_expires_at))
        .bind(ts(s.absolute_expires_at))
        .bind(&s.device_label)
        .bind(&s.app_version)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_login_at = ? WHERE id = ?")
            .bind(ts(s.started_at))
            .bind(s.user_id.to_string())
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, id: Uuid) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLS} FROM sessions s WHERE s.id = ?"
        ))
        .bind(id.to_string())
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
            "SELECT {SESSION_COLS}, {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((SessionRow::from_row(&r)?.0, UserRow::from_row(&r, "u_")?.0)))
            .transpose()
    }

    async fn rotate_refresh(&self, rot: Rotation) -> StoreResult<RotateOutcome> {
        // The common case in two statements: one conditional UPDATE rotates a live session
        // presenting its current token (one statement is atomic under SQLite's single writer),
        // then its user and account in one read. The new idle expiry is computed in SQL exactly
        // as `refreshed_idle_expiry` does: `now` plus the session's whole idle minutes (so the
        // fractional seconds of `now` carry over unchanged), capped at the absolute expiry.
        let now_s = ts(rot.now);
        let fast = sqlx::query(&format!(
            "UPDATE sessions SET refresh_hash = ?1, previous_hash = ?2, rotated_at = ?3, \
             last_refreshed_at = ?3, idle_expires_at = min(strftime('%Y-%m-%dT%H:%M:%S', ?3, \
             '+' || idle_minutes || ' minutes') || substr(?3, 20), absolute_expires_at) \
             WHERE id = ?4 AND refresh_hash = ?2 AND revoked_at IS NULL \
             AND idle_expires_at > ?3 AND absolute_expires_at > ?3 RETURNING {}",
            SESSION_COLS.replace("s.", "")
        ))
        .bind(rot.new.as_bytes())
        .bind(rot.old.as_bytes())
        .bind(&now_s)
        .bind(rot.session_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = fast {
            let session = SessionRow::from_row(&r)?.0;
            let owner = sqlx::query(&format!(
                "SELECT {USER_COLS}, {ACCOUNT_COLS} FROM users u \
                 JOIN accounts a ON a.id = u.account_id WHERE u.id = ?"
            ))
            .bind(session.user_id.to_string())
            .fetch_one(&self.pool)
            .await?;
            return Ok(RotateOutcome::Rotated(Box::new(Refreshed {
                session,
                user: UserRow::from_row(&owner, "u_")?.0,
                account: account_from_row(&owner, "a_")?,
            })));
        }
        // Everything else, told apart under the write lock: not live, a superseded or
        // replayed token, or no such session.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let current = sqlx::query(&format!(
            "SELECT {SESSION_COLS} FROM sessions s WHERE s.id = ? AND s.refresh_hash = ?"
        ))
        .bind(rot.session_id.to_string())
        .bind(rot.old.as_bytes())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(r) = current {
            // The current token, refused by the UPDATE above: the session is revoked (a revoke
            // is final even when dated ahead of this desktop's clock) or past an expiry; the
            // caller reads which from the record.
            return Ok(RotateOutcome::NotLive(SessionRow::from_row(&r)?.0));
        }
        let previous = sqlx::query(
            "SELECT rotated_at, revoked_at FROM sessions WHERE id = ? AND previous_hash = ?",
        )
        .bind(rot.session_id.to_string())
        .bind(rot.old.as_bytes())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(prev) = previous else {
            return Ok(RotateOutcome::Unknown);
        };
        let rotated_at = opt_ts(prev.try_get("rotated_at")?)?;
        let revoked = prev.try_get::<Option<String>, _>("revoked_at")?.is_some();
        if !revoked && rotated_at.is_some_and(|t| rot.now - t <= rot.grace) {
            return Ok(RotateOutcome::Superseded);
        }
        // A replay of a rotated token: someone else may hold the successor. End the family.
        sqlx::query("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(ts(rot.now))
            .bind(rot.session_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(RotateOutcome::ReuseDetected)
    }

    async fn revoke_session(&self, id: Uuid, at: DateTime<Utc>) -> StoreResult<bool> {
        let r =
            sqlx::query("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(ts(at))
                .bind(id.to_string())
                .execute(&self.pool)
                .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn revoke_account_sessions(
        &self,
        account_id: Uuid,
        except_user: Option<Uuid>,
        now: DateTime<Utc>,
        mut audit: AuditEntry,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let now_s = ts(now);
        let r = sqlx::query(
            "UPDATE sessions SET revoked_at = ?1 WHERE account_id = ?2 AND revoked_at IS NULL \
             AND idle_expires_at > ?1 AND absolute_expires_at > ?1 AND (?3 IS NULL OR user_id <> ?3)",
        )
        .bind(&now_s)
        .bind(account_id.to_string())
        .bind(except_user.map(|u| u.to_string()))
        .execute(&mut *tx)
        .await?;
        let count = r.rows_affected();
        if let Some(obj) = audit.details.as_object_mut() {
            obj.insert("count".into(), count.into());
        }
        Self::insert_audit(&mut tx, &audit).await?;
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
             WHERE u.account_id = ?1 AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id \
               AND s.account_id = ?1 AND s.revoked_at IS NULL AND s.idle_expires_at > ?2 \
               AND s.absolute_expires_at > ?2) \
             ORDER BY u.last_login_at IS NULL, u.last_login_at DESC, u.name",
        )
        .bind(account_id.to_string())
        .bind(ts(now))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ActiveUser {
                    user_id: uuid(&r.try_get::<String, _>("id")?)?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    last_login_at: opt_ts(r.try_get("last_login_at")?)?,
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
            "SELECT {SESSION_COLS} FROM sessions s WHERE s.account_id = ?1 AND s.revoked_at IS NULL \
             AND s.idle_expires_at > ?2 AND s.absolute_expires_at > ?2 ORDER BY s.started_at DESC"
        ))
        .bind(account_id.to_string())
        .bind(ts(now))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| SessionRow::from_row(r).map(|s| s.0))
            .collect()
    }

    async fn update_policy(&self, c: PolicyChange) -> StoreResult<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let r = sqlx::query(
            "UPDATE accounts SET idle_minutes = ?, absolute_minutes = ? WHERE id = ? \
             AND idle_minutes IS ? AND absolute_minutes IS ?",
        )
        .bind(c.new.idle_minutes)
        .bind(c.new.absolute_minutes)
        .bind(c.account_id.to_string())
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
        let rows = sqlx::query(
            "SELECT account_id, actor_user_id, action, at, details FROM audit_log \
             WHERE ?1 IS NULL OR account_id = ?1 ORDER BY id",
        )
        .bind(account_id.map(|u| u.to_string()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let details: String = r.try_get("details")?;
                Ok(AuditRecord {
                    account_id: r
                        .try_get::<Option<String>, _>("account_id")?
                        .as_deref()
                        .map(uuid)
                        .transpose()?,
                    actor_user_id: r
                        .try_get::<Option<String>, _>("actor_user_id")?
                        .as_deref()
                        .map(uuid)
                        .transpose()?,
                    action: r.try_get("action")?,
                    at: parse_ts(&r.try_get::<String, _>("at")?)?,
                    details: serde_json::from_str(&details)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    async fn throttle(&self, email: &str) -> StoreResult<Option<Throttle>> {
        let row = sqlx::query(
            "SELECT failures, first_failure_at, locked_until FROM login_throttle WHERE email = ?",
        )
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
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query(
            "SELECT failures, first_failure_at, locked_until FROM login_throttle WHERE email = ?",
        )
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
        let prev = row.map(|r| throttle_from(&r)).transpose()?;
        let next = next_throttle(prev, now, rule);
        sqlx::query(
            "INSERT INTO login_throttle (email, failures, first_failure_at, locked_until) VALUES (?, ?, ?, ?) \
             ON CONFLICT(email) DO UPDATE SET failures = excluded.failures, \
             first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until",
        )
        .bind(email)
        .bind(next.failures)
        .bind(ts(next.first_failure_at))
        .bind(next.locked_until.map(ts))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    async fn clear_failures(&self, email: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_throttle WHERE email = ?")
            .bind(email)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn throttle_from(r: &SqliteRow) -> StoreResult<Throttle> {
    Ok(Throttle {
        failures: r.try_get("failures")?,
        first_failure_at: parse_ts(&r.try_get::<String, _>("first_failure_at")?)?,
        locked_until: opt_ts(r.try_get("locked_until")?)?,
    })
}

async fn insert_user(conn: &mut sqlx::SqliteConnection, u: &UserRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, account_id, name, email, password_hash, role, created_at, last_login_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(u.id.to_string())
    .bind(u.account_id.to_string())
    .bind(&u.name)
    .bind(&u.email)
    .bind(&u.password_hash)
    .bind(u.role.as_str())
    .bind(ts(u.created_at))
    .bind(u.last_login_at.map(ts))
    .execute(&mut *conn)
    .await
    .map_err(|e| map_unique(e, "email"))?;
    Ok(())
}
