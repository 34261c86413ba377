//! The `tenure` binary: the desktop app.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

/// Tenure: decide how long people stay signed in, see who is, and sign them out.
#[derive(Debug, Parser)]
#[command(name = "tenure", version, about)]
struct Cli {
    /// Seed a demo account (an owner and members with live and expired sessions) on first start
    /// and print the owner's sign-in.
    #[arg(long)]
    demo: bool,
    /// Keep the embedded database in this directory instead of the app data directory
    /// (overrides `TENURE_DATA_DIR`).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<std::path::PathBuf>,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tao=warn,wry=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match tenure_app::run(tenure_app::RunOptions {
        demo: cli.demo,
        data_dir: cli.data_dir,
    }) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tenure: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
