//! Tenure's developer commands, the README's front door:
//! `cargo xtask run [--demo]` builds the UI and the app and starts it on the embedded database;
//! `cargo xtask test` installs what a fresh machine lacks, starts Xvfb, a private D-Bus session
//! bus, tauri-driver and a throwaway PostgreSQL, runs every test, and stops them again;
//! `cargo xtask bench` measures and writes BENCHMARKS.md.

mod bench;
mod bundle;
mod env;
mod fuzz;
mod services;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "Build, run and test Tenure")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build the UI and the app, then start Tenure on its SQLite file in the app data directory.
    Run {
        /// Seed a demo account with an owner and members holding live and expired sessions.
        #[arg(long)]
        demo: bool,
        /// Build with the release profile.
        #[arg(long)]
        release: bool,
        /// Use this data directory instead of the platform's app data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Run every test: formatting, lints, unit, store and command tests, and the end-to-end
    /// tests in the real window.
    Test {
        /// Skip `cargo fmt --check` and clippy.
        #[arg(long)]
        no_lint: bool,
        /// Check the release installers (`cargo xtask bundle --check`, ~10 min from cold)
        /// instead of installers of the debug test binary.
        #[arg(long)]
        release_bundle: bool,
        /// Extra arguments for the test runner (e.g. a test name filter).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Install the system packages and build tools Tenure needs, then stop.
    Setup,
    /// Measure start-up, memory, size, the commands against bare SQL and warning punctuality,
    /// each against a baseline from the same run, and rewrite BENCHMARKS.md (~40 min).
    Bench {
        /// Sample less and skip 10 000 users, to try the harness; writes
        /// target/bench/BENCHMARKS.md instead of the real one.
        #[arg(long)]
        quick: bool,
    },
    /// Build the release installers (.deb and .rpm) with the Tauri bundler.
    Bundle {
        /// Then inspect the .deb and .rpm, install the .deb (dpkg -i), run the installed
        /// `tenure --version` and `tenure config check`, and remove it (dpkg -r). Needs root.
        #[arg(long)]
        check: bool,
        /// Bundle a debug build (quicker to build, larger).
        #[arg(long)]
        debug: bool,
        /// Check the newest bundles already built instead of building.
        #[arg(long, requires = "check")]
        no_build: bool,
    },
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Runs a command in the foreground, failing with its command line when it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: $ {}", show(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start {}", show(cmd)))?;
    if !status.success() {
        bail!("{} failed with {status}", show(cmd));
    }
    Ok(())
}

fn show(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().into_owned())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Builds the Yew UI into `ui/dist` with Trunk (offline, release: small and quick to load).
pub fn build_ui() -> Result<()> {
    let mut c = Command::new(env::tool("trunk"));
    c.current_dir(root().join("ui"))
        .args(["build", "--release"])
        // Trunk must find the pinned wasm-bindgen on PATH, never download one.
        .env("PATH", env::path_with_cargo_bin());
    run(&mut c)
}

/// Builds the app binary with the UI embedded; `features` adds e.g. `test-hooks`.
pub fn build_app(release: bool, features: &[&str]) -> Result<PathBuf> {
    let mut c = cargo();
    c.args(["build", "-p", "tenure", "--bin", "tenure"]);
    if release {
        c.arg("--release");
    }
    if !features.is_empty() {
        c.arg("--features").arg(features.join(","));
    }
    run(&mut c)?;
    Ok(target_dir()
        .join(if release { "release" } else { "debug" })
        .join("tenure"))
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Setup => env::ensure(true),
        Cmd::Bench { quick } => bench::command(quick),
        Cmd::Bundle {
            check,
            debug,
            no_build,
        } => bundle::command(check, debug, no_build),
        Cmd::Run {
            demo,
            release,
            data_dir,
        } => {
            env::ensure(false)?;
            build_ui()?;
            let bin = build_app(release, &[])?;
            let mut c = Command::new(bin);
            if demo {
                c.arg("--demo");
            }
            if let Some(d) = data_dir {
                c.arg("--data-dir").arg(d);
            }
            run(&mut c)
        }
        Cmd::Test {
            no_lint,
            release_bundle,
            args,
        } => test(no_lint, release_bundle, &args),
    }
}

fn test(no_lint: bool, release_bundle: bool, args: &[String]) -> Result<()> {
    env::ensure(true)?;
    let started = std::time::Instant::now();
    if !no_lint {
        run(cargo().args(["fmt", "--all", "--check"]))?;
    }
    build_ui()?;
    // The end-to-end tests drive this binary; `test-hooks` lets them move the backend clock.
    let app = build_app(false, &["test-hooks"])?;
    if !no_lint {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            "tenure/test-hooks,tenure-bench/report",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    let display = services::Xvfb::start()?;
    let bus = services::DbusSession::start()?;
    let driver = services::TauriDriver::start(&display, &bus)?;
    let postgres = services::Postgres::start()?;
    std::fs::create_dir_all(target_dir().join("e2e"))?;
    let mut c = cargo();
    c.args(["test", "--workspace", "--features", "tenure/test-hooks"])
        .env("DISPLAY", &display.name)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("TENURE_E2E", "1")
        .env("TENURE_E2E_APP", &app)
        .env("TENURE_E2E_SCREENSHOTS", target_dir().join("e2e"))
        .env("TENURE_WEBDRIVER_URL", driver.url())
        .env("TENURE_TAURI_DRIVER", env::tool("tauri-driver"))
        .env("TENURE_TEST_POSTGRES_URL", postgres.url())
        .arg("--")
        .args(args);
    let result = run(&mut c);
    drop(postgres);
    drop(driver);
    drop(bus);
    drop(display);
    result?;
    // The installers: inspect, dpkg -i, run the installed binary, dpkg -r. A filtered run
    // (`-- <filter>`) is after something else and skips it.
    if args.is_empty() || release_bundle {
        bundle::in_test(release_bundle)?;
    }
    // Arbitrary bytes into the command payloads and the policy rules, for a bounded time.
    fuzz::run_bounded()?;
    eprintln!(
        "xtask: every test passed in {:.0} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        target_dir().join("e2e").display()
    );
    Ok(())
}
