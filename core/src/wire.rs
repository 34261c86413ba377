//! The wire contract: requests and responses of every command, as the UI and the backend both
//! see them. Times are UTC, RFC 3339 with offset. Secrets that travel here (passwords, the
//! access token) have a redacting `Debug`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::policy::{Bounds, EffectivePolicy, MinutesInput, PolicyOverride};

/// Minimum password length for new accounts and members (NIST SP 800-63B allows 8; we ask 10).
pub const MIN_PASSWORD_LEN: usize = 10;
/// Upper bound, so a megabyte "password" cannot make argon2 the bottleneck.
pub const MAX_PASSWORD_LEN: usize = 256;
pub const MAX_NAME_LEN: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

/// Whether the database is empty (first run shows Set up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppStatus {
    pub needs_setup: bool,
    pub version: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SetupRequest {
    pub account_name: String,
    pub owner_name: String,
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for SetupRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupRequest")
            .field("account_name", &self.account_name)
            .field("owner_name", &self.owner_name)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: Uuid,
    pub name: String,
}

/// The signed-in session as the UI sees it: who, the access token for commands, both expiries.
/// The refresh token is not here: it never leaves the backend.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub access_token: String,
    pub session_id: Uuid,
    pub user: UserView,
    pub account: AccountView,
    pub started_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub warning_lead_minutes: i64,
}

impl std::fmt::Debug for SessionView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionView")
            .field("access_token", &"<redacted>")
            .field("session_id", &self.session_id)
            .field("user", &self.user)
            .field("account", &self.account)
            .field("started_at", &self.started_at)
            .field("idle_expires_at", &self.idle_expires_at)
            .field("absolute_expires_at", &self.absolute_expires_at)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveUser {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// What the Session security page shows; returned by read and by update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettings {
    pub overrides: PolicyOverride,
    pub effective: EffectivePolicy,
    pub bounds: Bounds,
    pub active_users: Vec<ActiveUser>,
    /// The caller, so the UI can tag "(you)".
    pub caller_user_id: Uuid,
}

/// A requested policy change. Each field is `null` (use the system default) or a whole number
/// of minutes; anything else is a validation error naming the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePolicyRequest {
    #[serde(default)]
    pub idle_minutes: MinutesInput,
    #[serde(default)]
    pub absolute_minutes: MinutesInput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeScope {
    /// Every live session of the account except the caller's own.
    Others,
    /// Every live session of the account, the caller's included.
    All,
}

impl RevokeScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeScope::Others => "others",
            RevokeScope::All => "all",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeOutcome {
    pub revoked: u64,
    /// True when the caller's own session was among those revoked (scope `all`).
    pub signed_out_self: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct AddMemberRequest {
    pub name: String,
    pub email: String,
    /// A temporary password the owner hands over.
    pub password: String,
}

impl std::fmt::Debug for AddMemberRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddMemberRequest")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Event `session-warning`, sent by the backend's expiry watcher when the signed-in session
/// enters `soon` (once per expiry instant) and when the warning clears after a refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningEvent {
    pub session_id: Uuid,
    pub level: crate::warning::WarningLevel,
    pub reason: crate::warning::WarningReason,
    pub expires_at: DateTime<Utc>,
    pub minutes_left: i64,
}

/// Why the local session ended, as told to the UI by event `session-ended`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    /// Idle or absolute expiry: Sign in shows the "session expired" banner.
    Expired,
    /// Revoked by someone else (an owner on this or another desktop): banner shown too.
    Revoked,
    /// The person asked for it (Sign out, or their own revoke `all`): no banner.
    SignedOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEndedEvent {
    pub by: EndedBy,
}

/// Event names, shared so the two sides cannot drift.
pub const EVENT_WARNING: &str = "session-warning";
pub const EVENT_ENDED: &str = "session-ended";

/// Trims and checks a person's or account's name.
pub fn validate_name(field: &str, label: &str, raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::validation(field, format!("{label} is required")));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(AppError::validation(
            field,
            format!("{label} must be at most {MAX_NAME_LEN} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            format!("{label} cannot contain control characters"),
        ));
    }
    Ok(name.to_owned())
}

/// Normalises an email address (trimmed, lower case) and checks its shape: one `@`, a local
/// part, and a domain with a dot. Deliverability is not ours to judge.
pub fn normalize_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let bad = || AppError::validation("email", "Enter an email address such as name@example.com");
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(email)
}

/// Checks a new password's length (characters, not bytes).
pub fn validate_new_password(raw: &str) -> Result<(), AppError> {
    let n = raw.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(AppError::validation(
            "password",
            format!("Password must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if n > MAX_PASSWORD_LEN {
        return Err(AppError::validation(
            "password",
            format!("Password must be at most {MAX_PASSWORD_LEN} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(" Ada@Example.COM ", Some("ada@example.com"))]
    #[case("a@b.co", Some("a@b.co"))]
    #[case("", None)]
    #[case("ada", None)]
    #[case("@example.com", None)]
    #[case("ada@", None)]
    #[case("ada@example", None)]
    #[case("ada@@example.com", None)]
    #[case("a da@example.com", None)]
    #[case("ada@example..com", None)]
    fn emails(#[case] raw: &str, #[case] want: Option<&str>) {
        assert_eq!(normalize_email(raw).ok().as_deref(), want);
    }

    #[test]
    fn passwords_and_names() {
        assert!(validate_new_password("short").is_err());
        assert!(validate_new_password("long enough!").is_ok());
        assert!(validate_new_password(&"x".repeat(257)).is_err());
        assert_eq!(validate_name("name", "Name", "  Ada ").unwrap(), "Ada");
        assert!(validate_name("name", "Name", "   ").is_err());
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let r = SignInRequest {
            email: "a@b.co".into(),
            password: "hunter2hunter2".into(),
        };
        assert!(!format!("{r:?}").contains("hunter2"));
    }

    #[test]
    fn error_is_tagged_by_kind() {
        let e = AppError::validation("idle_minutes", "nope");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "Validation");
        assert_eq!(v["field"], "idle_minutes");
    }
}
