//! The owner's Session security commands and the current expiry warning.

use tauri::State;
use tenure_core::wire::{
    RevokeOutcome, RevokeScope, SecuritySettings, UpdatePolicyRequest, WarningEvent,
};
use tenure_core::AppError;

use crate::state::AppState;

#[tauri::command]
pub async fn security_settings(
    state: State<'_, AppState>,
    token: String,
) -> Result<SecuritySettings, AppError> {
    let p = state.service.authenticate(&token).await?;
    state.service.security_settings(&p).await
}

#[tauri::command]
pub async fn update_policy(
    state: State<'_, AppState>,
    token: String,
    request: UpdatePolicyRequest,
) -> Result<SecuritySettings, AppError> {
    let p = state.service.authenticate(&token).await?;
    state.service.update_policy(&p, request).await
}

#[tauri::command]
pub async fn revoke_sessions(
    state: State<'_, AppState>,
    token: String,
    scope: RevokeScope,
) -> Result<RevokeOutcome, AppError> {
    let p = state.service.authenticate(&token).await?;
    let outcome = state.service.revoke(&p, scope).await?;
    if outcome.signed_out_self {
        state.clear_if(p.session.id).await;
    }
    Ok(outcome)
}

/// The warning the watcher would show now, for a page that loads after the event was sent.
#[tauri::command]
pub async fn current_warning(
    state: State<'_, AppState>,
    token: String,
) -> Result<Option<WarningEvent>, AppError> {
    let p = state.service.authenticate(&token).await?;
    Ok(crate::watcher::warning_event(
        &p.session,
        state.service.now(),
        state.service.settings().warning_lead_minutes,
    ))
}
