//! `cargo xtask bundle [--check] [--debug]`: the installers IT ships.
//!
//! Builds the UI (Trunk, release), then runs the Tauri CLI's bundler for `.deb` and `.rpm` from
//! `src-tauri` (where the `tauri.conf.json` symlink makes the CLI find the app crate). The CLI is
//! the npm package `@tauri-apps/cli@^2`, installed into `target/tauri-cli` (never globally); if
//! npm is missing or fails, `cargo install tauri-cli --version ^2 --locked` (~17 min once).
//! AppImage is not built: its bundler downloads linuxdeploy and the AppImage runtime while it
//! runs, and these machines reach only package registries. msi/nsis and dmg are built by IT on
//! Windows and macOS from the same `tauri.conf.json`.
//!
//! `--check` then proves the `.deb` installs and runs: `dpkg-deb -I`/`-c` (binary, desktop
//! entry, icons), `dpkg -i`, `/usr/bin/tenure --version`, `tenure config check` against a
//! temporary system config, an account created and listed by the installed binary, `dpkg -r`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};

use crate::{build_ui, env, root, run, target_dir};

/// What a bundle run produced.
pub struct Bundles {
    pub deb: PathBuf,
    pub rpm: Option<PathBuf>,
}

const TAURI_CLI: &str = "@tauri-apps/cli@^2";

/// The Tauri CLI as a command ready for arguments (`tauri build ...`).
pub fn tauri_cli() -> Result<Command> {
    let prefix = target_dir().join("tauri-cli");
    let npm_bin = prefix.join("node_modules").join(".bin").join("tauri");
    let works = |c: &mut Command| {
        c.arg("--version")
            .output()
            .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(" 2."))
            .unwrap_or(false)
    };
    if !works(&mut Command::new(&npm_bin)) {
        let npm = Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&prefix)
            .args(["--no-audit", "--no-fund", "--loglevel=error", TAURI_CLI])
            .status();
        match npm {
            Ok(s) if s.success() && works(&mut Command::new(&npm_bin)) => {}
            other => {
                eprintln!("xtask: npm could not install {TAURI_CLI} ({other:?}); using cargo");
                let cargo_tauri = env::cargo_bin().join("cargo-tauri");
                if !works(Command::new(&cargo_tauri).arg("tauri")) {
                    run(Command::new("cargo").args([
                        "install",
                        "tauri-cli",
                        "--version",
                        "^2",
                        "--locked",
                    ]))?;
                }
                let mut c = Command::new(cargo_tauri);
                c.arg("tauri");
                return Ok(c);
            }
        }
    }
    Ok(Command::new(npm_bin))
}

fn size(path: &Path) -> String {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    format!("{:.1} MiB ({bytes} bytes)", bytes as f64 / 1024.0 / 1024.0)
}

/// The newest file with `ext` in `dir`.
fn newest(dir: &Path, ext: &str) -> Result<PathBuf> {
    std::fs::read_dir(dir)
        .with_context(|| format!("no bundle directory {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .with_context(|| format!("no .{ext} in {}", dir.display()))
}

fn bundle_dir(debug: bool) -> PathBuf {
    target_dir()
        .join(if debug { "debug" } else { "release" })
        .join("bundle")
}

/// The newest bundles already in `target/{debug,release}/bundle`.
fn existing(debug: bool, rpm: bool) -> Result<Bundles> {
    let out = bundle_dir(debug);
    Ok(Bundles {
        deb: newest(&out.join("deb"), "deb")?,
        rpm: if rpm {
            Some(newest(&out.join("rpm"), "rpm")?)
        } else {
            None
        },
    })
}

/// Builds the .deb (and the .rpm when `rpm`); `debug` uses the debug profile, which shares
/// its compiled dependencies with the test build (quicker, larger).
pub fn bundle(debug: bool, rpm: bool) -> Result<Bundles> {
    env::ensure(false)?;
    if rpm && Command::new("rpmbuild").arg("--version").output().is_err() {
        bail!("the .rpm bundle needs rpmbuild: apt-get install --no-install-recommends rpm");
    }
    let started = Instant::now();
    build_ui()?;
    let mut c = tauri_cli()?;
    c.current_dir(root().join("src-tauri"))
        .args([
            "build",
            "--ci",
            "--bundles",
            if rpm { "deb,rpm" } else { "deb" },
        ])
        // The UI was just built by build_ui (with the PATH Trunk needs); don't build it twice.
        .args(["--config", r#"{"build":{"beforeBuildCommand":null}}"#])
        .env("PATH", env::path_with_cargo_bin());
    if debug {
        c.arg("--debug");
    }
    run(&mut c)?;
    let elapsed = started.elapsed().as_secs_f64();
    let bundles = existing(debug, rpm)?;
    eprintln!("xtask: bundles built in {elapsed:.0} s:");
    eprintln!("  deb: {} — {}", bundles.deb.display(), size(&bundles.deb));
    if let Some(rpm) = &bundles.rpm {
        eprintln!("  rpm: {} — {}", rpm.display(), size(rpm));
    }
    eprintln!("  AppImage: not built: needs tools downloaded at build time (linuxdeploy, AppImage runtime)");
    eprintln!(
        "  msi/nsis, dmg: build on Windows / macOS with `tauri build` (same tauri.conf.json)"
    );
    Ok(bundles)
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("could not run {:?}", cmd.get_program()))?;
    ensure!(
        out.status.success(),
        "{:?} failed: {}{}",
        cmd.get_program(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Inspects a .deb without installing it: control fields, the binary, the desktop entry, the
/// icons, the example config. Cheap; `cargo xtask test` runs it on every .deb it finds.
pub fn inspect_deb(deb: &Path) -> Result<()> {
    let info = output(Command::new("dpkg-deb").arg("-I").arg(deb))?;
    for field in [
        "Package: tenure",
        "Version: 0.1.0",
        "Maintainer: Tenure developers",
    ] {
        ensure!(info.contains(field), "dpkg-deb -I lacks {field:?}:\n{info}");
    }
    ensure!(
        info.contains("libwebkit2gtk-4.1-0"),
        "the .deb does not depend on WebKitGTK:\n{info}"
    );
    let files = output(Command::new("dpkg-deb").arg("-c").arg(deb))?;
    // dpkg-deb prints `usr/bin/tenure` or `./usr/bin/tenure` depending on how it was packed.
    let has = |path: &str| {
        files
            .lines()
            .filter_map(|l| l.split_whitespace().last())
            .any(|p| p.trim_start_matches("./") == path)
    };
    for path in [
        "usr/bin/tenure",
        "usr/share/applications/Tenure.desktop",
        "usr/share/icons/hicolor/32x32/apps/tenure.png",
        "usr/share/icons/hicolor/64x64/apps/tenure.png",
        "usr/share/icons/hicolor/128x128/apps/tenure.png",
        "usr/share/icons/hicolor/256x256/apps/tenure.png",
        "usr/share/icons/hicolor/256x256@2/apps/tenure.png",
        "usr/share/icons/hicolor/512x512/apps/tenure.png",
        "usr/share/doc/tenure/config.example.toml",
    ] {
        ensure!(has(path), "the .deb lacks {path}:\n{files}");
    }
    let desktop = output(
        Command::new("sh")
            .arg("-c")
            .arg("dpkg-deb --fsys-tarfile \"$0\" | tar -xO --wildcards '*usr/share/applications/Tenure.desktop'")
            .arg(deb),
    )?;
    for line in [
        "Exec=tenure",
        "Icon=tenure",
        "Name=Tenure",
        "Categories=",
        "Type=Application",
    ] {
        ensure!(
            desktop.lines().any(|l| l.starts_with(line)),
            "the desktop entry lacks {line}:\n{desktop}"
        );
    }
    eprintln!("xtask: dpkg-deb -I {}:\n{info}", deb.display());
    eprintln!("xtask: dpkg-deb -c {}:\n{files}", deb.display());
    eprintln!("xtask: Tenure.desktop:\n{desktop}");
    Ok(())
}

/// The .rpm's header and file list: the same binary, desktop entry and icons.
pub fn inspect_rpm(rpm: &Path) -> Result<()> {
    let files = output(Command::new("rpm").arg("-qlp").arg(rpm))?;
    for path in ["/usr/bin/tenure", "/usr/share/applications/Tenure.desktop"] {
        ensure!(
            files.lines().any(|l| l == path),
            "the .rpm lacks {path}:\n{files}"
        );
    }
    eprintln!("xtask: rpm -qlp {}:\n{files}", rpm.display());
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Removes the package when dropped, so a failed check leaves the machine as it was.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = run(Command::new("dpkg").args(["-r", "tenure"]));
    }
}

/// The installed binary, with only the variables a check sets.
fn installed(args: &[&str], envs: &[(&str, &Path)], stdin: Option<&str>) -> Result<String> {
    let mut c = Command::new("/usr/bin/tenure");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("TENURE_") {
            c.env_remove(k);
        }
    }
    c.args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    if let Some(input) = stdin {
        c.env("TENURE_PASSWORD", input);
    }
    let out = output(&mut c)?;
    eprintln!("xtask: $ tenure {}\n{out}", args.join(" "));
    Ok(out)
}

/// Installs the .deb, runs the installed `tenure` without a display, and removes it again.
pub fn install_check(deb: &Path) -> Result<()> {
    ensure!(is_root(), "the install check runs dpkg -i and needs root");
    ensure!(
        !is_installed("tenure"),
        "a tenure package is already installed; remove it first (dpkg -r tenure) so the check \
         does not replace it"
    );
    let started = Instant::now();
    run(Command::new("dpkg").arg("-i").arg(deb))?;
    let _remove = Installed;
    let version = installed(&["--version"], &[], None)?;
    ensure!(
        version.trim() == "tenure 0.1.0",
        "unexpected --version: {version}"
    );

    let dir = target_dir().join("tmp").join("install-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let system = dir.join("system.toml");
    let user = dir.join("user.toml");
    let db = dir.join("fleet.db");
    std::fs::write(
        &system,
        format!(
            "locked = [\"database_url\", \"bounds\"]\ndatabase_url = \"sqlite:{}\"\nwarning_lead_minutes = 10\n\n[bounds]\nidle_max = 480\nidle_default = 30\n",
            db.display()
        ),
    )?;
    std::fs::write(&user, "")?;
    let envs = [
        ("TENURE_SYSTEM_CONFIG", system.as_path()),
        ("TENURE_USER_CONFIG", user.as_path()),
        ("HOME", dir.as_path()),
    ];
    let check = installed(&["config", "check"], &envs, None)?;
    let system_s = system.display().to_string();
    for expected in [
        format!("system config: {system_s} (read)"),
        format!("system file {system_s} [locked]"),
        "The configuration is valid.".to_owned(),
    ] {
        ensure!(check.contains(&expected), "config check lacks {expected:?}");
    }
    ensure!(
        check
            .lines()
            .any(|l| l.starts_with("bounds.idle_max") && l.contains(" 480 ")),
        "config check does not show the narrowed idle_max"
    );
    // A user file that touches a locked key stops it with one message.
    std::fs::write(&user, "[bounds]\nidle_max = 600\n")?;
    let refused = Command::new("/usr/bin/tenure")
        .args(["config", "check"])
        .envs(envs.iter().map(|(k, v)| (*k, *v)))
        .output()?;
    ensure!(
        refused.status.code() == Some(2)
            && String::from_utf8_lossy(&refused.stderr)
                .contains("bounds.idle_max: this key is locked"),
        "a locked key in the user file was not refused: {}",
        String::from_utf8_lossy(&refused.stderr)
    );
    std::fs::write(&user, "")?;
    installed(
        &[
            "account",
            "create",
            "--name",
            "Install check",
            "--owner-name",
            "Ivy IT",
            "--email",
            "it@example.com",
        ],
        &envs,
        Some("install-check-password"),
    )?;
    let sessions = installed(&["sessions", "list"], &envs, None)?;
    ensure!(
        sessions.contains("No live sessions"),
        "unexpected sessions list: {sessions}"
    );
    drop(_remove);
    ensure!(!is_installed("tenure"), "dpkg -r left tenure installed");
    ensure!(
        !Path::new("/usr/bin/tenure").exists(),
        "dpkg -r left /usr/bin/tenure behind"
    );
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "xtask: install check passed in {:.1} s (dpkg -i, --version, config check, account create, sessions list, dpkg -r)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo xtask bundle [--check] [--debug] [--no-build]`.
pub fn command(check: bool, debug: bool, no_build: bool) -> Result<()> {
    let bundles = if no_build {
        existing(debug, true)?
    } else {
        bundle(debug, true)?
    };
    if check {
        inspect_deb(&bundles.deb)?;
        if let Some(rpm) = &bundles.rpm {
            inspect_rpm(rpm)?;
        }
        install_check(&bundles.deb)?;
    }
    Ok(())
}

/// Packages the debug binary the test build already made (`tauri bundle`, no compiling) as a
/// .deb and .rpm. The binary's content is left as it is (`--no-binary-patching`).
fn bundle_test_binary() -> Result<Bundles> {
    let started = Instant::now();
    let mut c = tauri_cli()?;
    c.current_dir(root().join("src-tauri"))
        .args(["bundle", "--ci", "--debug", "--no-binary-patching"])
        .args(["--bundles", "deb,rpm"])
        .env("PATH", env::path_with_cargo_bin());
    run(&mut c)?;
    let bundles = existing(true, true)?;
    eprintln!(
        "xtask: debug bundles made in {:.0} s: deb {}, rpm {}",
        started.elapsed().as_secs_f64(),
        size(&bundles.deb),
        bundles.rpm.as_deref().map(size).unwrap_or_default()
    );
    Ok(bundles)
}

/// The installer check `cargo xtask test` runs. `release`: the full one, as `cargo xtask bundle
/// --check` (a release build, ~10 min from cold on 2 cores). Otherwise the same checks on a
/// .deb and .rpm of the debug binary the tests just ran, packaged by the same bundler and
/// `tauri.conf.json` (seconds): what it leaves out is only the release profile.
pub fn in_test(release: bool) -> Result<()> {
    let started = Instant::now();
    if release {
        command(true, false, false)?;
    } else {
        let bundles = bundle_test_binary()?;
        inspect_deb(&bundles.deb)?;
        if let Some(rpm) = &bundles.rpm {
            inspect_rpm(rpm)?;
        }
        if is_root() {
            install_check(&bundles.deb)?;
        } else {
            eprintln!("xtask: not root: the .deb was inspected but not installed (dpkg -i)");
        }
    }
    eprintln!(
        "xtask: installer check ({}) passed in {:.0} s",
        if release {
            "release .deb and .rpm"
        } else {
            "debug .deb"
        },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
