//! Test hooks (feature `test-hooks`, never in release builds): move the backend clock so the
//! end-to-end tests reach an expiry without waiting minutes.

use tauri::State;
use tenure_core::AppError;

use crate::state::AppState;

#[tauri::command]
pub async fn debug_advance_clock(
    state: State<'_, AppState>,
    clock: State<'_, crate::clock::OffsetClock>,
    seconds: i64,
) -> Result<String, AppError> {
    let d = chrono::Duration::try_seconds(seconds)
        .ok_or_else(|| AppError::validation("seconds", "out of range"))?;
    clock.advance(d);
    state.poke.notify_one();
    Ok(state.service.now().to_rfc3339())
}
