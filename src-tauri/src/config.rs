//! Configuration: the layered settings Tenure starts with, and where each value came from.
//!
//! Layers, lowest first; [figment] merges them:
//!
//! 1. built-in defaults (SPEC §3: idle 5..43200 default 60, absolute 15..129600 default 1440,
//!    warning lead 5 minutes; the embedded SQLite file `tenure.db` in the app data directory);
//! 2. the system file IT ships: `/etc/tenure/config.toml` on Linux (see [`default_system_file`]),
//!    or the file `TENURE_SYSTEM_CONFIG` names;
//! 3. the user's file: `<config dir>/tenure/config.toml` (`~/.config/tenure/config.toml` on
//!    Linux), or the file `TENURE_USER_CONFIG` names;
//! 4. the environment: `TENURE_DATABASE_URL`, `TENURE_DATA_DIR`, `TENURE_WARNING_LEAD_MINUTES`
//!    and `TENURE_BOUNDS__IDLE_MIN` … `TENURE_BOUNDS__ABSOLUTE_DEFAULT`;
//! 5. the `--data-dir` flag.
//!
//! Before merging, each layer is parsed and checked on its own, so that every mistake is
//! reported once, naming the file (or variable) and the key, and nothing starts on a guess:
//! unknown keys, wrong types, database URLs that are not `sqlite:` / `postgres://`, bounds that
//! widen the built-in ones or contradict themselves, and keys the system file `locked`.
//!
//! Decisions:
//! - A locked key set by the user file, the environment or `--data-dir` is an **error**, not a
//!   warning: IT locks a key so that desktops cannot drift from it, and a desktop that silently
//!   ignored half its user's file would be harder to support than one that says why it stopped.
//! - Bounds are checked layer by layer: each layer's bounds, on top of the layers below it, must
//!   lie within the built-in bounds and be coherent ([`Bounds::check_within`]). The layer that
//!   first breaks them is the one named. IT narrowing `idle_max` below the default idle must
//!   therefore also set `idle_default`.
//! - Empty environment variables count as unset (`TENURE_DATABASE_URL= tenure`).
//! - Paths in files must be absolute; `TENURE_DATA_DIR` and `--data-dir` may be relative to the
//!   current directory.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Tag, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::Deserialize;
use tenure_core::policy::Bounds;

use crate::service::Settings;

/// Tauri's bundle identifier (`tauri.conf.json`); the app data directory is named after it.
pub const APP_IDENTIFIER: &str = "app.tenure.desktop";
/// Names another system file (tests, staging).
pub const SYSTEM_CONFIG_VAR: &str = "TENURE_SYSTEM_CONFIG";
/// Names another user file.
pub const USER_CONFIG_VAR: &str = "TENURE_USER_CONFIG";

/// Every key a layer may set, in the order `config check` prints them.
pub const KEYS: [&str; 9] = [
    "database_url",
    "data_dir",
    "warning_lead_minutes",
    "bounds.idle_min",
    "bounds.idle_max",
    "bounds.idle_default",
    "bounds.absolute_min",
    "bounds.absolute_max",
    "bounds.absolute_default",
];

/// Names `locked` accepts: every key, and `bounds` for the whole table.
const LOCKABLE_TABLES: [&str; 1] = ["bounds"];

/// The warning lead time must be a whole number of minutes in this range.
pub const WARNING_LEAD_RANGE: (i64, i64) = (1, 60);

const DEFAULT_NAME: &str = "built-in default";
const ENV_NAME: &str = "environment";
const FLAG_NAME: &str = "command line";

/// The environment variable for a key: `bounds.idle_max` → `TENURE_BOUNDS__IDLE_MAX`.
pub fn env_var(key: &str) -> String {
    format!("TENURE_{}", key.replace('.', "__").to_ascii_uppercase())
}

/// Where a value (or a mistake) came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    SystemFile(PathBuf),
    UserFile(PathBuf),
    /// The key's own variable ([`env_var`]).
    Env,
    /// `--data-dir`.
    Flag,
}

impl Origin {
    /// How `config check` names the source of `key`.
    pub fn describe(&self, key: &str) -> String {
        match self {
            Origin::Default => DEFAULT_NAME.to_owned(),
            Origin::SystemFile(p) => format!("system file {}", p.display()),
            Origin::UserFile(p) => format!("user file {}", p.display()),
            Origin::Env => format!("environment variable {}", env_var(key)),
            Origin::Flag => "command line --data-dir".to_owned(),
        }
    }
}

/// A configuration that cannot be used: where, which key(s), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub origin: Origin,
    /// Dotted keys (`bounds.idle_max`); empty when the whole file is at fault.
    pub keys: Vec<String>,
    pub problem: String,
}

impl ConfigError {
    fn new(origin: Origin, keys: &[&str], problem: impl Into<String>) -> Self {
        Self {
            origin,
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.keys.join(", ");
        match &self.origin {
            Origin::SystemFile(p) | Origin::UserFile(p) if keys.is_empty() => {
                write!(f, "{}: {}", p.display(), self.problem)
            }
            Origin::SystemFile(p) | Origin::UserFile(p) => {
                write!(f, "{}: {keys}: {}", p.display(), self.problem)
            }
            Origin::Env => {
                let vars: Vec<String> = self.keys.iter().map(|k| env_var(k)).collect();
                write!(
                    f,
                    "environment variable {} ({keys}): {}",
                    vars.join(", "),
                    self.problem
                )
            }
            Origin::Flag => write!(f, "command line --data-dir: {}", self.problem),
            Origin::Default if keys.is_empty() => f.write_str(&self.problem),
            Origin::Default => write!(f, "{keys}: {}", self.problem),
        }
    }
}

/// One configuration file: where it is, and whether it must exist (named by a variable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSource {
    pub path: PathBuf,
    /// True when a variable named the file: then a missing file is an error, not "none".
    pub required: bool,
}

/// Everything [`Config::load_from`] reads: explicit, so tests need no process-wide state.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub system_file: Option<FileSource>,
    pub user_file: Option<FileSource>,
    /// `TENURE_*` variables (others are ignored). Empty values count as unset.
    pub env: BTreeMap<String, String>,
    pub data_dir_flag: Option<PathBuf>,
    /// The platform's app data directory, used when nothing sets `data_dir`.
    pub default_data_dir: Option<PathBuf>,
    /// Resolves a relative `TENURE_DATA_DIR` / `--data-dir`.
    pub current_dir: Option<PathBuf>,
}

impl Inputs {
    /// The real sources: the platform's files (or the variables naming others), the process
    /// environment, and the `--data-dir` flag.
    pub fn from_process(data_dir_flag: Option<PathBuf>) -> Self {
        let env: BTreeMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with("TENURE_"))
            .collect();
        let file = |var: &str, default: Option<PathBuf>| match env.get(var) {
            Some(p) if !p.is_empty() => Some(FileSource {
                path: PathBuf::from(p),
                required: true,
            }),
            _ => default.map(|path| FileSource {
                path,
                required: false,
            }),
        };
        Self {
            system_file: file(SYSTEM_CONFIG_VAR, Some(default_system_file())),
            user_file: file(USER_CONFIG_VAR, default_user_file()),
            env: env.clone(),
            data_dir_flag,
            default_data_dir: default_data_dir(),
            current_dir: std::env::current_dir().ok(),
        }
    }
}

/// The system file IT ships on this platform.
pub fn default_system_file() -> PathBuf {
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(base).join("Tenure").join("config.toml")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Tenure/config.toml")
    } else {
        PathBuf::from("/etc/tenure/config.toml")
    }
}

/// `<config dir>/tenure/config.toml` (`~/.config/tenure/config.toml` on Linux).
pub fn default_user_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("tenure").join("config.toml"))
}

/// Tauri's app data directory (`~/.local/share/app.tenure.desktop` on Linux), computed without
/// Tauri so the command line needs no display.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// Tauri's app log directory (`~/.local/share/app.tenure.desktop/logs` on Linux,
/// `~/Library/Logs/app.tenure.desktop` on macOS).
pub fn default_log_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|h| h.join("Library").join("Logs").join(APP_IDENTIFIER))
    } else {
        dirs::data_local_dir().map(|d| d.join(APP_IDENTIFIER).join("logs"))
    }
}

/// One layer as written: every key optional, nothing unknown.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    warning_lead_minutes: Option<i64>,
    bounds: Option<LayerBounds>,
    locked: Option<Vec<String>>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerBounds {
    idle_min: Option<i64>,
    idle_max: Option<i64>,
    idle_default: Option<i64>,
    absolute_min: Option<i64>,
    absolute_max: Option<i64>,
    absolute_default: Option<i64>,
}

impl LayerBounds {
    /// `(key, value)` for each bound this layer sets.
    fn set(&self) -> Vec<(&'static str, i64)> {
        [
            ("bounds.idle_min", self.idle_min),
            ("bounds.idle_max", self.idle_max),
            ("bounds.idle_default", self.idle_default),
            ("bounds.absolute_min", self.absolute_min),
            ("bounds.absolute_max", self.absolute_max),
            ("bounds.absolute_default", self.absolute_default),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

fn bounds_slot<'b>(b: &'b mut Bounds, key: &str) -> &'b mut i64 {
    match key {
        "bounds.idle_min" => &mut b.idle_min,
        "bounds.idle_max" => &mut b.idle_max,
        "bounds.idle_default" => &mut b.idle_default,
        "bounds.absolute_min" => &mut b.absolute_min,
        "bounds.absolute_max" => &mut b.absolute_max,
        _ => &mut b.absolute_default,
    }
}

impl Layer {
    fn set_keys(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        if self.database_url.is_some() {
            keys.push("database_url");
        }
        if self.data_dir.is_some() {
            keys.push("data_dir");
        }
        if self.warning_lead_minutes.is_some() {
            keys.push("warning_lead_minutes");
        }
        if let Some(b) = &self.bounds {
            keys.extend(b.set().into_iter().map(|(k, _)| k));
        }
        keys
    }
}

/// A provider for values that are not in a file (defaults, the environment, the flag), named
/// so that [`Config::origin`] can tell them apart.
struct Overlay {
    name: &'static str,
    values: Vec<(String, Value)>,
}

impl Provider for Overlay {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (key, value) in &self.values {
            match key.split_once('.') {
                Some((table, sub)) => {
                    let entry = dict
                        .entry(table.to_owned())
                        .or_insert_with(|| Value::Dict(Tag::Default, Dict::new()));
                    if let Value::Dict(_, d) = entry {
                        d.insert(sub.to_owned(), value.clone());
                    }
                }
                None => {
                    dict.insert(key.clone(), value.clone());
                }
            }
        }
        let mut map = Map::new();
        map.insert(Profile::Default, dict);
        Ok(map)
    }
}

fn defaults_overlay() -> Overlay {
    let b = Bounds::default();
    let d = Settings::default();
    let num = |k: &str, v: i64| (k.to_owned(), Value::from(v));
    Overlay {
        name: DEFAULT_NAME,
        values: vec![
            num("warning_lead_minutes", d.warning_lead_minutes),
            num("bounds.idle_min", b.idle_min),
            num("bounds.idle_max", b.idle_max),
            num("bounds.idle_default", b.idle_default),
            num("bounds.absolute_min", b.absolute_min),
            num("bounds.absolute_max", b.absolute_max),
            num("bounds.absolute_default", b.absolute_default),
        ],
    }
}

/// The configuration variables of `env`: the known keys, and any `TENURE_BOUNDS__*` (so a
/// misspelt bound is reported, not ignored). Other `TENURE_*` variables are not configuration.
fn env_overlay(env: &BTreeMap<String, String>) -> Overlay {
    let mut values = Vec::new();
    for (var, raw) in env {
        if raw.is_empty() {
            continue;
        }
        let key = match KEYS.iter().find(|k| env_var(k) == *var) {
            Some(k) => (*k).to_owned(),
            None => match var.strip_prefix("TENURE_BOUNDS__") {
                Some(rest) => format!("bounds.{}", rest.to_ascii_lowercase()),
                None => continue,
            },
        };
        let value = if key == "database_url" || key == "data_dir" {
            Value::from(raw.clone())
        } else {
            match raw.trim().parse::<i64>() {
                Ok(n) => Value::from(n),
                // Left a string, so the typed extraction says "expected a whole number".
                Err(_) => Value::from(raw.clone()),
            }
        };
        values.push((key, value));
    }
    Overlay {
        name: ENV_NAME,
        values,
    }
}

fn flag_overlay(dir: &Path) -> Overlay {
    Overlay {
        name: FLAG_NAME,
        values: vec![(
            "data_dir".to_owned(),
            Value::from(dir.to_string_lossy().into_owned()),
        )],
    }
}

/// The effective value of each key after merging; defaults fill everything but the two paths.
#[derive(Debug, Deserialize)]
struct Merged {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    warning_lead_minutes: i64,
    bounds: Bounds,
}

/// One line of `config check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: &'static str,
    /// Printable, secrets redacted.
    pub value: String,
    pub origin: Origin,
    pub locked: bool,
}

/// A configuration file and whether it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStatus {
    pub role: &'static str,
    pub path: PathBuf,
    pub present: bool,
}

/// The effective configuration: what the app and the command line run with.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub settings: Settings,
    /// Each key's value and source, for `config check`.
    pub entries: Vec<Entry>,
    pub files: Vec<FileStatus>,
    /// What the system file locked (as written there).
    pub locked: Vec<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &crate::store::redact_url(&self.database_url),
            )
            .field("data_dir", &self.data_dir)
            .field("settings", &self.settings)
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

/// Accepts `sqlite:` and `postgres://` / `postgresql://` URLs that their driver can parse.
fn check_database_url(url: &str) -> Result<(), String> {
    let shown = crate::store::redact_url(url);
    if url.trim().is_empty() {
        return Err("the database URL is empty".into());
    }
    let parsed = if url.starts_with("sqlite:") {
        sqlx::sqlite::SqliteConnectOptions::from_str(url).map(|_| ())
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        sqlx::postgres::PgConnectOptions::from_str(url).map(|_| ())
    } else {
        return Err(format!(
            "\"{shown}\" is not a database URL Tenure can use: it must start with sqlite: or postgres://"
        ));
    };
    parsed.map_err(|e| format!("\"{shown}\" cannot be read as a database URL: {e}"))
}

/// Turns figment's first error into (keys, problem) in a configuration author's words.
fn figment_problem(e: figment::Error) -> (Vec<String>, String) {
    let e = e
        .into_iter()
        .next()
        .expect("an error holds at least itself");
    let mut path = e.path.join(".");
    let problem = match &e.kind {
        figment::error::Kind::UnknownField(name, expected) => {
            // figment's path already ends with the unknown key, except at the top level.
            if path.is_empty() {
                path = name.clone();
            }
            format!("unknown key (expected one of: {})", expected.join(", "))
        }
        figment::error::Kind::InvalidType(actual, expected) => {
            let expected = match expected.as_str() {
                "i64" => "a whole number",
                "a string" | "path string" | "a path" => "a string",
                other => other,
            };
            format!("expected {expected}, found {actual}")
        }
        figment::error::Kind::Message(m) => m.clone(),
        other => other.to_string(),
    };
    let keys = if path.is_empty() { vec![] } else { vec![path] };
    (keys, problem)
}

/// Where a merged value came from, from the metadata figment keeps for it.
fn origin_of(md: Option<&Metadata>, inputs: &Inputs) -> Origin {
    let Some(md) = md else {
        return Origin::Default;
    };
    if let Some(p) = md.source.as_ref().and_then(|s| s.file_path()) {
        if inputs.system_file.as_ref().is_some_and(|f| f.path == p) {
            return Origin::SystemFile(p.to_path_buf());
        }
        return Origin::UserFile(p.to_path_buf());
    }
    match md.name.as_ref() {
        ENV_NAME => Origin::Env,
        FLAG_NAME => Origin::Flag,
        _ => Origin::Default,
    }
}

/// Reads one file layer: absent (when allowed), or parsed, typed and checked on its own.
fn read_file(source: &FileSource, origin: &Origin) -> Result<Option<Layer>, ConfigError> {
    let text = match std::fs::read_to_string(&source.path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !source.required => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let var = match origin {
                Origin::SystemFile(_) => SYSTEM_CONFIG_VAR,
                _ => USER_CONFIG_VAR,
            };
            return Err(ConfigError::new(
                origin.clone(),
                &[],
                format!("the file does not exist ({var} names it)"),
            ));
        }
        Err(e) => {
            return Err(ConfigError::new(
                origin.clone(),
                &[],
                format!("cannot read the file: {e}"),
            ))
        }
    };
    // Syntax first, with toml's own position, so a typo is reported as a line and column.
    if let Err(e) = text.parse::<toml::Table>() {
        let at = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        return Err(ConfigError::new(
            origin.clone(),
            &[],
            format!(
                "not valid TOML{at}: {}",
                e.message().trim().replace('\n', "; ")
            ),
        ));
    }
    let layer = Figment::from(Toml::file_exact(&source.path))
        .extract::<Layer>()
        .map_err(|e| {
            let (keys, problem) = figment_problem(e);
            ConfigError {
                origin: origin.clone(),
                keys,
                problem,
            }
        })?;
    Ok(Some(layer))
}

/// Checks the values of one layer that make sense on their own.
fn check_values(layer: &Layer, origin: &Origin) -> Result<(), ConfigError> {
    if let Some(url) = &layer.database_url {
        check_database_url(url)
            .map_err(|p| ConfigError::new(origin.clone(), &["database_url"], p))?;
    }
    if let Some(dir) = &layer.data_dir {
        if dir.as_os_str().is_empty() {
            return Err(ConfigError::new(
                origin.clone(),
                &["data_dir"],
                "the data directory is empty",
            ));
        }
        if matches!(origin, Origin::SystemFile(_) | Origin::UserFile(_)) && !dir.is_absolute() {
            return Err(ConfigError::new(
                origin.clone(),
                &["data_dir"],
                format!("\"{}\" must be an absolute path", dir.display()),
            ));
        }
    }
    if let Some(lead) = layer.warning_lead_minutes {
        let (min, max) = WARNING_LEAD_RANGE;
        if !(min..=max).contains(&lead) {
            return Err(ConfigError::new(
                origin.clone(),
                &["warning_lead_minutes"],
                format!("{lead} is not between {min} and {max} minutes"),
            ));
        }
    }
    Ok(())
}

/// `locked`: only in the system file, and only names Tenure knows.
fn check_locked(layer: &Layer, origin: &Origin) -> Result<Vec<String>, ConfigError> {
    let Some(locked) = &layer.locked else {
        return Ok(Vec::new());
    };
    if !matches!(origin, Origin::SystemFile(_)) {
        return Err(ConfigError::new(
            origin.clone(),
            &["locked"],
            "only the system config can lock keys",
        ));
    }
    for name in locked {
        if !KEYS.contains(&name.as_str()) && !LOCKABLE_TABLES.contains(&name.as_str()) {
            return Err(ConfigError::new(
                origin.clone(),
                &["locked"],
                format!(
                    "\"{name}\" is not a key Tenure knows (expected one of: bounds, {})",
                    KEYS.join(", ")
                ),
            ));
        }
    }
    Ok(locked.clone())
}

fn is_locked(locked: &[String], key: &str) -> bool {
    locked.iter().any(|l| {
        l == key
            || key
                .strip_prefix(l.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The bounds after `layer`, which must still lie within the built-in ones and be coherent.
fn apply_bounds(below: Bounds, layer: &Layer, origin: &Origin) -> Result<Bounds, ConfigError> {
    let set = layer.bounds.map(|b| b.set()).unwrap_or_default();
    let mut after = below;
    for (key, value) in &set {
        *bounds_slot(&mut after, key) = *value;
    }
    let outer = Bounds::default();
    let Err(problem) = after.check_within(&outer) else {
        return Ok(after);
    };
    // Name the keys whose own value breaks the bounds: those that, put back to what the lower
    // layers said, make the bounds coherent again; failing that, every bound the layer set.
    let culprits: Vec<&str> = set
        .iter()
        .filter(|(key, _)| {
            let (mut trial, mut lower) = (after, below);
            *bounds_slot(&mut trial, key) = *bounds_slot(&mut lower, key);
            trial.check_within(&outer).is_ok()
        })
        .map(|(k, _)| *k)
        .collect();
    let keys = if culprits.is_empty() {
        set.iter().map(|(k, _)| *k).collect()
    } else {
        culprits
    };
    Err(ConfigError::new(origin.clone(), &keys, problem))
}

impl Config {
    /// Loads the configuration from the real sources; `data_dir_flag` is `--data-dir`.
    pub fn load(data_dir_flag: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(&Inputs::from_process(data_dir_flag.map(Path::to_path_buf)))
    }

    /// Loads the configuration from `inputs`: every layer checked on its own, then merged.
    pub fn load_from(inputs: &Inputs) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(defaults_overlay());
        let mut files = Vec::new();
        let mut locked: Vec<String> = Vec::new();
        let mut bounds = Bounds::default();

        // Each layer, lowest first: (origin, what it sets).
        let mut layers: Vec<(Origin, Layer)> = Vec::new();
        for (role, source) in [("system", &inputs.system_file), ("user", &inputs.user_file)] {
            let Some(source) = source else { continue };
            let origin = if role == "system" {
                Origin::SystemFile(source.path.clone())
            } else {
                Origin::UserFile(source.path.clone())
            };
            let layer = read_file(source, &origin)?;
            files.push(FileStatus {
                role,
                path: source.path.clone(),
                present: layer.is_some(),
            });
            if let Some(layer) = layer {
                figment = figment.merge(Toml::file_exact(&source.path));
                layers.push((origin, layer));
            }
        }
        let env = env_overlay(&inputs.env);
        let env_layer = Figment::from(Overlay {
            name: ENV_NAME,
            values: env.values.clone(),
        })
        .extract::<Layer>()
        .map_err(|e| {
            let (keys, problem) = figment_problem(e);
            ConfigError {
                origin: Origin::Env,
                keys,
                problem,
            }
        })?;
        figment = figment.merge(env);
        layers.push((Origin::Env, env_layer));
        if let Some(dir) = &inputs.data_dir_flag {
            figment = figment.merge(flag_overlay(dir));
            layers.push((
                Origin::Flag,
                Layer {
                    data_dir: Some(dir.clone()),
                    ..Layer::default()
                },
            ));
        }

        for (origin, layer) in &layers {
            let lock_list = check_locked(layer, origin)?;
            if let Origin::SystemFile(_) = origin {
                locked = lock_list;
            } else if let Some(key) = layer.set_keys().into_iter().find(|k| is_locked(&locked, k)) {
                let by = layers
                    .iter()
                    .find_map(|(o, _)| match o {
                        Origin::SystemFile(p) => Some(p.display().to_string()),
                        _ => None,
                    })
                    .unwrap_or_default();
                return Err(ConfigError::new(
                    origin.clone(),
                    &[key],
                    format!("this key is locked by the system config {by}"),
                ));
            }
            check_values(layer, origin)?;
            bounds = apply_bounds(bounds, layer, origin)?;
        }

        let merged: Merged = figment.extract().map_err(|e| {
            // Every layer passed on its own, so this is a bug, not a user's mistake; still a
            // message rather than a panic.
            let (keys, problem) = figment_problem(e);
            ConfigError {
                origin: Origin::Default,
                keys,
                problem: format!("could not merge the configuration: {problem}"),
            }
        })?;
        debug_assert_eq!(merged.bounds, bounds);
        let origin = |key: &str| origin_of(figment.find_metadata(key), inputs);

        let data_dir_origin = origin("data_dir");
        let data_dir = match merged.data_dir {
            Some(d) if d.is_relative() => {
                inputs.current_dir.as_ref().map(|c| c.join(&d)).unwrap_or(d)
            }
            Some(d) => d,
            None => inputs.default_data_dir.clone().ok_or_else(|| {
                ConfigError::new(
                    Origin::Default,
                    &["data_dir"],
                    "this system has no app data directory; set data_dir or TENURE_DATA_DIR",
                )
            })?,
        };
        let database_url = merged
            .database_url
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("tenure.db").display()));
        let settings = Settings {
            bounds: merged.bounds,
            warning_lead_minutes: merged.warning_lead_minutes,
            ..Settings::default()
        };
        let b = merged.bounds;
        let values: [(&'static str, String); 9] = [
            ("database_url", crate::store::redact_url(&database_url)),
            ("data_dir", data_dir.display().to_string()),
            (
                "warning_lead_minutes",
                merged.warning_lead_minutes.to_string(),
            ),
            ("bounds.idle_min", b.idle_min.to_string()),
            ("bounds.idle_max", b.idle_max.to_string()),
            ("bounds.idle_default", b.idle_default.to_string()),
            ("bounds.absolute_min", b.absolute_min.to_string()),
            ("bounds.absolute_max", b.absolute_max.to_string()),
            ("bounds.absolute_default", b.absolute_default.to_string()),
        ];
        let entries = values
            .into_iter()
            .map(|(key, value)| Entry {
                key,
                value,
                origin: if key == "data_dir" {
                    data_dir_origin.clone()
                } else {
                    origin(key)
                },
                locked: is_locked(&locked, key),
            })
            .collect();
        Ok(Self {
            database_url,
            data_dir,
            settings,
            entries,
            files,
            locked,
        })
    }

    /// The entry for `key` (one of [`KEYS`]).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// Creates the data directory when the embedded database lives in it.
    pub fn ensure_data_dir(&self) -> Result<(), ConfigError> {
        if !self.database_url.starts_with("sqlite:") {
            return Ok(());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            let origin = self
                .entry("data_dir")
                .map(|e| e.origin.clone())
                .unwrap_or(Origin::Default);
            ConfigError::new(
                origin,
                &["data_dir"],
                format!("cannot create {}: {e}", self.data_dir.display()),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn identifier_matches_tauri_conf() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], super::APP_IDENTIFIER);
    }

    #[test]
    fn redacts_query_password() {
        assert_eq!(
            crate::store::redact_url("postgres://db/tenure?user=t&password=s3cret"),
            "postgres://db/tenure?user=t&password=***"
        );
    }
}
