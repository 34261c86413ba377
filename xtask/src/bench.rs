//! `cargo xtask bench [--quick]`: measures Tenure and writes BENCHMARKS.md (and the scaling
//! plot beside it). Every figure comes with a baseline from the same run:
//!
//! - the release app and its `.deb`, against a bare Tauri v2 "hello" app built from
//!   `bench/hello` with the same toolchain, crate versions (the workspace's Cargo.lock) and
//!   `[profile.release]`, bundled by the same Tauri CLI;
//! - start-up, memory and warning punctuality in real windows (`bench/benches/desktop.rs`)
//!   under Xvfb, a private D-Bus session bus and tauri-driver;
//! - the commands in process against bare SQL (`bench/benches/commands.rs`, criterion) on
//!   SQLite and a throwaway PostgreSQL.
//!
//! The run's raw results stay in `target/bench/`; `bench-report` turns them into the file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use serde_json::json;

use crate::{build_app, bundle, cargo, env, root, run, services, target_dir};

pub fn command(quick: bool) -> Result<()> {
    let started = Instant::now();
    env::ensure(true)?;
    let out = target_dir().join("bench");
    for stale in ["criterion", "desktop.json", "context.json"] {
        let p = out.join(stale);
        let _ = std::fs::remove_dir_all(&p);
        let _ = std::fs::remove_file(&p);
    }
    std::fs::create_dir_all(&out)?;
    for e in std::fs::read_dir(&out)?.flatten() {
        if e.file_name().to_string_lossy().starts_with("explain-") {
            std::fs::remove_file(e.path())?;
        }
    }

    // The apps: Tenure's release installer (which builds the UI and the release binary), the
    // test-hooks build for the punctuality runs, and the baseline.
    let bundles = bundle::bundle(false, false)?;
    let app = target_dir().join("release").join("tenure");
    let test_app = build_app(false, &["test-hooks"])?;
    let hello = build_hello()?;
    let sizes = sizes(&bundles.deb, &app, &hello)?;
    // Compile both benchmarks before anything is timed.
    run(cargo().args(["bench", "-p", "tenure-bench", "--no-run"]))?;

    let display = services::Xvfb::start()?;
    let bus = services::DbusSession::start()?;
    let driver = services::TauriDriver::start(&display, &bus)?;
    let postgres = services::Postgres::start()?;
    let quick_env = |c: &mut Command| {
        if quick {
            c.env("TENURE_BENCH_QUICK", "1")
                .env("TENURE_BENCH_RUNS", "3")
                .env("TENURE_BENCH_WARNINGS", "3")
                .env("TENURE_BENCH_SCALES", "10,1000");
        }
    };
    let mut commands = cargo();
    commands
        .args(["bench", "-p", "tenure-bench", "--bench", "commands"])
        .env("CRITERION_HOME", out.join("criterion"))
        .env("TENURE_BENCH_OUT", &out)
        .env("TENURE_BENCH_POSTGRES_URL", postgres.url());
    quick_env(&mut commands);
    let result = run(&mut commands).and_then(|()| {
        let mut desktop = cargo();
        desktop
            .args(["bench", "-p", "tenure-bench", "--bench", "desktop"])
            .env("DISPLAY", &display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("TENURE_WEBDRIVER_URL", driver.url())
            .env("TENURE_BENCH_APP", &app)
            .env("TENURE_BENCH_TEST_APP", &test_app)
            .env("TENURE_BENCH_HELLO", &hello.binary)
            .env("TENURE_BENCH_OUT", &out);
        quick_env(&mut desktop);
        run(&mut desktop)
    });
    drop(postgres);
    drop(driver);
    drop(bus);
    drop(display);
    result?;

    let context = json!({
        "date": output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))?,
        "machine": machine(),
        "rustc": output(Command::new("rustc").arg("-V"))?,
        "duration": format!("{:.0} min", started.elapsed().as_secs_f64() / 60.0),
        "sizes": sizes,
    });
    std::fs::write(
        out.join("context.json"),
        serde_json::to_string_pretty(&context)?,
    )?;
    // A quick run is for trying the harness: it never replaces the real figures.
    let md = if quick {
        out.join("BENCHMARKS.md")
    } else {
        root().join("BENCHMARKS.md")
    };
    run(cargo()
        .args([
            "run",
            "--quiet",
            "-p",
            "tenure-bench",
            "--features",
            "report",
            "--bin",
            "bench-report",
            "--",
        ])
        .arg(&out)
        .arg(&md))?;
    eprintln!(
        "xtask: benchmarks written to {} in {:.0} min",
        md.display(),
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

struct Hello {
    binary: PathBuf,
    deb: PathBuf,
}

/// Builds the baseline app from `bench/hello` in `target/bench/hello` (release, bundled).
fn build_hello() -> Result<Hello> {
    let src = root().join("bench").join("hello");
    let dir = target_dir().join("bench").join("hello");
    for f in [
        "build.rs",
        "tauri.conf.json",
        "src/main.rs",
        "dist/index.html",
    ] {
        let to = dir.join(f);
        std::fs::create_dir_all(to.parent().expect("a file in a directory"))?;
        copy_if_changed(&src.join(f), &to)?;
    }
    for icon in ["32x32.png", "128x128.png", "128x128@2x.png", "icon.png"] {
        let to = dir.join("icons").join(icon);
        std::fs::create_dir_all(to.parent().expect("icons dir"))?;
        copy_if_changed(&root().join("icons").join(icon), &to)?;
    }
    // The same crate versions as the app, and the same release flags.
    copy_if_changed(&root().join("Cargo.lock"), &dir.join("Cargo.lock"))?;
    let manifest = std::fs::read_to_string(src.join("Cargo.toml"))?;
    let profile = release_profile(&std::fs::read_to_string(root().join("Cargo.toml"))?)?;
    write_if_changed(
        &dir.join("Cargo.toml"),
        &manifest.replace("# @RELEASE_PROFILE@", &profile),
    )?;
    let target = dir.join("target");
    let mut c = bundle::tauri_cli()?;
    c.current_dir(&dir)
        .args(["build", "--ci", "--bundles", "deb"])
        .env("CARGO_TARGET_DIR", &target)
        .env("PATH", env::path_with_cargo_bin());
    run(&mut c)?;
    let deb_dir = target.join("release").join("bundle").join("deb");
    let deb = std::fs::read_dir(&deb_dir)
        .with_context(|| format!("no {}", deb_dir.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .context("the hello app's .deb")?;
    Ok(Hello {
        binary: target.join("release").join("hello"),
        deb,
    })
}

/// The `[profile.release]` table of the workspace manifest, as text.
fn release_profile(manifest: &str) -> Result<String> {
    let start = manifest
        .find("\n[profile.release]\n")
        .context("the workspace has a [profile.release]")?
        + 1;
    let rest = &manifest[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 2);
    Ok(rest[..end].trim_end().to_owned() + "\n")
}

fn copy_if_changed(from: &Path, to: &Path) -> Result<()> {
    let bytes = std::fs::read(from).with_context(|| format!("read {}", from.display()))?;
    if std::fs::read(to).ok().as_deref() != Some(bytes.as_slice()) {
        std::fs::write(to, bytes)?;
    }
    Ok(())
}

fn write_if_changed(to: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(to).ok().as_deref() != Some(text) {
        std::fs::write(to, text)?;
    }
    Ok(())
}

fn file_size(p: &Path) -> Result<u64> {
    Ok(std::fs::metadata(p)
        .with_context(|| format!("size of {}", p.display()))?
        .len())
}

fn gzip_size(p: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(p)
        .output()
        .context("gzip")?;
    ensure!(out.status.success(), "gzip {} failed", p.display());
    Ok(out.stdout.len() as u64)
}

fn sizes(deb: &Path, app: &Path, hello: &Hello) -> Result<serde_json::Value> {
    let dist = root().join("ui").join("dist");
    let wasm = std::fs::read_dir(&dist)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .context("the UI's .wasm in ui/dist")?;
    let page = target_dir()
        .join("bench")
        .join("hello")
        .join("dist")
        .join("index.html");
    Ok(json!({
        "tenure": {
            "deb": file_size(deb)?,
            "binary": file_size(app)?,
            "frontend_raw": file_size(&wasm)?,
            "frontend_gzip": gzip_size(&wasm)?,
        },
        "hello": {
            "deb": file_size(&hello.deb)?,
            "binary": file_size(&hello.binary)?,
            "frontend_raw": file_size(&page)?,
            "frontend_gzip": gzip_size(&page)?,
        },
        "note": "The front end is inside the binary in both apps (Tauri embeds it); \
                 the hello app's is one HTML page, so its ratio only says how much Tenure's UI weighs.",
    }))
}

fn output(c: &mut Command) -> Result<String> {
    let o = c
        .output()
        .with_context(|| format!("run {:?}", c.get_program()))?;
    Ok(String::from_utf8_lossy(&o.stdout).trim().to_owned())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem_gib:.0} GiB RAM, Linux {}",
        kernel.trim()
    )
}
