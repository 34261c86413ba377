//! The rules of Tenure applied to the store: setup, sign-in with throttling, refresh rotation,
//! the per-command session check, and the owner's controls. Nothing here knows about Tauri;
//! the commands are thin wrappers, and the CLI and tests call this directly.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use tenure_core::policy::{validate_policy, Bounds, PolicyOverride};
use tenure_core::session::{new_windows, status, EndReason, SessionStatus};
use tenure_core::wire::{
    normalize_email, validate_name, validate_new_password, AccountView, ActiveUser,
    AddMemberRequest, AppStatus, Member, RevokeOutcome, RevokeScope, Role, SecuritySettings,
    SessionView, SetupRequest, SignInRequest, UpdatePolicyRequest, UserView,
};
use tenure_core::AppError;
use uuid::Uuid;

use crate::auth::password;
use crate::auth::refresh::RefreshToken;
use crate::auth::tokens::TokenKeys;
use crate::clock::Clock;
use crate::store::{
    AccountRecord, AuditEntry, NewSession, PolicyChange, RotateOutcome, Rotation, SessionRecord,
    Store, StoreError, ThrottleRule, UserRecord,
};

/// Settings the service enforces, from the layered configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub bounds: Bounds,
    pub warning_lead_minutes: i64,
    pub throttle: ThrottleSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleSettings {
    pub max_failures: i64,
    pub window_minutes: i64,
    pub lock_minutes: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bounds: Bounds::default(),
            warning_lead_minutes: 5,
            throttle: ThrottleSettings {
                max_failures: 5,
                window_minutes: 15,
                lock_minutes: 15,
            },
        }
    }
}

/// The device a session is started on: host name and OS, and the app version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub label: String,
    pub app_version: String,
}

impl Device {
    pub fn this_machine() -> Self {
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        Self {
            label: format!("{host} ({})", std::env::consts::OS),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// A successful sign-in or refresh: what the UI sees, and the refresh token only the backend
/// keeps.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub view: SessionView,
    pub refresh: RefreshToken,
}

/// Who is calling, as established by [`Service::authenticate`]: token valid, session live in the
/// database, role read from the database (not from the token, which may predate a change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub account_id: Uuid,
    pub role: Role,
    pub session: SessionRecord,
}

/// How long a just-rotated refresh token still counts as a benign double refresh.
pub const REFRESH_GRACE_SECONDS: i64 = 10;

pub struct Service {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    keys: TokenKeys,
    settings: Settings,
    device: Device,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("store", &self.store.backend())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

fn store_err(e: StoreError) -> AppError {
    match e {
        StoreError::Duplicate(what) => AppError::Conflict {
            field: Some(what.to_owned()),
            message: format!("That {what} is already in use."),
        },
        StoreError::Conflict(msg) => AppError::Conflict {
            field: None,
            message: format!("{}{}.", msg[..1].to_uppercase(), &msg[1..]),
        },
        other => {
            tracing::error!(error = %other, "store failure");
            AppError::internal("the database could not complete the request")
        }
    }
}

impl Service {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        keys: TokenKeys,
        settings: Settings,
        device: Device,
    ) -> Self {
        Self {
            store,
            clock,
            keys,
            settings,
            device,
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub async fn status(&self) -> Result<AppStatus, AppError> {
        Ok(AppStatus {
            needs_setup: self.store.is_empty().await.map_err(store_err)?,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    /// Creates a new user record with a hashed password (validated first).
    async fn new_user(
        &self,
        account_id: Uuid,
        name_field: &str,
        name: &str,
        email: &str,
        password: &str,
        role: Role,
    ) -> Result<UserRecord, AppError> {
        let name = validate_name(name_field, "Name", name)?;
        let email = normalize_email(email)?;
        validate_new_password(password)?;
        let hash = hash_password(password.to_owned()).await?;
        Ok(UserRecord {
            id: Uuid::new_v4(),
            account_id,
            name,
            email,
            password_hash: hash,
            role,
            created_at: self.now(),
            last_login_at: None,
        })
    }

    /// First run: creates the account and its owner, then signs the owner in.
    pub async fn setup(&self, req: SetupRequest) -> Result<SignedIn, AppError> {
        let account_name = validate_name("account_name", "Account name", &req.account_name)?;
        let account = AccountRecord {
            id: Uuid::new_v4(),
            name: account_name,
            overrides: Default::default(),
            created_at: self.now(),
        };
        let owner = self
            .new_user(
                account.id,
                "owner_name",
                &req.owner_name,
                &req.email,
                &req.password,
                Role::Owner,
            )
            .await?;
        self.store
            .create_account(account.clone(), owner.clone())
            .await
            .map_err(store_err)?;
        self.store
            .audit(AuditEntry {
                account_id: Some(account.id),
                actor_user_id: Some(owner.id),
                action: "account.create",
                at: self.now(),
                details: json!({ "account_name": account.name, "owner_email": owner.email }),
            })
            .await
            .map_err(store_err)?;
        self.start_session(&owner, &account).await
    }

    /// Signs in by email (case-insensitive) and password. Unknown email and wrong password get
    /// the same error, after the same argon2 work; failures are throttled per address whether or
    /// not the address exists, so the lock reveals nothing.
    pub async fn sign_in(&self, req: SignInRequest) -> Result<SignedIn, AppError> {
        let email = req.email.trim().to_lowercase();
        let now = self.now();
        if email.is_empty() || req.password.is_empty() {
            return Err(AppError::InvalidCredentials);
        }
        if req.password.chars().count() > tenure_core::wire::MAX_PASSWORD_LEN {
            return Err(AppError::InvalidCredentials);
        }
        if let Some(t) = self.store.throttle(&email).await.map_err(store_err)? {
            if let Some(until) = t.locked_until.filter(|u| *u > now) {
                return Err(AppError::LockedOut { until });
            }
        }
        // Count the attempt before checking the password, and refund it on success: a burst of
        // concurrent guesses would otherwise all pass the lock check above while each waits on
        // argon2, and get as many guesses as it has requests. The count is atomic in the store,
        // so this holds across desktops sharing a database too.
        let rule = ThrottleRule {
            max_failures: self.settings.throttle.max_failures,
            window: Duration::minutes(self.settings.throttle.window_minutes),
            lock_for: Duration::minutes(self.settings.throttle.lock_minutes),
        };
        let t = self
            .store
            .record_failure(&email, now, rule)
            .await
            .map_err(store_err)?;
        if let Some(until) = t.locked_until.filter(|_| t.failures > rule.max_failures) {
            // Past the limit within this burst: refused without trying the password.
            return Err(AppError::LockedOut { until });
        }
        let user = self.store.user_by_email(&email).await.map_err(store_err)?;
        let stored = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| password::dummy_hash().to_owned());
        let ok = verify_password(req.password, stored).await? && user.is_some();
        let Some(user) = user.filter(|_| ok) else {
            self.store
                .audit(AuditEntry {
                    account_id: None,
                    actor_user_id: None,
                    action: "sign_in.failure",
                    at: now,
                    details: json!({ "email": email, "failures": t.failures }),
                })
                .await
                .map_err(store_err)?;
            return Err(match t.locked_until {
                Some(until) => AppError::LockedOut { until },
                None => AppError::InvalidCredentials,
            });
        };
        self.store.clear_failures(&email).await.map_err(store_err)?;
        let account = self.account(user.account_id).await?;
        self.start_session(&user, &account).await
    }

    async fn start_session(
        &self,
        user: &UserRecord,
        account: &AccountRecord,
    ) -> Result<SignedIn, AppError> {
        let now = self.now();
        let effective = account.overrides.effective(&self.settings.bounds);
        let (idle_expires_at, absolute_expires_at) = new_windows(now, &effective)?;
        let refresh = RefreshToken::generate();
        let record = SessionRecord {
            id: Uuid::new_v4(),
            user_id: user.id,
            account_id: account.id,
            idle_minutes: effective.idle_minutes,
            started_at: now,
            last_refreshed_at: now,
            idle_expires_at,
            absolute_expires_at,
            revoked_at: None,
            device_label: self.device.label.clone(),
            app_version: self.device.app_version.clone(),
        };
        self.store
            .start_session(
                NewSession {
                    record: record.clone(),
                    refresh_hash: refresh.hash(),
                },
                AuditEntry {
                    account_id: Some(account.id),
                    actor_user_id: Some(user.id),
                    action: "sign_in.success",
                    at: now,
                    details: json!({ "session_id": record.id, "device": record.device_label }),
                },
            )
            .await
            .map_err(store_err)?;
        let view = self.view(user, account, &record)?;
        Ok(SignedIn { view, refresh })
    }

    fn view(
        &self,
        user: &UserRecord,
        account: &AccountRecord,
        s: &SessionRecord,
    ) -> Result<SessionView, AppError> {
        let (access_token, _) = self
            .keys
            .issue(user.id, account.id, user.role, s.id, self.now())
            .map_err(|e| AppError::internal(format!("could not sign the access token: {e}")))?;
        Ok(SessionView {
            access_token,
            session_id: s.id,
            user: UserView {
                id: user.id,
                name: user.name.clone(),
                email: user.email.clone(),
                role: user.role,
            },
            account: AccountView {
                id: account.id,
                name: account.name.clone(),
            },
            started_at: s.started_at,
            idle_expires_at: s.idle_expires_at,
            absolute_expires_at: s.absolute_expires_at,
            warning_lead_minutes: self.settings.warning_lead_minutes,
        })
    }

    /// Rotates the refresh token and moves the idle expiry. Fails with the reason when the
    /// session is no longer live. A replayed old token ends the whole session.
    pub async fn refresh(
        &self,
        session_id: Uuid,
        token: &RefreshToken,
    ) -> Result<SignedIn, AppError> {
        let next = RefreshToken::generate();
        let outcome = self
            .store
            .rotate_refresh(Rotation {
                session_id,
                old: token.hash(),
                new: next.hash(),
                now: self.now(),
                grace: Duration::seconds(REFRESH_GRACE_SECONDS),
            })
            .await
            .map_err(store_err)?;
        let refreshed = match outcome {
            RotateOutcome::Rotated(r) => r,
            RotateOutcome::NotLive(r) => {
                return Err(match status(&r.times(), self.now()) {
                    SessionStatus::Ended(reason) => AppError::SessionEnded { reason },
                    SessionStatus::Live => AppError::Unauthenticated,
                })
            }
            RotateOutcome::Superseded => {
                return Err(AppError::Conflict {
                    field: None,
                    message: "This session was refreshed a moment ago; use the newer token.".into(),
                })
            }
            RotateOutcome::ReuseDetected => {
                tracing::warn!(%session_id, "refresh token reuse detected; session revoked");
                return Err(AppError::SessionEnded {
                    reason: EndReason::Revoked,
                });
            }
            RotateOutcome::Unknown => return Err(AppError::Unauthenticated),
        };
        let view = self.view(&refreshed.user, &refreshed.account, &refreshed.session)?;
        Ok(SignedIn {
            view,
            refresh: next,
        })
    }

    /// The account a user or session belongs to. A foreign key guarantees it exists, so its
    /// absence is an internal error, not the caller's.
    async fn account(&self, id: Uuid) -> Result<AccountRecord, AppError> {
        self.store
            .account(id)
            .await
            .map_err(store_err)?
            .ok_or_else(|| AppError::internal("the account is missing"))
    }

    /// Revokes one session (sign out). Revoking an already ended session is not an error.
    pub async fn sign_out(&self, session_id: Uuid) -> Result<(), AppError> {
        self.store
            .revoke_session(session_id, self.now())
            .await
            .map_err(store_err)?;
        Ok(())
    }

    /// The per-command check: the token is genuine and current, and its session is live in the
    /// database right now, so a revoked session stops at once.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, AppError> {
        let now = self.now();
        // Malformed, forged, expired or not yet valid: all mean "sign in again".
        let claims = self
            .keys
            .verify(token, now)
            .map_err(|_| AppError::Unauthenticated)?;
        let (session, user) = self
            .store
            .session_with_user(claims.sid)
            .await
            .map_err(store_err)?
            .ok_or(AppError::Unauthenticated)?;
        if session.user_id != claims.sub || user.account_id != claims.acc {
            return Err(AppError::Unauthenticated);
        }
        if let SessionStatus::Ended(reason) = status(&session.times(), now) {
            return Err(AppError::SessionEnded { reason });
        }
        Ok(Principal {
            user_id: user.id,
            account_id: user.account_id,
            role: user.role,
            session,
        })
    }

    /// The live state of a session held locally (start-up, reload): a new access token if live.
    pub async fn resume(&self, session_id: Uuid) -> Result<SessionView, AppError> {
        let now = self.now();
        let (session, user) = self
            .store
            .session_with_user(session_id)
            .await
            .map_err(store_err)?
            .ok_or(AppError::Unauthenticated)?;
        if let SessionStatus::Ended(reason) = status(&session.times(), now) {
            return Err(AppError::SessionEnded { reason });
        }
        let account = self.account(user.account_id).await?;
        self.view(&user, &account, &session)
    }

    /// Refuses members, and audits the attempt: the UI hiding a button is not the check.
    async fn require_owner(&self, p: &Principal, command: &str) -> Result<(), AppError> {
        if p.role == Role::Owner {
            return Ok(());
        }
        let _ = self
            .store
            .audit(AuditEntry {
                account_id: Some(p.account_id),
                actor_user_id: Some(p.user_id),
                action: "forbidden",
                at: self.now(),
                details: json!({ "command": command }),
            })
            .await
            .map_err(|e| tracing::error!(error = %e, "could not audit a refused command"));
        Err(AppError::forbidden_owner_only())
    }

    pub async fn security_settings(&self, p: &Principal) -> Result<SecuritySettings, AppError> {
        self.require_owner(p, "security_settings").await?;
        self.read_settings(p).await
    }

    async fn read_settings(&self, p: &Principal) -> Result<SecuritySettings, AppError> {
        let account = self.account(p.account_id).await?;
        self.settings_with(p, account.overrides).await
    }

    /// The settings page for `overrides` the caller already holds (just read or just stored).
    async fn settings_with(
        &self,
        p: &Principal,
        overrides: PolicyOverride,
    ) -> Result<SecuritySettings, AppError> {
        let active_users = self.active_users(p.account_id).await?;
        Ok(SecuritySettings {
            overrides,
            effective: overrides.effective(&self.settings.bounds),
            bounds: self.settings.bounds,
            active_users,
            caller_user_id: p.user_id,
        })
    }

    pub async fn active_users(&self, account_id: Uuid) -> Result<Vec<ActiveUser>, AppError> {
        self.store
            .active_users(account_id, self.now())
            .await
            .map_err(store_err)
    }

    /// Validates (the same `tenure-core` function the UI calls), stores and audits the policy.
    /// A rejected change touches nothing.
    pub async fn update_policy(
        &self,
        p: &Principal,
        req: UpdatePolicyRequest,
    ) -> Result<SecuritySettings, AppError> {
        self.require_owner(p, "update_policy").await?;
        let bounds = self.settings.bounds;
        let valid =
            validate_policy(&req.idle_minutes, &req.absolute_minutes, &bounds).map_err(|errs| {
                AppError::from(errs.into_iter().next().expect("errors are non-empty"))
            })?;
        let account = self.account(p.account_id).await?;
        if account.overrides != valid.overrides() {
            self.store
                .update_policy(PolicyChange {
                    account_id: p.account_id,
                    expected: account.overrides,
                    new: valid.overrides(),
                    old_effective: account.overrides.effective(&bounds),
                    new_effective: valid.effective(),
                    actor: p.user_id,
                    at: self.now(),
                })
                .await
                .map_err(store_err)?;
        }
        self.settings_with(p, valid.overrides()).await
    }

    /// Revokes the account's live sessions, atomically, and audits scope and count.
    pub async fn revoke(
        &self,
        p: &Principal,
        scope: RevokeScope,
    ) -> Result<RevokeOutcome, AppError> {
        self.require_owner(p, "revoke_sessions").await?;
        // `others` keeps every session of the caller (on any of their desktops).
        let except = match scope {
            RevokeScope::Others => Some(p.user_id),
            RevokeScope::All => None,
        };
        let now = self.now();
        let revoked = self
            .store
            .revoke_account_sessions(
                p.account_id,
                except,
                now,
                AuditEntry {
                    account_id: Some(p.account_id),
                    actor_user_id: Some(p.user_id),
                    action: "sessions.revoke",
                    at: now,
                    details: json!({ "scope": scope.as_str() }),
                },
            )
            .await
            .map_err(store_err)?;
        Ok(RevokeOutcome {
            revoked,
            signed_out_self: scope == RevokeScope::All,
        })
    }

    pub async fn list_members(&self, p: &Principal) -> Result<Vec<Member>, AppError> {
        self.require_owner(p, "list_members").await?;
        let users = self.store.users(p.account_id).await.map_err(store_err)?;
        Ok(users.into_iter().map(member).collect())
    }

    pub async fn add_member(
        &self,
        p: &Principal,
        req: AddMemberRequest,
    ) -> Result<Member, AppError> {
        self.require_owner(p, "add_member").await?;
        self.add_member_as(p.account_id, Some(p.user_id), req).await
    }

    /// Adds a member to an account; `actor` is `None` when IT does it from the command line.
    pub async fn add_member_as(
        &self,
        account_id: Uuid,
        actor: Option<Uuid>,
        req: AddMemberRequest,
    ) -> Result<Member, AppError> {
        let user = self
            .new_user(
                account_id,
                "name",
                &req.name,
                &req.email,
                &req.password,
                Role::Member,
            )
            .await?;
        self.store
            .add_user(user.clone())
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => AppError::Conflict {
                    field: Some("email".into()),
                    message: format!("{} already has an account in Tenure.", user.email),
                },
                other => store_err(other),
            })?;
        self.store
            .audit(AuditEntry {
                account_id: Some(account_id),
                actor_user_id: actor,
                action: "member.add",
                at: self.now(),
                details: json!({ "user_id": user.id, "email": user.email }),
            })
            .await
            .map_err(store_err)?;
        Ok(member(user))
    }
}

fn member(u: UserRecord) -> Member {
    Member {
        user_id: u.id,
        name: u.name,
        email: u.email,
        role: u.role,
        created_at: u.created_at,
        last_login_at: u.last_login_at,
    }
}

async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| AppError::internal(format!("hashing task failed: {e}")))?
        .map_err(|e| AppError::internal(format!("could not hash the password: {e}")))
}

async fn verify_password(password: String, stored: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || password::verify(&password, &stored))
        .await
        .map_err(|e| AppError::internal(format!("verification task failed: {e}")))
}

impl Service {
    /// The same service on another clock and device, sharing the store (demo seeding and tests
    /// that act as a second desktop).
    pub fn with_clock(&self, clock: Arc<dyn Clock>, device: Device) -> Service {
        Service {
            store: self.store.clone(),
            clock,
            keys: TokenKeys::random(),
            settings: self.settings,
            device,
        }
    }
}
