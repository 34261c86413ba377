//! Logging. The desktop app logs to stderr and to a file in the platform log directory
//! (`~/.local/share/app.tenure.desktop/logs/tenure.YYYY-MM-DD.log` on Linux), rotated daily and
//! kept for [`KEEP_FILES`] days. The command line logs to stderr only, warnings and errors by
//! default, so its own output stays readable. `RUST_LOG` overrides the filter of both.

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{fmt, EnvFilter};

/// Daily files kept before the oldest is deleted.
pub const KEEP_FILES: usize = 7;

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
}

/// The command line: stderr only.
pub fn init_cli() {
    tracing_subscriber::registry()
        .with(filter("warn"))
        .with(fmt::layer().with_writer(std::io::stderr))
        .init();
}

/// The desktop app: stderr and the rotating file. A log directory that cannot be created is
/// reported on stderr and the app runs without the file: logs are never a reason not to start.
pub fn init_app() {
    let dir = tenure_app::config::default_log_dir();
    let file = dir.as_ref().map(|dir| {
        // The appender prunes old files at start and complains when the folder is missing.
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("tenure")
            .filename_suffix("log")
            .max_log_files(KEEP_FILES)
            .build(dir)
            .map_err(|e| e.to_string())
    });
    let stderr = fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry()
        .with(filter("info,sqlx=warn,tao=warn,wry=warn"))
        .with(stderr);
    match file {
        // Written synchronously, not through a background worker: Tauri ends the process with
        // `exit` after its event loop, which would drop the worker's last lines (sign-out on
        // quit). The app logs a few lines a minute, so blocking costs nothing.
        Some(Ok(appender)) => {
            registry
                .with(fmt::layer().with_ansi(false).with_writer(appender))
                .init();
            if let Some(dir) = dir {
                tracing::info!(dir = %dir.display(), "logging to files");
            }
        }
        Some(Err(e)) => {
            registry.init();
            tracing::warn!(error = %e, "no log file; logging to stderr only");
        }
        None => {
            registry.init();
            tracing::warn!("this system has no log directory; logging to stderr only");
        }
    }
}
