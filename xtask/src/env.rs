//! Installs what a fresh machine lacks: Debian packages (when root; otherwise prints the exact
//! command), the wasm32 target, and the build tools at the versions Tenure pins. Each step is
//! checked first, so a warm machine skips it in milliseconds.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Result};

use crate::run;

/// wasm-bindgen's CLI must equal the `wasm-bindgen` crate pinned in `ui/Cargo.toml`.
pub const WASM_BINDGEN: &str = "0.2.130";
/// 0.22 needs a newer rustc than this machine's.
pub const TRUNK: &str = "0.21.14";
pub const TAURI_DRIVER: &str = "^2";
/// wasm-opt for the UI's release build: binaryen's npm package (binaryen compiled to run on
/// Node), the only build of it these machines can fetch.
pub const BINARYEN: &str = "binaryen@132.0.0";

/// Packages to build the app (WebKitGTK and friends).
const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "file",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libsoup-3.0-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    // The benchmark report draws its plot with system fonts (plotters, font-kit).
    "libfontconfig-dev",
];

/// Packages the tests use: a display, WebDriver, a session bus, PostgreSQL.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "x11-utils",
    "xdotool",
    "imagemagick",
    "fonts-dejavu-core",
    "webkit2gtk-driver",
    "dbus",
    "dbus-x11",
    "rpm",
    "postgresql",
];

pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/root/.cargo"))
        .join("bin")
}

/// Where `wasm-opt` (binaryen from npm) is installed.
fn binaryen_bin() -> PathBuf {
    crate::target_dir()
        .join("binaryen")
        .join("node_modules")
        .join(".bin")
}

/// PATH with cargo's bin directory first, so the pinned tools win, and binaryen's `wasm-opt`.
pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut parts = vec![cargo_bin(), binaryen_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        parts.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(parts).unwrap_or_default()
}

pub fn tool(name: &str) -> PathBuf {
    let p = cargo_bin().join(name);
    if p.exists() {
        p
    } else {
        PathBuf::from(name)
    }
}

fn version_of(name: &str) -> Option<String> {
    let out = Command::new(tool(name)).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn missing_packages(list: &[&str]) -> Vec<String> {
    list.iter()
        .filter(|p| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
                .unwrap_or(false)
        })
        .map(|p| p.to_string())
        .collect()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Makes sure everything is installed. `for_tests` adds the test packages and tauri-driver.
pub fn ensure(for_tests: bool) -> Result<()> {
    let mut wanted: Vec<&str> = BUILD_PACKAGES.to_vec();
    if for_tests {
        wanted.extend_from_slice(TEST_PACKAGES);
    }
    let missing = missing_packages(&wanted);
    if !missing.is_empty() {
        let cmd = format!(
            "apt-get update && apt-get install -y --no-install-recommends {}",
            missing.join(" ")
        );
        if !is_root() {
            bail!("missing system packages; run as root:\n  sudo sh -c '{cmd}'");
        }
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()?;
    if !String::from_utf8_lossy(&targets.stdout).contains("wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if !version_of("trunk").is_some_and(|v| v.ends_with(TRUNK)) {
        run(Command::new("cargo").args(["install", "trunk", "--version", TRUNK, "--locked"]))?;
    }
    if !version_of("wasm-bindgen").is_some_and(|v| v.ends_with(WASM_BINDGEN)) {
        // Not --locked: its lockfile pins a crate version the registry lacks.
        run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN,
        ]))?;
    }
    let wasm_opt_version = Command::new(binaryen_bin().join("wasm-opt"))
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let want = BINARYEN
        .rsplit('@')
        .next()
        .unwrap_or("")
        .split('.')
        .next()
        .unwrap_or("");
    if !wasm_opt_version.contains(&format!("version {want}")) {
        run(Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(crate::target_dir().join("binaryen"))
            .args(["--no-audit", "--no-fund", "--loglevel=error", BINARYEN]))?;
    }
    // tauri-driver has no --version; its presence is the check.
    if for_tests && !cargo_bin().join("tauri-driver").exists() {
        run(Command::new("cargo").args([
            "install",
            "tauri-driver",
            "--version",
            TAURI_DRIVER,
            "--locked",
        ]))?;
    }
    Ok(())
}
