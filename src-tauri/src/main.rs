//! The `tenure` binary: the desktop app, and the command line IT uses without a display
//! ([`cli`]). Configuration is loaded and checked here, before anything touches the display, so
//! a wrong config stops start-up with one message on stderr.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod cli;
mod logging;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command {
        Some(_) if args.demo => cli::Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--demo starts the app; it cannot be combined with a command",
            )
            .exit(),
        Some(command) => cli::run(command, args.data_dir),
        None => start_app(args.demo, args.data_dir),
    }
}

fn start_app(demo: bool, data_dir: Option<std::path::PathBuf>) -> ExitCode {
    let config = match tenure_app::config::Config::load(data_dir.as_deref())
        .and_then(|c| c.ensure_data_dir().map(|()| c))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tenure: {e}");
            return ExitCode::from(2);
        }
    };
    logging::init_app();
    tracing::info!(
        ?config,
        version = env!("CARGO_PKG_VERSION"),
        "starting Tenure"
    );
    match tenure_app::run(tenure_app::RunOptions { demo, config }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            eprintln!("tenure: {e}");
            ExitCode::FAILURE
        }
    }
}
