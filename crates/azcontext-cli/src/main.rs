//! `azctx`: AzContext's command line, over the same core and the same files as the PowerShell module
//! (`AzureRmContext.json` in `$AZCONTEXT_DIR`, else `~/.Azure`).
//!
//! ```text
//! azctx current                      the current context's name (for shell prompts: no lock, no writes)
//! azctx list [--json]                every context, `*` marks the current one
//! azctx show NAME [--json]           one context
//! azctx select NAME                  make NAME the current context
//! azctx rename OLD NEW [--force]     --force replaces an existing NEW
//! azctx remove NAME [--force]        --force is needed to remove the current context
//! azctx clear                        remove every context (always succeeds; a corrupt file is moved aside)
//! azctx set --name N --subscription ID --tenant ID --account ID [--subscription-name S] [--force]
//! ```
//!
//! Global option: `--lock-timeout SECONDS` (default 10): how long to wait for another process's lock.
//!
//! Environment: `AZCONTEXT_DIR` (store directory), `AzContextAutoSave` (`false`: changes apply to this
//! process only, i.e. are not saved; `true`/unset: saved). azctx always works on the persisted store,
//! whatever the settings file's autosave mode.
//!
//! Exit codes (stable):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | usage error (bad arguments, invalid name or value) |
//! | 2 | not found (no such context; `current` with no current context) |
//! | 3 | conflict (the target exists, or the context is current; use `--force`) |
//! | 4 | lock timeout (another process held the store's lock too long) |
//! | 5 | corrupt file (it was moved aside; the message names both paths) |
//! | 6 | I/O, permission or other error |
//!
//! Errors go to stderr as `azctx: <message>`; results to stdout.
//!
//! The hidden `test-helper` subcommands exist for the cross-process tests (`tests/`); they are not part
//! of the supported interface.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use azcontext_core::error::ErrorKind;
use azcontext_core::model::{self, Account, Context, Subscription, Tenant};
use azcontext_core::store::{self, NamedContext, Op, OpValue, Scope, Session, StoreEnv};
use azcontext_core::Error;
use clap::{Parser, Subcommand};

mod helpers;

pub const EXIT_OK: u8 = 0;
pub const EXIT_USAGE: u8 = 1;
pub const EXIT_NOT_FOUND: u8 = 2;
pub const EXIT_CONFLICT: u8 = 3;
pub const EXIT_LOCK_TIMEOUT: u8 = 4;
pub const EXIT_CORRUPT: u8 = 5;
pub const EXIT_OTHER: u8 = 6;

const AFTER_HELP: &str = "\
Environment:
  AZCONTEXT_DIR      store directory (default ~/.Azure)
  AzContextAutoSave  false: changes are not saved (this process only)

Exit codes:
  0 ok, 1 usage, 2 not found, 3 conflict (use --force), 4 lock timeout,
  5 corrupt file (moved aside), 6 I/O or other error";

#[derive(Parser, Debug)]
#[command(name = "azctx", version, about = "Az.Accounts-compatible contexts from the command line", after_help = AFTER_HELP)]
struct Cli {
    /// Seconds to wait for another process's lock on the context file.
    #[arg(long, global = true, value_name = "SECONDS")]
    lock_timeout: Option<f64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the current context's name (fast: reads only, takes no lock, writes nothing).
    Current,
    /// List the contexts; `*` marks the current one.
    List {
        /// Print a JSON array of context records instead.
        #[arg(long)]
        json: bool,
    },
    /// Show one context.
    Show {
        name: String,
        /// Print the context record as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a context the current one.
    Select { name: String },
    /// Rename a context.
    Rename {
        old: String,
        new: String,
        /// Replace an existing context named NEW.
        #[arg(long)]
        force: bool,
    },
    /// Remove a context.
    Remove {
        name: String,
        /// Allow removing the current context.
        #[arg(long)]
        force: bool,
    },
    /// Remove every context.
    Clear,
    /// Create or update a context and make it current.
    Set {
        #[arg(long)]
        name: String,
        #[arg(long)]
        subscription: String,
        #[arg(long)]
        subscription_name: Option<String>,
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        account: String,
        /// Account type (User, ServicePrincipal, AccessToken, ...).
        #[arg(long, default_value = "User")]
        account_type: String,
        /// Replace an existing context of that name.
        #[arg(long)]
        force: bool,
    },
    #[command(hide = true, subcommand)]
    TestHelper(helpers::HelperCommand),
}

fn exit_code(e: &Error) -> u8 {
    match e.kind() {
        ErrorKind::InvalidArgument | ErrorKind::InvalidName => EXIT_USAGE,
        ErrorKind::NotFound => EXIT_NOT_FOUND,
        ErrorKind::AlreadyExists => EXIT_CONFLICT,
        ErrorKind::LockTimeout => EXIT_LOCK_TIMEOUT,
        ErrorKind::CorruptFile | ErrorKind::InvalidProfile => EXIT_CORRUPT,
        _ => EXIT_OTHER,
    }
}

/// An outcome that is not an `Error` of the core but has its own exit code.
enum Failure {
    Core(Error),
    Code(u8, String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let mut env = StoreEnv::from_process_env();
    if let Some(secs) = cli.lock_timeout {
        match lock_timeout(secs) {
            Ok(d) => env.lock_timeout = Some(d),
            Err(msg) => {
                eprintln!("azctx: {msg}");
                return ExitCode::from(EXIT_USAGE);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    match run(cli.command, &env, &mut out) {
        Ok(()) => {
            let _ = out.flush();
            ExitCode::from(EXIT_OK)
        }
        Err(f) => {
            let _ = out.flush();
            let (code, msg) = match f {
                Failure::Core(e) => (exit_code(&e), error_text(&e)),
                Failure::Code(c, m) => (c, m),
            };
            eprintln!("azctx: {}", shown(&msg));
            ExitCode::from(code)
        }
    }
}

/// The longest `--lock-timeout` taken (one day): more is a usage error, never a panic.
const MAX_LOCK_TIMEOUT_SECS: f64 = 86_400.0;

fn lock_timeout(secs: f64) -> Result<Duration, String> {
    if secs.is_finite() && (0.0..=MAX_LOCK_TIMEOUT_SECS).contains(&secs) {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(format!(
            "--lock-timeout must be a number of seconds from 0 to {MAX_LOCK_TIMEOUT_SECS} (one day)"
        ))
    }
}

/// `azctx set` ids, as the cmdlets take them: not empty or blank.
fn required_id(option: &str, value: &str) -> Result<(), Failure> {
    if value.trim().is_empty() {
        return Err(Failure::Code(
            EXIT_USAGE,
            format!("{option} must not be empty or blank; give the id (a GUID or name)"),
        ));
    }
    Ok(())
}

fn error_text(e: &Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = c.source();
    }
    s
}

fn not_found(name: &str) -> Failure {
    Failure::Code(
        EXIT_NOT_FOUND,
        format!("no context named '{}'", shown(name)),
    )
}

/// A name as it may reach a terminal: control characters (ESC, CR, LF, …) of names stored by another
/// tool are written as `\xHH`, never raw.
fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    model::escape_controls(name)
}

fn io_fail(e: std::io::Error) -> Failure {
    Failure::Code(EXIT_OTHER, format!("writing the output failed: {e}"))
}

fn run(cmd: Command, env: &StoreEnv, out: &mut impl Write) -> Result<(), Failure> {
    // azctx works on the persisted store; AzContextAutoSave=false still makes changes Process-scoped.
    let mut session = Session::with_mode(Scope::CurrentUser);
    match cmd {
        Command::Current => match store::peek_current_name(env)? {
            Some(name) => writeln!(out, "{}", shown(&name)).map_err(io_fail),
            None => Err(Failure::Code(EXIT_NOT_FOUND, "no current context".into())),
        },
        Command::List { json } => {
            let list = session.list_contexts(env)?;
            if json {
                let items: Vec<String> = list.iter().map(record_json).collect();
                writeln!(out, "[{}]", items.join(",")).map_err(io_fail)
            } else {
                let current = session.current_context(env)?.map(|c| c.name);
                for nc in &list {
                    let mark = if current.as_deref() == Some(nc.name.as_str()) {
                        '*'
                    } else {
                        ' '
                    };
                    writeln!(out, "{mark} {}", shown(&nc.name)).map_err(io_fail)?;
                }
                Ok(())
            }
        }
        Command::Show { name, json } => {
            let nc = session
                .get_context(env, &name)?
                .ok_or_else(|| not_found(&name))?;
            if json {
                writeln!(out, "{}", record_json(&nc)).map_err(io_fail)
            } else {
                write_summary(out, &nc).map_err(io_fail)
            }
        }
        Command::Select { name } => {
            let o = session.apply(env, Op::Select { name: name.clone() }, None)?;
            print_context_value(out, &o.value)
        }
        Command::Rename { old, new, force } => {
            let o = session.apply(
                env,
                Op::Rename {
                    source: old.clone(),
                    target: new,
                    force,
                },
                None,
            )?;
            match o.value {
                OpValue::Context(None) => Err(not_found(&old)),
                v => print_context_value(out, &v),
            }
        }
        Command::Remove { name, force } => {
            if !force {
                if let Some(cur) = session.current_context(env)? {
                    if azcontext_core::json::eq_ignore_case(&cur.name, &name) {
                        return Err(Failure::Code(
                            EXIT_CONFLICT,
                            format!(
                                "'{}' is the current context; use --force to remove it",
                                shown(&cur.name)
                            ),
                        ));
                    }
                }
            }
            let o = session.apply(
                env,
                Op::Remove {
                    name: name.clone(),
                    force,
                },
                None,
            )?;
            match o.value {
                OpValue::Context(None) => Err(not_found(&name)),
                v => print_context_value(out, &v),
            }
        }
        Command::Clear => {
            let o = session.apply(env, Op::Clear, None)?;
            if let Some(q) = o.quarantined {
                eprintln!(
                    "azctx: warning: the corrupt context file was moved aside to '{}'",
                    q.display()
                );
            }
            Ok(())
        }
        Command::Set {
            name,
            subscription,
            subscription_name,
            tenant,
            account,
            account_type,
            force,
        } => {
            required_id("--subscription", &subscription)?;
            required_id("--tenant", &tenant)?;
            required_id("--account", &account)?;
            let ctx = Context::from_parts(
                Some(Account::new(&account, &account_type)),
                Some(Tenant::new(&tenant)),
                Some(Subscription::new(
                    &subscription,
                    subscription_name.as_deref(),
                    Some("Enabled"),
                )),
                model::public_environments()
                    .into_iter()
                    .find(|e| e.name() == Some("AzureCloud")),
            );
            let op = Op::SetContext {
                context: ctx,
                name: Some(name),
                force,
                extended_properties: Vec::new(),
            };
            let o = session.apply(env, op, None)?;
            print_context_value(out, &o.value)
        }
        Command::TestHelper(h) => helpers::run(h, env, out),
    }
}

/// A context as the core's JSON record (`{"Name": …, <Az context members>}`), secrets removed.
pub(crate) fn record_json(nc: &NamedContext) -> String {
    nc.context
        .without_secrets()
        .to_json_record(&nc.name, false, &model::WriteOptions::autosave())
}

fn print_context_value(out: &mut impl Write, v: &OpValue) -> Result<(), Failure> {
    if let OpValue::Context(Some(nc)) = v {
        writeln!(out, "{}", shown(&nc.name)).map_err(io_fail)?;
    }
    Ok(())
}

fn write_summary(out: &mut impl Write, nc: &NamedContext) -> std::io::Result<()> {
    let c = &nc.context;
    let dash = |s: Option<&str>| s.map_or_else(|| "-".to_owned(), |v| shown(v).into_owned());
    writeln!(out, "Name:             {}", shown(&nc.name))?;
    writeln!(
        out,
        "Account:          {}",
        dash(c.account().and_then(|a| a.id()))
    )?;
    writeln!(
        out,
        "SubscriptionName: {}",
        dash(c.subscription().and_then(|s| s.name()))
    )?;
    writeln!(
        out,
        "SubscriptionId:   {}",
        dash(c.subscription().and_then(|s| s.id()))
    )?;
    writeln!(
        out,
        "TenantId:         {}",
        dash(c.tenant().and_then(|t| t.id()))
    )?;
    writeln!(
        out,
        "Environment:      {}",
        dash(c.environment().and_then(|e| e.name()))
    )
}
