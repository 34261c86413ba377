//! Turns one `cargo xtask bench` run into BENCHMARKS.md and the scaling plot beside it.
//!
//! `bench-report <run dir> <BENCHMARKS.md>`: the run directory holds criterion's estimates
//! (`criterion/`), `desktop.json` (benches/desktop.rs), `context.json` (xtask: machine, sizes)
//! and `explain-*.txt` (benches/commands.rs). The section between the `fixes` markers of an
//! existing BENCHMARKS.md is hand-written (before/after of each fix) and kept as it is.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plotters::prelude::*;
use serde_json::Value;

const FIXES_BEGIN: &str = "<!-- fixes:begin -->";
const FIXES_END: &str = "<!-- fixes:end -->";
const PLOT: &str = "benchmarks-scaling.png";

/// The commands, in the order the tables list them: (criterion id, what a person calls it).
const COMMANDS: &[(&str, &str)] = &[
    ("sign_in", "Sign in"),
    ("refresh", "Refresh (stay signed in)"),
    ("session_check", "Per-command session check"),
    ("security_settings", "Read security settings"),
    ("revoke_others", "Bulk revoke (everyone but me)"),
];
const BACKENDS: &[(&str, &str)] = &[("sqlite", "SQLite"), ("postgres", "PostgreSQL")];

/// Median nanoseconds by (group, function, parameter).
type Estimates = BTreeMap<(String, String, String), f64>;

fn main() {
    let mut args = std::env::args().skip(1);
    let run = PathBuf::from(
        args.next()
            .expect("usage: bench-report <run dir> <BENCHMARKS.md>"),
    );
    let out = PathBuf::from(
        args.next()
            .expect("usage: bench-report <run dir> <BENCHMARKS.md>"),
    );
    let estimates = read_estimates(&run.join("criterion"));
    let desktop = read_json(&run.join("desktop.json"));
    let context = read_json(&run.join("context.json"));
    let fixes = std::fs::read_to_string(&out)
        .ok()
        .and_then(|old| {
            let a = old.find(FIXES_BEGIN)? + FIXES_BEGIN.len();
            let b = old.find(FIXES_END)?;
            Some(old[a..b].trim().to_owned())
        })
        .unwrap_or_default();
    let scales = scales(&estimates);
    let md = render(&estimates, &desktop, &context, &run, &scales, &fixes);
    std::fs::write(&out, md).expect("write BENCHMARKS.md");
    let plot = out.with_file_name(PLOT);
    if let Err(e) = draw(&estimates, &scales, &plot) {
        eprintln!("bench-report: the plot could not be drawn: {e}");
    }
    eprintln!(
        "bench-report: wrote {} and {}",
        out.display(),
        plot.display()
    );
}

fn read_json(path: &Path) -> Value {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}

fn read_estimates(dir: &Path) -> Estimates {
    let mut out = Estimates::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.ends_with("new/benchmark.json") {
                let id = read_json(&p);
                let est = read_json(&p.with_file_name("estimates.json"));
                let median = est["median"]["point_estimate"].as_f64();
                if let Some(m) = median {
                    out.insert(
                        (
                            id["group_id"].as_str().unwrap_or("").to_owned(),
                            id["function_id"].as_str().unwrap_or("").to_owned(),
                            id["value_str"].as_str().unwrap_or("").to_owned(),
                        ),
                        m,
                    );
                }
            }
        }
    }
    out
}

fn scales(e: &Estimates) -> Vec<u64> {
    let mut s: Vec<u64> = e
        .keys()
        .filter(|(g, _, _)| g.starts_with("commands-"))
        .filter_map(|(_, _, v)| v.parse().ok())
        .collect();
    s.sort_unstable();
    s.dedup();
    s
}

fn get(e: &Estimates, backend: &str, f: &str, scale: u64) -> Option<f64> {
    e.get(&(
        format!("commands-{backend}"),
        f.to_owned(),
        scale.to_string(),
    ))
    .copied()
}

/// Nanoseconds as a person reads them.
fn time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / 1024.0 / 1024.0)
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}×", a / b)
    } else {
        "–".into()
    }
}

fn median(v: &[f64]) -> f64 {
    percentile(v, 0.5)
}

fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((s.len() - 1) as f64 * p).round() as usize;
    s[i]
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

fn kb(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0) * 1024.0
}

fn render(
    e: &Estimates,
    desktop: &Value,
    ctx: &Value,
    run: &Path,
    scales: &[u64],
    fixes: &str,
) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Written by `cargo xtask bench` from one run; only the **Fixes** section at the end is \
         written by hand (the generator keeps it). Every figure is set against a baseline \
         measured in the same run, because these machines are shared and noisy: read the \
         ratios, and the absolute values only for scale. Nothing here is a pass/fail test.\n"
    );
    let _ = writeln!(w, "| Run | |\n|---|---|");
    for (k, label) in [
        ("date", "Date"),
        ("machine", "Machine"),
        ("rustc", "Toolchain"),
        ("duration", "Bench run took"),
    ] {
        let _ = writeln!(w, "| {label} | {} |", ctx[k].as_str().unwrap_or("–"));
    }
    let _ = writeln!(
        w,
        "\nReproduce: `cargo xtask bench` (installs what it needs, builds the release app, the \
         bare hello app and the installers, starts Xvfb, a D-Bus session bus, tauri-driver and \
         a throwaway PostgreSQL 15, runs everything, rewrites this file). `cargo xtask bench \
         --quick` samples less, to try the harness.\n"
    );

    // Summary.
    let startup = &desktop["startup_ms"];
    let (st, sh) = (
        median(&floats(&startup["tenure"])),
        median(&floats(&startup["hello"])),
    );
    let mem = &desktop["memory"];
    let sizes = &ctx["sizes"];
    let _ = writeln!(w, "## Summary\n");
    let _ = writeln!(
        w,
        "| Figure | Tenure | Baseline | Ratio | Aim |\n|---|---:|---:|---:|---:|"
    );
    let _ = writeln!(
        w,
        "| Start-up to the painted first screen (median) | {st:.0} ms | hello app {sh:.0} ms | {} | ≤ 1.2× |",
        ratio(st, sh)
    );
    for (key, what) in [
        (
            "tenure_sign_in",
            "Memory (PSS, all processes), Sign in, 10 s",
        ),
        (
            "tenure_security_1000",
            "Memory (PSS), Session security with 1 000 active",
        ),
    ] {
        let (a, b) = (kb(&mem[key]["pss_kb"]), kb(&mem["hello"]["pss_kb"]));
        let _ = writeln!(
            w,
            "| {what} | {} | hello app {} | {} | ≤ 1.2× |",
            mib(a),
            mib(b),
            ratio(a, b)
        );
    }
    for (key, what) in [("deb", ".deb installer"), ("binary", "App binary")] {
        let (a, b) = (
            sizes["tenure"][key].as_f64().unwrap_or(0.0),
            sizes["hello"][key].as_f64().unwrap_or(0.0),
        );
        let _ = writeln!(
            w,
            "| {what} | {} | hello app {} | {} | |",
            mib(a),
            mib(b),
            ratio(a, b)
        );
    }
    if let Some(&top) = scales.last() {
        for &(b, bname) in BACKENDS {
            for &(f, fname) in COMMANDS {
                if let (Some(a), Some(bare)) =
                    (get(e, b, f, top), get(e, b, &format!("{f}_bare"), top))
                {
                    let _ = writeln!(
                        w,
                        "| {fname}, {bname}, {top} users | {} | bare SQL {} | {} | ≤ 1.5× |",
                        time(a),
                        time(bare),
                        ratio(a, bare)
                    );
                }
            }
        }
    }
    let p = floats(&desktop["punctuality_ms"]);
    if !p.is_empty() {
        let _ = writeln!(
            w,
            "| Warning punctuality (median of {}) | {:.1} ms after the threshold | | | |",
            p.len(),
            median(&p)
        );
    }

    // Start-up.
    let _ = writeln!(w, "\n## Start-up\n");
    let _ = writeln!(
        w,
        "Release builds of both apps, same toolchain and `[profile.release]`; each launched by \
         tauri-driver/WebKitWebDriver under Xvfb, timed from the WebDriver new-session request \
         to the first screen's form being in the page (Tenure: the Sign-in email field on an \
         existing account; hello: its heading), the two apps alternating.\n"
    );
    let _ = writeln!(
        w,
        "| App | Runs | Median | Min | Max | Before the page | In the page |\n\
         |---|---:|---:|---:|---:|---:|---:|"
    );
    for (k, name) in [("tenure", "Tenure"), ("hello", "hello app (bare Tauri v2)")] {
        let v = floats(&startup[k]);
        let page = floats(&startup[format!("{k}_page")]);
        let before: Vec<f64> = v.iter().zip(&page).map(|(t, p)| t - p).collect();
        let split = |x: &[f64]| {
            if x.is_empty() {
                "—".to_owned()
            } else {
                format!("{:.0} ms", median(x))
            }
        };
        let _ = writeln!(
            w,
            "| {name} | {} | {:.0} ms | {:.0} ms | {:.0} ms | {} | {} |",
            v.len(),
            median(&v),
            percentile(&v, 0.0),
            percentile(&v, 1.0),
            split(&before),
            split(&page)
        );
    }
    let _ = writeln!(
        w,
        "\n*Before the page*: the process, GTK, the window, the web process and the app's \
         start-up hook, up to the webview starting on the first document (the page's time \
         origin, read with `performance.now()`). *In the page*: from there to the form (Tenure: \
         the HTML, the wasm fetched, compiled and started, the first IPC answer, the first \
         render). Medians of each part, so they need not add up to the median total."
    );
    let milestones: Vec<f64> = ["tenure_main", "tenure_booted", "tenure_page"]
        .iter()
        .map(|k| median(&floats(&startup[*k])))
        .collect();
    if milestones.iter().all(|m| m.is_finite()) {
        let _ = writeln!(
            w,
            "\nInside Tenure's page (medians, from its time origin; `performance.mark` in the \
             UI): the HTML read, the wasm fetched, compiled and its `main` started at {:.0} ms; \
             the backend's first answer in at {:.0} ms; the Sign-in form found at {:.0} ms \
             (WebDriver polls for it, so the last step includes up to one poll's round trip).",
            milestones[0], milestones[1], milestones[2]
        );
    }

    // Memory.
    let _ = writeln!(w, "\n## Memory\n");
    let _ = writeln!(
        w,
        "RSS and PSS from `/proc/<pid>/smaps_rollup` of the app and every process under it \
         (WebKitWebProcess, WebKitNetworkProcess), 10 s after the screen is shown. PSS shares \
         out pages used by several processes, so it is the fairer sum.\n"
    );
    let _ = writeln!(w, "| Capture | Process | RSS | PSS |\n|---|---|---:|---:|");
    for (key, what) in [
        ("hello", "hello app, its window"),
        ("tenure_sign_in", "Tenure, Sign in"),
        (
            "tenure_security_1000",
            "Tenure, Session security, 1 000 active",
        ),
    ] {
        let m = &mem[key];
        for p in m["processes"].as_array().into_iter().flatten() {
            let _ = writeln!(
                w,
                "| {what} | {} | {} | {} |",
                p["name"].as_str().unwrap_or("?"),
                mib(kb(&p["rss_kb"])),
                mib(kb(&p["pss_kb"]))
            );
        }
        let _ = writeln!(
            w,
            "| **{what}** | **all** | **{}** | **{}** |",
            mib(kb(&m["rss_kb"])),
            mib(kb(&m["pss_kb"]))
        );
    }
    if let Some(ms) = desktop["security_page_ms"].as_f64() {
        let _ = writeln!(
            w,
            "\nOpening Session security with 1 000 active people took {ms:.0} ms from the click \
             to the list in the page ({} rows shown, the rest behind \"Show more\").",
            desktop["security_rows"].as_u64().unwrap_or(0)
        );
    }

    // Size.
    let _ = writeln!(w, "\n## Size\n");
    let _ = writeln!(
        w,
        "| Artifact | Tenure | hello app | Ratio |\n|---|---:|---:|---:|"
    );
    for (key, what) in [
        ("deb", "`.deb` (Tauri bundler)"),
        ("binary", "App binary (stripped)"),
        (
            "frontend_raw",
            "Front end: wasm (Tenure) / HTML (hello), raw",
        ),
        ("frontend_gzip", "Front end, gzip -9"),
    ] {
        let (a, b) = (
            sizes["tenure"][key].as_f64().unwrap_or(0.0),
            sizes["hello"][key].as_f64().unwrap_or(0.0),
        );
        let show = |x: f64| {
            if x >= 1024.0 * 1024.0 {
                mib(x)
            } else {
                format!("{:.1} KiB", x / 1024.0)
            }
        };
        let _ = writeln!(
            w,
            "| {what} | {} | {} | {} |",
            show(a),
            show(b),
            ratio(a, b)
        );
    }
    if let Some(note) = sizes["note"].as_str() {
        let _ = writeln!(w, "\n{note}");
    }

    // Commands.
    let _ = writeln!(w, "\n## Commands\n");
    let _ = writeln!(
        w,
        "In process (`bench/benches/commands.rs`, criterion, median), through the same \
         `Service` the Tauri commands call, on a database seeded with N users holding 10 live \
         sessions each. Each command is set against **bare SQL through sqlx** on the store's own \
         pool (same connections, settings and caches), the fewest statements that give the \
         caller the same answer. The two run one after the other, so a busy second on this \
         shared 2-core machine lands on one of them: ratios within ±25 % of 1 are noise here.\n\n\
         - Sign in: argon2id verify + user by email + (session insert, last-sign-in update) in one transaction.\n\
         - Refresh: one conditional `UPDATE … RETURNING` that rotates the token and moves the idle expiry, + user and account in one join.\n\
         - Per-command session check: session joined to its user by id (the JWT check is measured alone below).\n\
         - Read security settings: the account's overrides + the active-users query.\n\
         - Bulk revoke: one `UPDATE` of the account's live sessions except the caller's (reset untimed between runs).\n"
    );
    for &(b, bname) in BACKENDS {
        if !scales.iter().any(|&n| get(e, b, "sign_in", n).is_some()) {
            let _ = writeln!(w, "### {bname}\n\nNot measured in this run.\n");
            continue;
        }
        let _ = writeln!(w, "### {bname}\n");
        let mut head = String::from("| Command |");
        let mut rule = String::from("|---|");
        for n in scales {
            let _ = write!(head, " {n} users | bare | ratio |");
            rule.push_str("---:|---:|---:|");
        }
        let _ = writeln!(w, "{head}\n{rule}");
        for &(f, fname) in COMMANDS {
            let mut row = format!("| {fname} |");
            for &n in scales {
                match (get(e, b, f, n), get(e, b, &format!("{f}_bare"), n)) {
                    (Some(a), Some(bare)) => {
                        let _ = write!(row, " {} | {} | {} |", time(a), time(bare), ratio(a, bare));
                    }
                    _ => row.push_str(" – | – | – |"),
                }
            }
            let _ = writeln!(w, "{row}");
        }
        w.push('\n');
    }
    let c = |f: &str| {
        e.get(&("crypto".to_owned(), f.to_owned(), String::new()))
            .copied()
    };
    let _ = writeln!(w, "### Without a database\n");
    let _ = writeln!(w, "| Piece | Median |\n|---|---:|");
    for (f, what) in [
        (
            "jwt_verify",
            "JWT verify (HS256, issuer/audience/expiry checked)",
        ),
        ("jwt_issue", "JWT issue"),
        (
            "argon2id_verify",
            "argon2id verify (m=19 MiB, t=2, p=1), on the calling thread",
        ),
        (
            "argon2id_verify_blocking",
            "argon2id verify on tokio's blocking pool (as sign-in runs it)",
        ),
    ] {
        if let Some(v) = c(f) {
            let _ = writeln!(w, "| {what} | {} |", time(v));
        }
    }
    if let (Some(a), Some(&n)) = (c("argon2id_verify"), scales.first()) {
        if let Some(si) = get(e, "sqlite", "sign_in", n) {
            let _ = writeln!(
                w,
                "\nSign-in is argon2id by design: on SQLite at {n} users, {} of its {} is the \
                 password check ({:.0} %).",
                time(a),
                time(si),
                a / si * 100.0
            );
        }
    }

    // Punctuality.
    let _ = writeln!(w, "\n## Warning punctuality\n");
    if p.is_empty() {
        let _ = writeln!(w, "Not measured in this run.");
    } else {
        let _ = writeln!(
            w,
            "The real window (a debug build with `test-hooks`, whose only difference is a command \
             that moves the backend clock), a private D-Bus session bus with the benchmark's own \
             `org.freedesktop.Notifications` server recording the time of each `Notify` call. \
             Each time: the backend clock is moved to 1.5 s before the idle warning threshold \
             (5 min before expiry), the watcher wakes by itself, the delay from the threshold \
             to `Notify` is recorded, then \"Stay signed in\" is clicked and the next one armed.\n"
        );
        let _ = writeln!(
            w,
            "| Warnings | Median | p90 | Min | Max |\n|---:|---:|---:|---:|---:|\n| {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            p.len(),
            median(&p),
            percentile(&p, 0.9),
            percentile(&p, 0.0),
            percentile(&p, 1.0)
        );
    }

    // Scaling.
    let _ = writeln!(w, "\n## Scaling\n");
    let _ = writeln!(
        w,
        "![How each command's time grows with the number of users]({PLOT})\n"
    );
    if let (Some(&lo), Some(&hi)) = (scales.first(), scales.last()) {
        let _ = writeln!(
            w,
            "Growth from {lo} to {hi} users ({}× the users, {}× the sessions): time at {hi} ÷ time at {lo}.\n",
            hi / lo.max(1),
            hi / lo.max(1)
        );
        let _ = writeln!(w, "| Command | SQLite | SQLite bare | PostgreSQL | PostgreSQL bare |\n|---|---:|---:|---:|---:|");
        for &(f, fname) in COMMANDS {
            let g = |b: &str, f: &str| match (get(e, b, f, lo), get(e, b, f, hi)) {
                (Some(a), Some(z)) => format!("{:.1}×", z / a),
                _ => "–".into(),
            };
            let bare = format!("{f}_bare");
            let _ = writeln!(
                w,
                "| {fname} | {} | {} | {} | {} |",
                g("sqlite", f),
                g("sqlite", &bare),
                g("postgres", f),
                g("postgres", &bare)
            );
        }
    }

    // Plans.
    let _ = writeln!(w, "\n## Query plans\n");
    let _ = writeln!(
        w,
        "`EXPLAIN QUERY PLAN` (SQLite, with real values, after `ANALYZE`) and `EXPLAIN` of the \
         generic prepared plan (PostgreSQL, after `VACUUM ANALYZE`), on the largest database.\n"
    );
    if let Some(&top) = scales.last() {
        for &(b, bname) in BACKENDS {
            if let Ok(plan) = std::fs::read_to_string(run.join(format!("explain-{b}-{top}.txt"))) {
                let _ = writeln!(
                    w,
                    "### {bname}, {top} users\n\n```text\n{}\n```\n",
                    plan.trim()
                );
            }
        }
    }

    let _ = writeln!(w, "## Fixes\n\n{FIXES_BEGIN}\n{fixes}\n{FIXES_END}");
    s
}

fn draw(e: &Estimates, scales: &[u64], path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (Some(&lo), Some(&hi)) = (scales.first(), scales.last()) else {
        return Ok(());
    };
    let root = BitMapBackend::new(path, (1400, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, 2));
    let all: Vec<f64> = e
        .iter()
        .filter(|((g, _, _), _)| g.starts_with("commands-"))
        .map(|(_, v)| *v / 1e6)
        .collect();
    let ymin = all.iter().copied().fold(f64::INFINITY, f64::min).max(1e-3) / 2.0;
    let ymax = all.iter().copied().fold(0.0, f64::max) * 2.0;
    let colors = [
        RGBColor(0x1f, 0x77, 0xb4),
        RGBColor(0xd6, 0x27, 0x28),
        RGBColor(0x2c, 0xa0, 0x2c),
        RGBColor(0x94, 0x67, 0xbd),
        RGBColor(0xff, 0x7f, 0x0e),
    ];
    for (panel, &(b, bname)) in panels.iter().zip(BACKENDS) {
        let mut chart = ChartBuilder::on(panel)
            .caption(
                format!("{bname}: Tenure (solid) and bare SQL (dashed), median"),
                ("sans-serif", 22),
            )
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (lo as f64 / 1.5..hi as f64 * 1.5).log_scale(),
                (ymin..ymax).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("users (10 live sessions each)")
            .y_desc("ms")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y}"))
            .draw()?;
        for (i, &(f, fname)) in COMMANDS.iter().enumerate() {
            let color = colors[i % colors.len()];
            let pts = |f: &str| -> Vec<(f64, f64)> {
                scales
                    .iter()
                    .filter_map(|&n| get(e, b, f, n).map(|v| (n as f64, v / 1e6)))
                    .collect()
            };
            let own = pts(f);
            if own.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(own.clone(), color.stroke_width(3)))?
                .label(fname)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                });
            chart.draw_series(own.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
            let bare = pts(&format!("{f}_bare"));
            chart.draw_series(DashedLineSeries::new(bare, 6, 4, color.stroke_width(1)))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 14))
            .draw()?;
    }
    root.present()?;
    Ok(())
}
