//! The services the tests need, started on free ports/displays and stopped on drop: Xvfb, a
//! private D-Bus session bus, tauri-driver (which starts WebKitWebDriver itself).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
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
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", &display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            // Software rendering: Xvfb has no GPU.
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
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
        let _ = Command::new("pkill").args(["-f", "WebKitWebDriver"]).status();
    }
}
