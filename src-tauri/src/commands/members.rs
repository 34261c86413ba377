//! The owner's Members commands.

use tauri::State;
use tenure_core::wire::{AddMemberRequest, Member};
use tenure_core::AppError;

use crate::state::AppState;

#[tauri::command]
pub async fn list_members(
    state: State<'_, AppState>,
    token: String,
) -> Result<Vec<Member>, AppError> {
    let p = state.service.authenticate(&token).await?;
    state.service.list_members(&p).await
}

#[tauri::command]
pub async fn add_member(
    state: State<'_, AppState>,
    token: String,
    request: AddMemberRequest,
) -> Result<Member, AppError> {
    let p = state.service.authenticate(&token).await?;
    state.service.add_member(&p, request).await
}
