//! The services the tests need, started on free ports/displays and stopped on drop: Xvfb, a
//! private D-Bus session bus, tauri-driver (which starts WebKitWebDriver itself), and a
//! throwaway PostgreSQL cluster for the store conformance suite.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub struct Xvfb {
    child: Child,
    pub name: String,
}

impl Xvfb {
    pub fn start() -> Result<Self> {
        for n in 90..140 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                || Path::new(&format!("/tmp/.X{n}-lock")).exists()
            {
                continue;
            }
            let name = format!(":{n}");
            let mut child = Command::new("Xvfb")
                .args([&name, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("could not start Xvfb")?;
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    return Ok(Self { child, name });
                }
                if child.try_wait()?.is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            stop(&mut child);
        }
        bail!("could not start Xvfb on any display :90..:139")
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

pub struct DbusSession {
    child: Child,
    pub address: String,
}

impl DbusSession {
    pub fn start() -> Result<Self> {
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start dbus-daemon")?;
        let stdout = child.stdout.take().context("no stdout from dbus-daemon")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let address = line.trim().to_owned();
        if address.is_empty() {
            stop(&mut child);
            bail!("dbus-daemon printed no address");
        }
        Ok(Self { child, address })
    }
}

impl Drop for DbusSession {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

pub struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    pub fn start(display: &Xvfb, bus: &DbusSession) -> Result<Self> {
        let port = free_port()?;
        let native = free_port()?;
        let child = Command::new(crate::env::tool("tauri-driver"))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            // Not WEBKIT_DISABLE_COMPOSITING_MODE: with it, WebDriver screenshots never return.
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("could not start tauri-driver")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Self { child, port });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("tauri-driver did not listen on port {port}")
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        stop(&mut self.child);
        // tauri-driver's WebKitWebDriver children do not always follow it down.
        let _ = Command::new("pkill")
            .args(["-f", "WebKitWebDriver"])
            .status();
    }
}

/// A throwaway PostgreSQL cluster from the system's binaries: its own data directory in a temp
/// dir, trust auth, TCP on a free localhost port. Stopped and deleted on drop.
pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
}

impl Postgres {
    pub fn start() -> Result<Self> {
        let bin = postgres_bin()?;
        let dir = std::env::temp_dir().join(format!(
            "tenure-pg-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir)?;
        // initdb refuses to run as root: the cluster then belongs to the `postgres` user.
        let as_postgres_user = is_root();
        let mut pg = Self {
            dir,
            bin,
            port: free_port()?,
            as_postgres_user,
        };
        if as_postgres_user {
            crate::run(Command::new("chown").arg("postgres:postgres").arg(&pg.dir))?;
        }
        let mut initdb = pg.command("initdb");
        initdb.arg("-D").arg(pg.data());
        initdb.args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
        pg.run_quiet(&mut initdb)?;
        // A port taken between free_port() and the server's bind is the one expected failure.
        for _ in 0..3 {
            match pg.pg_ctl_start() {
                Ok(()) => {
                    pg.wait_for_tcp()?;
                    return Ok(pg);
                }
                Err(e) => {
                    let log =
                        std::fs::read_to_string(pg.dir.join("server.log")).unwrap_or_default();
                    if !log.contains("could not bind") {
                        bail!("{e}\n{log}");
                    }
                    pg.port = free_port()?;
                }
            }
        }
        bail!("PostgreSQL could not bind a free port")
    }

    fn pg_ctl_start(&self) -> Result<()> {
        // Durability is pointless for a cluster deleted after the run; speed is not.
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            self.port,
            self.dir.display()
        );
        self.run_quiet(
            self.command("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.join("server.log"))
                .args(["-w", "-t", "30", "-o", &opts, "start"]),
        )
    }

    /// The superuser's URL; tests create their own databases from it.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// Runs a PostgreSQL tool with its chatter hidden, showing it only when the tool fails.
    fn run_quiet(&self, cmd: &mut Command) -> Result<()> {
        eprintln!("xtask: $ {}", crate::show(cmd));
        let out = cmd
            .current_dir(&self.dir)
            .output()
            .with_context(|| format!("could not start {}", crate::show(cmd)))?;
        if !out.status.success() {
            bail!(
                "{} failed with {}:\n{}{}",
                crate::show(cmd),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    fn wait_for_tcp(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("PostgreSQL did not listen on port {}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .current_dir(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The bin directory of the newest PostgreSQL the system has (`/usr/lib/postgresql/<n>/bin`).
fn postgres_bin() -> Result<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .with_context(|| format!("no PostgreSQL under {}", root.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max_by_key(|(v, _)| *v);
    match newest {
        Some((_, bin)) => Ok(bin),
        None => bail!("no PostgreSQL with initdb under {}", root.display()),
    }
}

// The same check as env.rs's, which is private to that module.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
