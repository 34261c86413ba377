//! Every backend command as one typed async function, and the session handle that keeps the
//! access token fresh. Pages never call `invoke` themselves: they call these, and commands that
//! need a session go through [`SessionHandle::authed`], which refreshes once and retries when
//! the token has lapsed.
//!
//! Argument objects use the key names the Tauri commands declare (`token`, `request`,
//! `scope`). They are serialised JSON-compatibly, so `None` travels as `null` and maps as
//! objects, which is what the backend's serde expects.

mod bridge;
mod error;
pub mod events;
mod session;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tenure_core::wire::{
    AddMemberRequest, AppStatus, Member, RevokeOutcome, RevokeScope, SecuritySettings, SessionView,
    SetupRequest, SignInRequest, UpdatePolicyRequest, WarningEvent,
};
use tenure_core::AppError;

pub use error::{describe, log_warning};
pub use session::{Live, SessionHandle};

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct TokenArgs<'a> {
    token: &'a str,
}

#[derive(Serialize)]
struct RequestArgs<'a, R> {
    request: &'a R,
}

#[derive(Serialize)]
struct TokenRequestArgs<'a, R> {
    token: &'a str,
    request: &'a R,
}

#[derive(Serialize)]
struct TokenScopeArgs<'a> {
    token: &'a str,
    scope: RevokeScope,
}

async fn call<A, T>(cmd: &str, args: &A) -> Result<T, AppError>
where
    A: Serialize,
    T: DeserializeOwned,
{
    let args = args
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| AppError::internal(format!("could not encode the request for {cmd}: {e}")))?;
    let value = bridge::invoke(cmd, args).await.map_err(error::decode)?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| AppError::internal(format!("unexpected answer from {cmd}: {e}")))
}

pub async fn app_status() -> Result<AppStatus, AppError> {
    call("app_status", &NoArgs {}).await
}

/// Creates the account and its owner, and signs the owner in.
pub async fn setup(request: SetupRequest) -> Result<SessionView, AppError> {
    call("setup", &RequestArgs { request: &request }).await
}

pub async fn sign_in(request: SignInRequest) -> Result<SessionView, AppError> {
    call("sign_in", &RequestArgs { request: &request }).await
}

/// Rotates the refresh token the backend holds; use [`SessionHandle::refresh`], which makes
/// sure only one runs at a time.
async fn refresh() -> Result<SessionView, AppError> {
    call("refresh", &NoArgs {}).await
}

async fn sign_out() -> Result<(), AppError> {
    call("sign_out", &NoArgs {}).await
}

/// The session the backend holds, if any: restores the signed-in state after a reload.
pub async fn current_session() -> Result<Option<SessionView>, AppError> {
    call("current_session", &NoArgs {}).await
}

// The commands below take the token by value so they can be handed to
// `SessionHandle::authed` as they are, which calls them again with a fresh token.

pub async fn current_warning(token: String) -> Result<Option<WarningEvent>, AppError> {
    call("current_warning", &TokenArgs { token: &token }).await
}

pub async fn security_settings(token: String) -> Result<SecuritySettings, AppError> {
    call("security_settings", &TokenArgs { token: &token }).await
}

pub async fn update_policy(
    token: String,
    request: UpdatePolicyRequest,
) -> Result<SecuritySettings, AppError> {
    let args = TokenRequestArgs {
        token: &token,
        request: &request,
    };
    call("update_policy", &args).await
}

pub async fn revoke_sessions(token: String, scope: RevokeScope) -> Result<RevokeOutcome, AppError> {
    let args = TokenScopeArgs {
        token: &token,
        scope,
    };
    call("revoke_sessions", &args).await
}

pub async fn list_members(token: String) -> Result<Vec<Member>, AppError> {
    call("list_members", &TokenArgs { token: &token }).await
}

pub async fn add_member(token: String, request: AddMemberRequest) -> Result<Member, AppError> {
    let args = TokenRequestArgs {
        token: &token,
        request: &request,
    };
    call("add_member", &args).await
}
