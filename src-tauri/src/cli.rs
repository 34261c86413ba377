//! The command line IT uses, in the same binary as the app: parsing (clap) and the
//! subcommands. None of them touches Tauri or a display. Each one that changes data goes
//! through [`Service`], so it obeys the same rules and writes the same audit records as the UI.
//!
//! Exit status: 0 done; 1 refused or failed (the message says why); 2 a usage or
//! configuration error.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use tenure_app::config::{Config, Origin};
use tenure_app::service::{Principal, Service};
use tenure_app::store::{SessionRecord, Store};
use tenure_core::wire::{normalize_email, AddMemberRequest, RevokeScope, Role, SetupRequest};
use uuid::Uuid;

/// The variable `--password-stdin` stands in for.
pub const PASSWORD_VAR: &str = "TENURE_PASSWORD";

/// Tenure: decide how long people stay signed in, see who is, and sign them out.
///
/// Without a command, starts the desktop app. The commands run without a display, for IT.
#[derive(Debug, Parser)]
#[command(name = "tenure", version, about)]
pub struct Cli {
    /// Seed a demo account (an owner and members with live and expired sessions) on first start
    /// and print the owner's sign-in.
    #[arg(long)]
    pub demo: bool,
    /// Keep the embedded database in this directory (overrides `data_dir` and
    /// `TENURE_DATA_DIR`).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Create the account (first run, on an empty database).
    #[command(subcommand)]
    Account(AccountCmd),
    /// Manage the account's members.
    #[command(subcommand)]
    Member(MemberCmd),
    /// List or end live sessions.
    #[command(subcommand)]
    Sessions(SessionsCmd),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Check the configuration; print each effective value and where it came from.
    Check,
}

/// The password comes from standard input or `TENURE_PASSWORD`, never from an argument, which
/// every user of the machine could read in the process list.
#[derive(Debug, clap::Args)]
pub struct PasswordArg {
    /// Read the password from the first line of standard input (else `TENURE_PASSWORD`).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Create the account and its owner, as the Set up screen does.
    Create {
        /// The account (organisation) name.
        #[arg(long)]
        name: String,
        /// The owner's name.
        #[arg(long)]
        owner_name: String,
        /// The owner's email, used to sign in.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        password: PasswordArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemberCmd {
    /// Add a member with a temporary password.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The account to add to, named by one of its owners (default: the database's account).
        #[arg(long, value_name = "EMAIL")]
        account_owner: Option<String>,
        #[command(flatten)]
        password: PasswordArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Scope {
    /// Every live session except the owner's own.
    Others,
    /// Every live session, the owner's included.
    All,
}

impl From<Scope> for RevokeScope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Others => RevokeScope::Others,
            Scope::All => RevokeScope::All,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SessionsCmd {
    /// List the live sessions: user, device, start, idle and absolute expiry.
    List {
        /// The account, named by one of its owners (default: the database's account).
        #[arg(long, value_name = "EMAIL")]
        account_owner: Option<String>,
    },
    /// Sign people out, as the owner's "Sign out everyone" buttons do.
    Revoke {
        #[arg(long, value_enum)]
        scope: Scope,
        /// The owner on whose behalf to revoke (audited as them).
        #[arg(long = "as", value_name = "OWNER_EMAIL")]
        as_owner: String,
    },
}

/// A failure of a command: its message and exit status.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn refused(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 1,
        }
    }
}

impl From<tenure_core::AppError> for Failure {
    fn from(e: tenure_core::AppError) -> Self {
        Self::refused(e.to_string())
    }
}

impl From<tenure_app::config::ConfigError> for Failure {
    fn from(e: tenure_app::config::ConfigError) -> Self {
        Self {
            message: e.to_string(),
            code: 2,
        }
    }
}

fn store_failure(e: tenure_app::store::StoreError) -> Failure {
    Failure::refused(format!("the database could not answer: {e}"))
}

/// Runs one command; never starts the app.
pub fn run(command: Command, data_dir: Option<PathBuf>) -> ExitCode {
    crate::logging::init_cli();
    let result = Config::load(data_dir.as_deref())
        .map_err(Failure::from)
        .and_then(|config| match command {
            Command::Config(ConfigCmd::Check) => {
                print!("{}", describe(&config));
                Ok(())
            }
            other => with_service(&config, other),
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("tenure: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// `config check`: the files read, then every key's effective value and its source.
pub fn describe(config: &Config) -> String {
    let mut out = String::new();
    for f in &config.files {
        out += &format!(
            "{} config: {} ({})\n",
            f.role,
            f.path.display(),
            if f.present { "read" } else { "not present" }
        );
    }
    if let Some(dir) = tenure_app::config::default_log_dir() {
        out += &format!("log directory: {}\n", dir.display());
    }
    out += "\n";
    let rows: Vec<[String; 3]> = config
        .entries
        .iter()
        .map(|e| {
            let mut source = e.origin.describe(e.key);
            if e.key == "database_url" && e.origin == Origin::Default {
                source = "built-in default (tenure.db in data_dir)".into();
            }
            if e.locked {
                source += " [locked]";
            }
            [e.key.to_owned(), e.value.clone(), source]
        })
        .collect();
    out += &table(&["KEY", "VALUE", "SOURCE"], &rows);
    if !config.locked.is_empty() {
        out += &format!(
            "\nlocked by the system config: {}\n",
            config.locked.join(", ")
        );
    }
    out += "\nThe configuration is valid.\n";
    out
}

/// A plain table: columns padded to their widest cell.
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths: [usize; N] = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                s += cell;
            } else {
                s += &format!("{cell:<w$}  ", w = widths[i]);
            }
        }
        s.trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

fn with_service(config: &Config, command: Command) -> Result<(), Failure> {
    config.ensure_data_dir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::refused(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let store = tenure_app::store::open(&config.database_url)
            .await
            .map_err(|e| {
                Failure::refused(format!(
                    "could not open the database {}: {e}",
                    tenure_app::store::redact_url(&config.database_url)
                ))
            })?;
        let service = tenure_app::build_service(
            store,
            Arc::new(tenure_app::clock::SystemClock),
            config.settings,
        );
        match command {
            Command::Config(_) => Ok(()),
            Command::Account(AccountCmd::Create {
                name,
                owner_name,
                email,
                password,
            }) => account_create(&service, name, owner_name, email, &password).await,
            Command::Member(MemberCmd::Add {
                email,
                name,
                account_owner,
                password,
            }) => member_add(&service, email, name, account_owner, &password).await,
            Command::Sessions(SessionsCmd::List { account_owner }) => {
                sessions_list(&service, account_owner).await
            }
            Command::Sessions(SessionsCmd::Revoke { scope, as_owner }) => {
                sessions_revoke(&service, scope.into(), &as_owner).await
            }
        }
    })
}

fn read_password(arg: &PasswordArg) -> Result<String, Failure> {
    if arg.password_stdin {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprint!("Password: ");
        }
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::refused(format!("cannot read the password: {e}")))?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if password.is_empty() {
            return Err(Failure::refused("standard input held no password"));
        }
        return Ok(password);
    }
    match std::env::var(PASSWORD_VAR) {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => Err(Failure {
            message: format!(
                "give the password on standard input with --password-stdin, or in {PASSWORD_VAR}"
            ),
            code: 2,
        }),
    }
}

async fn account_create(
    service: &Service,
    name: String,
    owner_name: String,
    email: String,
    password: &PasswordArg,
) -> Result<(), Failure> {
    let password = read_password(password)?;
    let signed_in = service
        .setup(SetupRequest {
            account_name: name,
            owner_name,
            email,
            password,
        })
        .await?;
    // Set up signs the owner in on this device, as the UI's does; nobody holds this session
    // on the command line, so end it at once.
    service.sign_out(signed_in.view.session_id).await?;
    let v = &signed_in.view;
    println!(
        "Created the account \"{}\" with owner {} <{}>.",
        v.account.name, v.user.name, v.user.email
    );
    Ok(())
}

/// The account to act on: the account of `owner_email` (who must be an owner), or the
/// database's only account.
async fn resolve_account(
    service: &Service,
    owner_email: Option<&str>,
) -> Result<(Uuid, String), Failure> {
    let store = service.store();
    let id =
        match owner_email {
            Some(email) => {
                let o = owner(store.as_ref(), email).await?;
                if o.role != Role::Owner {
                    return Err(Failure::refused(format!("{} is not an owner", o.email)));
                }
                o.account_id
            }
            None => {
                // The store has no account listing; Set up writes one `account.create` record per
                // account (and refuses a second account on the same database), so the audit trail
                // names them.
                let mut ids: Vec<Uuid> = store
                    .audit_log(None)
                    .await
                    .map_err(store_failure)?
                    .into_iter()
                    .filter(|r| r.action == "account.create")
                    .filter_map(|r| r.account_id)
                    .collect();
                ids.dedup();
                match ids.as_slice() {
                    [] => return Err(Failure::refused(
                        "the database has no account yet; create one with `tenure account create`",
                    )),
                    [one] => *one,
                    _ => {
                        return Err(Failure::refused(
                            "the database holds several accounts; name one with --account-owner",
                        ))
                    }
                }
            }
        };
    let account = store
        .account(id)
        .await
        .map_err(store_failure)?
        .ok_or_else(|| Failure::refused("the account is missing from the database"))?;
    Ok((id, account.name))
}

/// The user `email` names.
async fn owner(store: &dyn Store, email: &str) -> Result<tenure_app::store::UserRecord, Failure> {
    let normalized = normalize_email(email)?;
    let user = store
        .user_by_email(&normalized)
        .await
        .map_err(store_failure)?
        .ok_or_else(|| Failure::refused(format!("no user has the email {normalized}")))?;
    Ok(user)
}

async fn member_add(
    service: &Service,
    email: String,
    name: String,
    account_owner: Option<String>,
    password: &PasswordArg,
) -> Result<(), Failure> {
    let (account_id, account_name) = resolve_account(service, account_owner.as_deref()).await?;
    let password = read_password(password)?;
    // No actor: IT added them from the command line, not a signed-in owner.
    let member = service
        .add_member_as(
            account_id,
            None,
            AddMemberRequest {
                name,
                email,
                password,
            },
        )
        .await?;
    println!(
        "Added {} <{}> to \"{account_name}\" as a member.",
        member.name, member.email
    );
    Ok(())
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

async fn sessions_list(service: &Service, account_owner: Option<String>) -> Result<(), Failure> {
    let (account_id, account_name) = resolve_account(service, account_owner.as_deref()).await?;
    let store = service.store();
    let sessions = store
        .live_sessions(account_id, service.now())
        .await
        .map_err(store_failure)?;
    let users = store.users(account_id).await.map_err(store_failure)?;
    if sessions.is_empty() {
        println!("No live sessions in \"{account_name}\".");
        return Ok(());
    }
    let rows: Vec<[String; 6]> = sessions
        .iter()
        .map(|s| {
            let user = users
                .iter()
                .find(|u| u.id == s.user_id)
                .map(|u| format!("{} <{}>", u.name, u.email))
                .unwrap_or_else(|| s.user_id.to_string());
            [
                s.id.simple().to_string()[..8].to_owned(),
                user,
                s.device_label.clone(),
                when(s.started_at),
                when(s.idle_expires_at),
                when(s.absolute_expires_at),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &[
                "SESSION",
                "USER",
                "DEVICE",
                "STARTED",
                "IDLE EXPIRES",
                "ABSOLUTE EXPIRES"
            ],
            &rows
        )
    );
    println!(
        "{} live session{} in \"{account_name}\".",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

async fn sessions_revoke(
    service: &Service,
    scope: RevokeScope,
    as_owner: &str,
) -> Result<(), Failure> {
    let user = owner(service.store().as_ref(), as_owner).await?;
    let now = service.now();
    // The service's owner commands take the `Principal` a live session proves. IT on the
    // command line has no session: this one is never stored and only carries who acts. Role
    // and account come from the database, so `revoke` still refuses a member (and audits the
    // attempt) exactly as it does for the UI.
    let principal = Principal {
        user_id: user.id,
        account_id: user.account_id,
        role: user.role,
        session: SessionRecord {
            id: Uuid::nil(),
            user_id: user.id,
            account_id: user.account_id,
            idle_minutes: 0,
            started_at: now,
            last_refreshed_at: now,
            idle_expires_at: now,
            absolute_expires_at: now,
            revoked_at: None,
            device_label: "command line".into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
        },
    };
    let outcome = service
        .revoke(&principal, scope)
        .await
        .map_err(|e| Failure::refused(format!("{}: {e}", user.email)))?;
    let what = match scope {
        RevokeScope::Others => format!("everyone except {}", user.email),
        RevokeScope::All => format!("everyone, {} included", user.email),
    };
    println!(
        "Signed out {} session{} ({what}).",
        outcome.revoked,
        if outcome.revoked == 1 { "" } else { "s" }
    );
    Ok(())
}
