//! The fuzz step of `cargo xtask test`: installs cargo-fuzz if missing, then runs the libFuzzer
//! target `payloads` (`fuzz/`) for a bounded time and reports executions per second and total.
//!
//! The machine has stable Rust only; cargo-fuzz passes nightly flags (`-Z sanitizer=address`),
//! so it runs with `RUSTC_BOOTSTRAP=1`. New inputs go to a scratch corpus under `target/`, read
//! together with the seed corpus kept in `fuzz/corpus/payloads`, so a test run never rewrites
//! the repository. `TENURE_FUZZ_SECONDS` sets the time (default 60; 0 skips the step).

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{env, root, run, target_dir};

pub const TARGET: &str = "payloads";
const DEFAULT_SECONDS: u64 = 60;

fn cargo_fuzz_installed() -> bool {
    Command::new("cargo")
        .args(["fuzz", "--version"])
        .env("PATH", env::path_with_cargo_bin())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What libFuzzer said at the end (`-print_final_stats=1`).
#[derive(Debug, Default)]
struct Stats {
    executions: Option<u64>,
    per_second: Option<u64>,
    seconds: Option<u64>,
    corpus: Option<String>,
}

impl Stats {
    fn read(&mut self, line: &str) {
        let num = |s: &str| s.trim().parse::<u64>().ok();
        if let Some(v) = line.strip_prefix("stat::number_of_executed_units:") {
            self.executions = num(v);
        } else if let Some(v) = line.strip_prefix("stat::average_exec_per_sec:") {
            self.per_second = num(v);
        } else if let Some(rest) = line.strip_prefix("Done ") {
            // "Done 248961 runs in 21 second(s)"
            let words: Vec<_> = rest.split_whitespace().collect();
            if let [runs, "runs", "in", secs, ..] = words.as_slice() {
                self.executions = self.executions.or(num(runs));
                self.seconds = num(secs);
            }
        } else if line.contains("\tDONE ") || line.contains(" DONE ") {
            self.corpus = line
                .split_whitespace()
                .skip_while(|w| *w != "corp:")
                .nth(1)
                .map(str::to_owned);
        }
    }
}

/// Runs the fuzz target for `TENURE_FUZZ_SECONDS` (default 60) seconds.
pub fn run_bounded() -> Result<()> {
    let seconds = match std::env::var("TENURE_FUZZ_SECONDS") {
        Ok(s) => s
            .parse::<u64>()
            .with_context(|| format!("TENURE_FUZZ_SECONDS={s} is not a number of seconds"))?,
        Err(_) => DEFAULT_SECONDS,
    };
    if seconds == 0 {
        eprintln!("xtask: fuzzing skipped (TENURE_FUZZ_SECONDS=0)");
        return Ok(());
    }
    if !cargo_fuzz_installed() {
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let scratch = target_dir().join("fuzz-corpus").join(TARGET);
    std::fs::create_dir_all(&scratch)?;
    let seeds = root().join("fuzz").join("corpus").join(TARGET);
    let log_path = target_dir().join(format!("fuzz-{TARGET}.log"));
    let mut log = std::fs::File::create(&log_path)?;

    let mut c = Command::new("cargo");
    c.current_dir(root())
        .env("PATH", env::path_with_cargo_bin())
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", TARGET])
        .arg(&scratch)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .stderr(Stdio::piped());
    eprintln!(
        "xtask: $ RUSTC_BOOTSTRAP=1 cargo fuzz run {TARGET} {} {} -- -max_total_time={seconds} -print_final_stats=1",
        scratch.display(),
        seeds.display()
    );
    let mut child = c.spawn().context("could not start cargo fuzz")?;
    let mut stats = Stats::default();
    let mut tail: std::collections::VecDeque<String> = Default::default();
    for line in BufReader::new(child.stderr.take().expect("piped")).lines() {
        let line = line?;
        writeln!(log, "{line}")?;
        stats.read(&line);
        // Progress and trouble only; the full output is in the log.
        if [
            "INITED",
            "DONE",
            "ERROR",
            "panicked",
            "SUMMARY",
            "Test unit written",
            "error",
        ]
        .iter()
        .any(|k| line.contains(k))
        {
            eprintln!("fuzz: {line}");
        }
        tail.push_back(line);
        if tail.len() > 60 {
            tail.pop_front();
        }
    }
    let status = child.wait()?;
    if !status.success() {
        for l in &tail {
            eprintln!("fuzz: {l}");
        }
        bail!(
            "fuzz target {TARGET} failed with {status}; the input that broke it is under fuzz/artifacts/{TARGET}/, \
             the full output in {}",
            log_path.display()
        );
    }
    eprintln!(
        "xtask: fuzz {TARGET}: {} executions in {} s ({} exec/s), corpus {}; log in {}",
        stats.executions.map_or("?".into(), |n| n.to_string()),
        stats.seconds.unwrap_or(seconds),
        stats.per_second.map_or("?".into(), |n| n.to_string()),
        stats.corpus.as_deref().unwrap_or("?"),
        log_path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Stats;

    #[test]
    fn reads_libfuzzers_final_lines() {
        let mut s = Stats::default();
        for l in [
            "#248961\tDONE   cov: 2492 ft: 6966 corp: 1567/58Kb lim: 140 exec/s: 11855 rss: 492Mb",
            "Done 248961 runs in 21 second(s)",
            "stat::number_of_executed_units: 248961",
            "stat::average_exec_per_sec:     11855",
        ] {
            s.read(l);
        }
        assert_eq!(s.executions, Some(248_961));
        assert_eq!(s.per_second, Some(11_855));
        assert_eq!(s.seconds, Some(21));
        assert_eq!(s.corpus.as_deref(), Some("1567/58Kb"));
    }
}
