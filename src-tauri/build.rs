//! Declares the app's commands so the capability file can allow each one by name.
//! `debug_advance_clock` is declared always but only exists in builds with `test-hooks`; in a
//! release build invoking it finds no command.

const COMMANDS: &[&str] = &[
    "app_status",
    "setup",
    "sign_in",
    "refresh",
    "sign_out",
    "current_session",
    "current_warning",
    "security_settings",
    "update_policy",
    "revoke_sessions",
    "list_members",
    "add_member",
    "debug_advance_clock",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
