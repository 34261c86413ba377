//! Setup, sign-in, refresh, sign-out and the current session.

use tauri::State;
use tenure_core::wire::{AppStatus, SessionView, SetupRequest, SignInRequest};
use tenure_core::AppError;

use crate::state::AppState;

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    state.service.status().await
}

#[tauri::command]
pub async fn setup(
    state: State<'_, AppState>,
    request: SetupRequest,
) -> Result<SessionView, AppError> {
    let signed_in = state.service.setup(request).await?;
    Ok(state.set_signed_in(signed_in).await)
}

#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    request: SignInRequest,
) -> Result<SessionView, AppError> {
    let signed_in = state.service.sign_in(request).await?;
    // Signing in again on this desktop replaces (and ends) the previous local session.
    if let Some(old) = state.local().await {
        let _ = state.service.sign_out(old.view.session_id).await;
    }
    Ok(state.set_signed_in(signed_in).await)
}

#[tauri::command]
pub async fn refresh(state: State<'_, AppState>) -> Result<SessionView, AppError> {
    state.refresh().await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<(), AppError> {
    if let Some(id) = state.clear().await {
        state.service.sign_out(id).await?;
    }
    Ok(())
}

/// The local session with a fresh access token, or `null` when signed out. An ended session is
/// forgotten and reported with its reason.
#[tauri::command]
pub async fn current_session(state: State<'_, AppState>) -> Result<Option<SessionView>, AppError> {
    let Some(local) = state.local().await else {
        return Ok(None);
    };
    match state.service.resume(local.view.session_id).await {
        Ok(view) => Ok(Some(view)),
        Err(e) => {
            state.clear_if(local.view.session_id).await;
            Err(e)
        }
    }
}
