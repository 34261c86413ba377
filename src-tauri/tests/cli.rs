//! Fleet configuration and the command line, as IT meets them.
//!
//! The configuration tests load [`Config`] from explicit [`Inputs`] (files in a temporary
//! directory, an environment given as a map), so they share no process state and run in
//! parallel. The command-line tests run the real `tenure` binary against a temporary SQLite
//! database, with every `TENURE_*` variable of the test's own environment removed.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use rstest::rstest;
use tenure_app::config::{Config, FileSource, Inputs, Origin};
use tenure_app::service::{Service, Settings};
use tenure_app::store::{self, AuditRecord};
use tenure_core::wire::SignInRequest;

// ---------------------------------------------------------------------------------------------
// Configuration

/// A system file, a user file and an environment, in a directory removed afterwards.
struct Layers {
    dir: tempfile::TempDir,
    env: BTreeMap<String, String>,
    flag: Option<PathBuf>,
}

impl Layers {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            env: BTreeMap::new(),
            flag: None,
        }
    }

    fn system_path(&self) -> PathBuf {
        self.dir.path().join("system.toml")
    }

    fn user_path(&self) -> PathBuf {
        self.dir.path().join("user.toml")
    }

    fn system(self, toml: &str) -> Self {
        std::fs::write(self.system_path(), toml).unwrap();
        self
    }

    fn user(self, toml: &str) -> Self {
        std::fs::write(self.user_path(), toml).unwrap();
        self
    }

    fn env(mut self, var: &str, value: &str) -> Self {
        self.env.insert(var.into(), value.into());
        self
    }

    fn flag(mut self, dir: &str) -> Self {
        self.flag = Some(dir.into());
        self
    }

    fn inputs(&self) -> Inputs {
        Inputs {
            // Not required: an absent file is "none", as for the platform's default paths.
            system_file: Some(FileSource {
                path: self.system_path(),
                required: false,
            }),
            user_file: Some(FileSource {
                path: self.user_path(),
                required: false,
            }),
            env: self.env.clone(),
            data_dir_flag: self.flag.clone(),
            default_data_dir: Some(PathBuf::from(
                "/home/someone/.local/share/app.tenure.desktop",
            )),
            current_dir: Some(PathBuf::from("/work")),
        }
    }

    fn load(&self) -> Result<Config, String> {
        Config::load_from(&self.inputs()).map_err(|e| e.to_string())
    }

    /// The message, with the two file paths written as `{system}` and `{user}`.
    fn error(&self) -> String {
        let msg = self
            .load()
            .expect_err("the configuration should be refused");
        msg.replace(&self.system_path().display().to_string(), "{system}")
            .replace(&self.user_path().display().to_string(), "{user}")
    }

    fn origin_name(&self, o: &Origin) -> &'static str {
        match o {
            Origin::Default => "default",
            Origin::SystemFile(p) if *p == self.system_path() => "system",
            Origin::UserFile(p) if *p == self.user_path() => "user",
            Origin::Env => "env",
            Origin::Flag => "flag",
            other => panic!("unexpected origin {other:?}"),
        }
    }

    fn value(&self, key: &str) -> (String, &'static str) {
        let cfg = self.load().unwrap();
        let e = cfg.entry(key).unwrap();
        (e.value.clone(), self.origin_name(&e.origin))
    }
}

#[test]
fn nothing_configured_gives_the_built_in_defaults() {
    let cfg = Layers::new().load().unwrap();
    assert_eq!(cfg.settings, Settings::default());
    assert_eq!(
        cfg.database_url,
        "sqlite:/home/someone/.local/share/app.tenure.desktop/tenure.db"
    );
    assert!(cfg.entries.iter().all(|e| e.origin == Origin::Default));
    assert!(cfg.files.iter().all(|f| !f.present));
}

#[rstest]
#[case::default(None, None, None, "5", "default")]
#[case::system(Some(10), None, None, "10", "system")]
#[case::user_over_system(Some(10), Some(20), None, "20", "user")]
#[case::env_over_user(Some(10), Some(20), Some("30"), "30", "env")]
#[case::env_over_system(Some(10), None, Some("30"), "30", "env")]
#[case::user_alone(None, Some(20), None, "20", "user")]
#[case::empty_env_is_unset(Some(10), None, Some(""), "10", "system")]
fn precedence_env_then_user_then_system(
    #[case] system: Option<i64>,
    #[case] user: Option<i64>,
    #[case] env: Option<&str>,
    #[case] value: &str,
    #[case] source: &str,
) {
    let mut l = Layers::new();
    if let Some(v) = system {
        l = l.system(&format!("warning_lead_minutes = {v}\n"));
    }
    if let Some(v) = user {
        l = l.user(&format!("warning_lead_minutes = {v}\n"));
    }
    if let Some(v) = env {
        l = l.env("TENURE_WARNING_LEAD_MINUTES", v);
    }
    assert_eq!(l.value("warning_lead_minutes"), (value.to_owned(), source));
    let lead: i64 = value.parse().unwrap();
    assert_eq!(l.load().unwrap().settings.warning_lead_minutes, lead);
}

#[rstest]
#[case::system_file(Layers::new().system("data_dir = \"/srv/a\"\n"), "/srv/a", "system")]
#[case::env_relative_to_cwd(
    Layers::new().system("data_dir = \"/srv/a\"\n").env("TENURE_DATA_DIR", "b"),
    "/work/b",
    "env"
)]
#[case::flag_over_env(
    Layers::new().env("TENURE_DATA_DIR", "/srv/b").flag("/srv/c"),
    "/srv/c",
    "flag"
)]
fn data_dir_layers(#[case] l: Layers, #[case] dir: &str, #[case] source: &str) {
    assert_eq!(l.value("data_dir"), (dir.to_owned(), source));
    assert_eq!(
        l.load().unwrap().database_url,
        format!("sqlite:{dir}/tenure.db")
    );
}

#[test]
fn bounds_merge_key_by_key_and_may_only_narrow() {
    let l = Layers::new()
        .system("[bounds]\nidle_max = 480\nidle_default = 30\nabsolute_max = 1440\n")
        .user("[bounds]\nidle_default = 20\n")
        .env("TENURE_BOUNDS__ABSOLUTE_DEFAULT", "720");
    let b = l.load().unwrap().settings.bounds;
    assert_eq!(
        (b.idle_min, b.idle_max, b.idle_default),
        (5, 480, 20),
        "idle"
    );
    assert_eq!(
        (b.absolute_min, b.absolute_max, b.absolute_default),
        (15, 1440, 720),
        "absolute"
    );
    assert_eq!(l.value("bounds.idle_max").1, "system");
    assert_eq!(l.value("bounds.idle_default").1, "user");
    assert_eq!(l.value("bounds.absolute_default").1, "env");
    assert_eq!(l.value("bounds.idle_min").1, "default");
}

#[test]
fn the_database_password_is_redacted() {
    let l = Layers::new().system("database_url = \"postgres://tenure:s3cret@db.example/tenure\"\n");
    let cfg = l.load().unwrap();
    assert_eq!(
        cfg.entry("database_url").unwrap().value,
        "postgres://tenure:***@db.example/tenure"
    );
    assert!(!format!("{cfg:?}").contains("s3cret"));
}

#[rstest]
#[case::user_file_url(
    Layers::new()
        .system("locked = [\"database_url\"]\ndatabase_url = \"postgres://db.example/tenure\"\n")
        .user("database_url = \"sqlite:/tmp/mine.db\"\n"),
    "{user}: database_url: this key is locked by the system config {system}"
)]
#[case::env_url(
    Layers::new()
        .system("locked = [\"database_url\"]\n")
        .env("TENURE_DATABASE_URL", "sqlite:/tmp/mine.db"),
    "environment variable TENURE_DATABASE_URL (database_url): this key is locked by the system config {system}"
)]
#[case::whole_bounds_table(
    Layers::new()
        .system("locked = [\"bounds\"]\n[bounds]\nidle_max = 480\n")
        .user("[bounds]\nidle_default = 20\n"),
    "{user}: bounds.idle_default: this key is locked by the system config {system}"
)]
#[case::one_bound(
    Layers::new()
        .system("locked = [\"bounds.idle_max\"]\n")
        .env("TENURE_BOUNDS__IDLE_MAX", "100"),
    "environment variable TENURE_BOUNDS__IDLE_MAX (bounds.idle_max): this key is locked by the system config {system}"
)]
#[case::data_dir_flag(
    Layers::new().system("locked = [\"data_dir\"]\ndata_dir = \"/srv/tenure\"\n").flag("/tmp/x"),
    "command line --data-dir: this key is locked by the system config {system}"
)]
#[case::lock_in_user_file(
    Layers::new().user("locked = [\"bounds\"]\n"),
    "{user}: locked: only the system config can lock keys"
)]
fn a_locked_key_cannot_be_changed_above_the_system_file(#[case] l: Layers, #[case] msg: &str) {
    assert_eq!(l.error(), msg);
}

#[test]
fn a_lock_on_one_bound_leaves_the_others_open() {
    let l = Layers::new()
        .system("locked = [\"bounds.idle_max\"]\n[bounds]\nidle_max = 480\n")
        .user("[bounds]\nidle_default = 20\n");
    let cfg = l.load().unwrap();
    assert_eq!(cfg.settings.bounds.idle_default, 20);
    assert!(cfg.entry("bounds.idle_max").unwrap().locked);
    assert!(!cfg.entry("bounds.idle_default").unwrap().locked);
    assert_eq!(cfg.locked, vec!["bounds.idle_max".to_owned()]);
}

#[rstest]
#[case::unknown_key(
    Layers::new().system("database = \"sqlite:/x.db\"\n"),
    "{system}: database: unknown key (expected one of: database_url, data_dir, warning_lead_minutes, bounds, locked)"
)]
#[case::unknown_bound(
    Layers::new().user("[bounds]\nidle_maximum = 60\n"),
    "{user}: bounds.idle_maximum: unknown key (expected one of: idle_min, idle_max, idle_default, absolute_min, absolute_max, absolute_default)"
)]
#[case::unknown_bound_variable(
    Layers::new().env("TENURE_BOUNDS__IDLE_MAXIMUM", "60"),
    "environment variable TENURE_BOUNDS__IDLE_MAXIMUM (bounds.idle_maximum): unknown key (expected one of: idle_min, idle_max, idle_default, absolute_min, absolute_max, absolute_default)"
)]
#[case::widened_max(
    Layers::new().system("[bounds]\nidle_max = 50000\n"),
    "{system}: bounds.idle_max: idle_minutes: bounds 5..50000 widen the allowed range 5..43200"
)]
#[case::widened_min(
    Layers::new().user("[bounds]\nabsolute_min = 1\n"),
    "{user}: bounds.absolute_min: absolute_minutes: bounds 1..129600 widen the allowed range 15..129600"
)]
#[case::min_greater_than_max(
    Layers::new().system("[bounds]\nidle_min = 100\nidle_max = 50\n"),
    "{system}: bounds.idle_min, bounds.idle_max: idle_minutes: min (100) is greater than max (50)"
)]
#[case::user_breaks_system_bounds(
    Layers::new().system("[bounds]\nidle_max = 120\nidle_default = 30\n").user("[bounds]\nidle_default = 200\n"),
    "{user}: bounds.idle_default: idle_minutes: default 200 lies outside its bounds 5..120"
)]
#[case::narrowed_past_the_default(
    Layers::new().system("[bounds]\nidle_min = 100\n"),
    "{system}: bounds.idle_min: idle_minutes: default 60 lies outside its bounds 100..43200"
)]
#[case::idle_default_over_absolute_default(
    Layers::new().system("[bounds]\nidle_default = 2000\nabsolute_default = 1000\n"),
    "{system}: bounds.idle_default: the default idle timeout (2000) is longer than the default absolute timeout (1000)"
)]
#[case::negative_bound_from_env(
    Layers::new().env("TENURE_BOUNDS__IDLE_MIN", "-5"),
    "environment variable TENURE_BOUNDS__IDLE_MIN (bounds.idle_min): idle_minutes: bounds -5..43200 widen the allowed range 5..43200"
)]
#[case::bound_not_a_number(
    Layers::new().system("[bounds]\nidle_max = \"lots\"\n"),
    "{system}: bounds.idle_max: expected a whole number, found string \"lots\""
)]
#[case::bound_fractional(
    Layers::new().system("[bounds]\nidle_max = 60.5\n"),
    "{system}: bounds.idle_max: expected a whole number, found float `60.5`"
)]
#[case::lead_out_of_range(
    Layers::new().user("warning_lead_minutes = 0\n"),
    "{user}: warning_lead_minutes: 0 is not between 1 and 60 minutes"
)]
#[case::lead_from_env_not_a_number(
    Layers::new().env("TENURE_WARNING_LEAD_MINUTES", "five"),
    "environment variable TENURE_WARNING_LEAD_MINUTES (warning_lead_minutes): expected a whole number, found string \"five\""
)]
#[case::mysql_url(
    Layers::new().system("database_url = \"mysql://tenure:s3cret@db/tenure\"\n"),
    "{system}: database_url: \"mysql://tenure:***@db/tenure\" is not a database URL Tenure can use: it must start with sqlite: or postgres://"
)]
#[case::unreadable_postgres_url(
    Layers::new().env("TENURE_DATABASE_URL", "postgres://tenure:s3cret@db:notaport/tenure"),
    "environment variable TENURE_DATABASE_URL (database_url): \"postgres://tenure:***@db:notaport/tenure\" cannot be read as a database URL: error with configuration: invalid port number"
)]
#[case::empty_url(
    Layers::new().user("database_url = \"\"\n"),
    "{user}: database_url: the database URL is empty"
)]
#[case::relative_data_dir_in_a_file(
    Layers::new().system("data_dir = \"tenure\"\n"),
    "{system}: data_dir: \"tenure\" must be an absolute path"
)]
#[case::unknown_lock(
    Layers::new().system("locked = [\"database\"]\n"),
    "{system}: locked: \"database\" is not a key Tenure knows (expected one of: bounds, database_url, data_dir, warning_lead_minutes, bounds.idle_min, bounds.idle_max, bounds.idle_default, bounds.absolute_min, bounds.absolute_max, bounds.absolute_default)"
)]
#[case::not_toml(
    Layers::new().system("[bounds]\nidle_max = \n"),
    "{system}: not valid TOML at line 2, column 12: invalid string; expected `\"`, `'`"
)]
fn a_wrong_config_is_refused_naming_file_and_key(#[case] l: Layers, #[case] msg: &str) {
    assert_eq!(l.error(), msg);
}

#[test]
fn an_unreadable_file_is_refused() {
    let l = Layers::new();
    std::fs::create_dir(l.system_path()).unwrap();
    assert_eq!(
        l.error(),
        "{system}: cannot read the file: Is a directory (os error 21)"
    );
}

#[test]
fn a_file_a_variable_names_must_exist() {
    let l = Layers::new();
    let mut inputs = l.inputs();
    inputs.system_file = Some(FileSource {
        path: l.system_path(),
        required: true,
    });
    assert_eq!(
        Config::load_from(&inputs).unwrap_err().to_string(),
        format!(
            "{}: the file does not exist (TENURE_SYSTEM_CONFIG names it)",
            l.system_path().display()
        )
    );
}

// ---------------------------------------------------------------------------------------------
// The command line, as a real process

const OWNER: &str = "olivia@example.com";
const OWNER_PW: &str = "owner-password-1";
const MEMBER: &str = "maya@example.com";
const MEMBER_PW: &str = "member-password-1";

/// A temporary database and configuration for the `tenure` binary.
struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Self {
        let d = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(d.system_file(), "").unwrap();
        std::fs::write(d.user_file(), "").unwrap();
        d
    }

    fn system_file(&self) -> PathBuf {
        self.dir.path().join("system.toml")
    }

    fn user_file(&self) -> PathBuf {
        self.dir.path().join("user.toml")
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn url(&self) -> String {
        format!("sqlite:{}", self.data_dir().join("tenure.db").display())
    }

    /// `tenure ARGS` with `env` set, `stdin` on standard input.
    fn run(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tenure"));
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("TENURE_") || k == "RUST_LOG" {
                c.env_remove(k);
            }
        }
        c.args(args)
            .env("TENURE_SYSTEM_CONFIG", self.system_file())
            .env("TENURE_USER_CONFIG", self.user_file())
            .env("TENURE_DATA_DIR", self.data_dir())
            .env("HOME", self.dir.path())
            .envs(env.iter().copied())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("the tenure binary runs");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        Run(child.wait_with_output().unwrap())
    }

    fn create_account(&self) {
        self.run(
            &[
                "account",
                "create",
                "--name",
                "Northwind",
                "--owner-name",
                "Olivia Owner",
                "--email",
                OWNER,
                "--password-stdin",
            ],
            &[],
            Some(&format!("{OWNER_PW}\n")),
        )
        .ok();
    }

    fn add_member(&self) {
        self.run(
            &["member", "add", "--email", MEMBER, "--name", "Maya Member"],
            &[("TENURE_PASSWORD", MEMBER_PW)],
            None,
        )
        .ok();
    }

    async fn service(&self) -> Service {
        let store = store::open(&self.url()).await.unwrap();
        tenure_app::build_service(
            store,
            Arc::new(tenure_app::clock::SystemClock),
            Settings::default(),
        )
    }

    async fn audit(&self) -> Vec<AuditRecord> {
        self.service().await.store().audit_log(None).await.unwrap()
    }
}

struct Run(Output);

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    fn code(&self) -> i32 {
        self.0.status.code().expect("exited")
    }

    /// Succeeded; returns standard output.
    fn ok(&self) -> String {
        assert_eq!(self.code(), 0, "stderr: {}", self.stderr());
        self.stdout()
    }

    /// Failed with `code`; returns standard error.
    fn fails(&self, code: i32) -> String {
        assert_eq!(self.code(), code, "stdout: {}", self.stdout());
        assert!(self.stdout().is_empty(), "stdout: {}", self.stdout());
        self.stderr()
    }
}

fn audited<'a>(log: &'a [AuditRecord], action: &str) -> Vec<&'a AuditRecord> {
    log.iter().filter(|r| r.action == action).collect()
}

#[test]
fn version() {
    let out = Desk::new().run(&["--version"], &[], None).ok();
    assert_eq!(out, format!("tenure {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn config_check_prints_each_value_and_its_source() {
    let desk = Desk::new();
    std::fs::write(
        desk.system_file(),
        "locked = [\"database_url\"]\ndatabase_url = \"postgres://tenure:s3cret@db.example/tenure\"\n[bounds]\nidle_max = 480\n",
    )
    .unwrap();
    std::fs::write(desk.user_file(), "warning_lead_minutes = 10\n").unwrap();
    let out = desk.run(&["config", "check"], &[], None).ok();
    let system = desk.system_file().display().to_string();
    let user = desk.user_file().display().to_string();
    let line = |key: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no line for {key} in:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        out.contains(&format!("system config: {system} (read)")),
        "{out}"
    );
    assert!(
        out.contains(&format!("user config: {user} (read)")),
        "{out}"
    );
    assert_eq!(
        line("database_url"),
        format!(
            "database_url postgres://tenure:***@db.example/tenure system file {system} [locked]"
        )
    );
    assert_eq!(
        line("data_dir"),
        format!(
            "data_dir {} environment variable TENURE_DATA_DIR",
            desk.data_dir().display()
        )
    );
    assert_eq!(
        line("warning_lead_minutes"),
        format!("warning_lead_minutes 10 user file {user}")
    );
    assert_eq!(
        line("bounds.idle_max"),
        format!("bounds.idle_max 480 system file {system}")
    );
    assert_eq!(
        line("bounds.idle_min"),
        "bounds.idle_min 5 built-in default"
    );
    assert!(
        out.contains("locked by the system config: database_url"),
        "{out}"
    );
    assert!(out.ends_with("The configuration is valid.\n"), "{out}");
    assert!(!out.contains("s3cret"));
    assert!(!desk.data_dir().exists(), "config check creates nothing");
}

#[test]
fn config_check_refuses_a_wrong_config_with_one_message() {
    let desk = Desk::new();
    std::fs::write(desk.system_file(), "[bounds]\nidle_max = 50000\n").unwrap();
    let err = desk.run(&["config", "check"], &[], None).fails(2);
    assert_eq!(
        err,
        format!(
            "tenure: {}: bounds.idle_max: idle_minutes: bounds 5..50000 widen the allowed range 5..43200\n",
            desk.system_file().display()
        )
    );
}

#[test]
fn the_app_refuses_to_start_on_a_wrong_config_before_opening_a_window() {
    let desk = Desk::new();
    std::fs::write(desk.user_file(), "idle = 5\n").unwrap();
    // No DISPLAY: had it got as far as the window, it would fail differently.
    let err = desk.run(&[], &[], None).fails(2);
    assert_eq!(
        err,
        format!(
            "tenure: {}: idle: unknown key (expected one of: database_url, data_dir, warning_lead_minutes, bounds, locked)\n",
            desk.user_file().display()
        )
    );
}

#[test]
fn the_app_reports_a_database_it_cannot_open_and_exits() {
    // The database opens while the window is created, so this needs a display: `cargo xtask
    // test` runs every test under Xvfb.
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("skipped: no DISPLAY (cargo xtask test provides one)");
        return;
    }
    let desk = Desk::new();
    let err = desk
        .run(
            &[],
            &[("TENURE_DATABASE_URL", "sqlite:/nonexistent/dir/x.db")],
            None,
        )
        .fails(1);
    assert!(
        err.contains("could not open the database sqlite:/nonexistent/dir/x.db: "),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn demo_and_a_command_do_not_mix() {
    let err = Desk::new()
        .run(&["--demo", "config", "check"], &[], None)
        .fails(2);
    assert!(err.contains("--demo starts the app"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn account_create_sets_up_the_account_like_the_set_up_screen() {
    let desk = Desk::new();
    let out = desk
        .run(
            &[
                "account",
                "create",
                "--name",
                "Northwind",
                "--owner-name",
                "Olivia Owner",
                "--email",
                "Olivia@Example.com",
                "--password-stdin",
            ],
            &[],
            Some(&format!("{OWNER_PW}\n")),
        )
        .ok();
    assert_eq!(
        out,
        format!("Created the account \"Northwind\" with owner Olivia Owner <{OWNER}>.\n")
    );
    let log = desk.audit().await;
    assert_eq!(audited(&log, "account.create").len(), 1);
    assert_eq!(audited(&log, "sign_in.success").len(), 1);
    let service = desk.service().await;
    // The set-up session was ended; the owner signs in with the password from stdin.
    let owner = service.store().user_by_email(OWNER).await.unwrap().unwrap();
    assert!(service
        .active_users(owner.account_id)
        .await
        .unwrap()
        .is_empty());
    service
        .sign_in(SignInRequest {
            email: OWNER.into(),
            password: OWNER_PW.into(),
        })
        .await
        .unwrap();

    let again = desk
        .run(
            &[
                "account",
                "create",
                "--name",
                "Second",
                "--owner-name",
                "Sam",
                "--email",
                "sam@example.com",
            ],
            &[("TENURE_PASSWORD", OWNER_PW)],
            None,
        )
        .fails(1);
    assert_eq!(again, "tenure: An account already exists.\n");
}

#[rstest]
#[case::no_password(&[], None, 2, "tenure: give the password on standard input with --password-stdin, or in TENURE_PASSWORD\n")]
#[case::empty_stdin(&["--password-stdin"], Some(""), 1, "tenure: standard input held no password\n")]
#[case::short_password(&["--password-stdin"], Some("short\n"), 1, "tenure: Password must be at least 10 characters\n")]
fn account_create_needs_a_password_from_stdin_or_the_environment(
    #[case] extra: &[&str],
    #[case] stdin: Option<&str>,
    #[case] code: i32,
    #[case] msg: &str,
) {
    let desk = Desk::new();
    let mut args = vec![
        "account",
        "create",
        "--name",
        "N",
        "--owner-name",
        "O",
        "--email",
        OWNER,
    ];
    args.extend_from_slice(extra);
    assert_eq!(desk.run(&args, &[], stdin).fails(code), msg);
}

#[test]
fn a_password_is_never_an_argument() {
    let err = Desk::new()
        .run(
            &[
                "member",
                "add",
                "--email",
                MEMBER,
                "--name",
                "M",
                "--password",
                "x",
            ],
            &[],
            None,
        )
        .fails(2);
    assert!(err.contains("unexpected argument '--password'"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn member_add_adds_to_the_one_account_and_audits() {
    let desk = Desk::new();
    let none = desk
        .run(
            &["member", "add", "--email", MEMBER, "--name", "Maya"],
            &[("TENURE_PASSWORD", MEMBER_PW)],
            None,
        )
        .fails(1);
    assert_eq!(
        none,
        "tenure: the database has no account yet; create one with `tenure account create`\n"
    );
    desk.create_account();
    let out = desk
        .run(
            &["member", "add", "--email", MEMBER, "--name", "Maya Member"],
            &[("TENURE_PASSWORD", MEMBER_PW)],
            None,
        )
        .ok();
    assert_eq!(
        out,
        format!("Added Maya Member <{MEMBER}> to \"Northwind\" as a member.\n")
    );
    let log = desk.audit().await;
    let added = audited(&log, "member.add");
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].actor_user_id, None, "IT, not a signed-in owner");
    assert_eq!(added[0].details["email"], MEMBER);
    desk.service()
        .await
        .sign_in(SignInRequest {
            email: MEMBER.into(),
            password: MEMBER_PW.into(),
        })
        .await
        .unwrap();

    let by_owner = desk
        .run(
            &[
                "member",
                "add",
                "--email",
                "noah@example.com",
                "--name",
                "Noah",
                "--account-owner",
                OWNER,
                "--password-stdin",
            ],
            &[],
            Some("noah-password-1\n"),
        )
        .ok();
    assert_eq!(
        by_owner,
        "Added Noah <noah@example.com> to \"Northwind\" as a member.\n"
    );
    let not_owner = desk
        .run(
            &[
                "member",
                "add",
                "--email",
                "x@example.com",
                "--name",
                "X",
                "--account-owner",
                MEMBER,
            ],
            &[("TENURE_PASSWORD", MEMBER_PW)],
            None,
        )
        .fails(1);
    assert_eq!(not_owner, format!("tenure: {MEMBER} is not an owner\n"));
    let duplicate = desk
        .run(
            &["member", "add", "--email", MEMBER, "--name", "Maya"],
            &[("TENURE_PASSWORD", MEMBER_PW)],
            None,
        )
        .fails(1);
    assert_eq!(
        duplicate,
        format!("tenure: {MEMBER} already has an account in Tenure.\n")
    );
}

async fn sign_in(desk: &Desk, email: &str, password: &str) {
    desk.service()
        .await
        .sign_in(SignInRequest {
            email: email.into(),
            password: password.into(),
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_list_shows_each_live_session() {
    let desk = Desk::new();
    desk.create_account();
    desk.add_member();
    assert_eq!(
        desk.run(&["sessions", "list"], &[], None).ok(),
        "No live sessions in \"Northwind\".\n"
    );
    sign_in(&desk, OWNER, OWNER_PW).await;
    sign_in(&desk, MEMBER, MEMBER_PW).await;
    let out = desk.run(&["sessions", "list"], &[], None).ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let header: Vec<&str> = lines[0]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "SESSION",
            "USER",
            "DEVICE",
            "STARTED",
            "IDLE EXPIRES",
            "ABSOLUTE EXPIRES"
        ]
    );
    let device = tenure_app::service::Device::this_machine().label;
    for (line, who) in [
        (lines[1], format!("Maya Member <{MEMBER}>")),
        (lines[2], format!("Olivia Owner <{OWNER}>")),
    ] {
        assert!(line.contains(&who), "{line}");
        assert!(line.contains(&device), "{line}");
        assert_eq!(line.matches(" UTC").count(), 3, "{line}");
    }
    assert_eq!(lines[3], "2 live sessions in \"Northwind\".");
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_revoke_signs_out_as_the_owner_and_audits() {
    let desk = Desk::new();
    desk.create_account();
    desk.add_member();
    sign_in(&desk, OWNER, OWNER_PW).await;
    sign_in(&desk, MEMBER, MEMBER_PW).await;
    sign_in(&desk, MEMBER, MEMBER_PW).await;

    let refused = desk
        .run(
            &["sessions", "revoke", "--scope", "all", "--as", MEMBER],
            &[],
            None,
        )
        .fails(1);
    assert_eq!(
        refused,
        format!("tenure: {MEMBER}: Only the account owner can do this.\n")
    );

    let out = desk
        .run(
            &["sessions", "revoke", "--scope", "others", "--as", OWNER],
            &[],
            None,
        )
        .ok();
    assert_eq!(
        out,
        format!("Signed out 2 sessions (everyone except {OWNER}).\n")
    );
    let listed = desk.run(&["sessions", "list"], &[], None).ok();
    assert!(
        listed.contains(OWNER) && !listed.contains(MEMBER),
        "{listed}"
    );

    let out = desk
        .run(
            &["sessions", "revoke", "--scope", "all", "--as", OWNER],
            &[],
            None,
        )
        .ok();
    assert_eq!(
        out,
        format!("Signed out 1 session (everyone, {OWNER} included).\n")
    );

    let log = desk.audit().await;
    let owner = desk
        .service()
        .await
        .store()
        .user_by_email(OWNER)
        .await
        .unwrap()
        .unwrap();
    let revokes = audited(&log, "sessions.revoke");
    assert_eq!(revokes.len(), 2);
    for (r, scope, count) in [(revokes[0], "others", 2), (revokes[1], "all", 1)] {
        assert_eq!(r.actor_user_id, Some(owner.id));
        assert_eq!(r.details["scope"], scope);
        assert_eq!(r.details["count"], count, "{:?}", r.details);
    }
    assert_eq!(audited(&log, "forbidden").len(), 1, "the member's attempt");
}

#[test]
fn sessions_revoke_needs_a_known_owner() {
    let desk = Desk::new();
    desk.create_account();
    let err = desk
        .run(
            &[
                "sessions",
                "revoke",
                "--scope",
                "all",
                "--as",
                "nobody@example.com",
            ],
            &[],
            None,
        )
        .fails(1);
    assert_eq!(err, "tenure: no user has the email nobody@example.com\n");
    let bad_scope = desk
        .run(
            &["sessions", "revoke", "--scope", "mine", "--as", OWNER],
            &[],
            None,
        )
        .fails(2);
    assert!(bad_scope.contains("invalid value 'mine'"), "{bad_scope}");
}

#[test]
fn a_database_the_cli_cannot_open_is_reported() {
    let desk = Desk::new();
    let err = desk
        .run(
            &["sessions", "list"],
            &[("TENURE_DATABASE_URL", "sqlite:/nonexistent/dir/x.db")],
            None,
        )
        .fails(1);
    assert!(
        err.starts_with("tenure: could not open the database sqlite:/nonexistent/dir/x.db: "),
        "{err}"
    );
}
