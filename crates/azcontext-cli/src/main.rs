//! `azctx`: AzContext's command line, over the same core and the same files as the PowerShell module
//! (`AzureRmContext.json` in `$AZCONTEXT_DIR`, else `~/.Azure`).
//!
//! ```text
//! azctx current [--json] [--quiet | --or TEXT]
//!                                    the current context's name (for shell prompts: no lock, no
//!                                    writes); --quiet/--or: a fallback and exit 0 when there is none
//! azctx list [--json | --names]      a table of the contexts, `*` marks the current one
//! azctx show NAME [--json]           one context
//! azctx select [NAME | -]            make NAME (or a unique prefix of it) the current context; `-` the
//!                                    previous one; no NAME: pick one in a terminal (fzf when installed)
//! azctx rename OLD NEW [--force]     --force replaces an existing NEW
//! azctx remove NAME [--force]        --force is needed to remove the current context
//! azctx clear --force                remove every context (a corrupt file is moved aside; --force is needed)
//! azctx set --name N --subscription ID --tenant ID --account ID [--subscription-name S] [--force]
//! azctx completion bash|zsh|fish|powershell   a completion script (subcommands, options, context names)
//! ```
//!
//! Global option: `--lock-timeout SECONDS` (default 15): how long to wait for another process's lock.
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

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use azcontext_core::error::ErrorKind;
use azcontext_core::model::{self, Account, Context, Subscription, Tenant};
use azcontext_core::store::{self, NamedContext, Op, OpValue, Scope, Session, StoreEnv};
use azcontext_core::Error;
use clap::{Parser, Subcommand};

mod completion;
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
  AZCONTEXT_NAME     the current context of this shell only (see `azctx use`)

Exit codes:
  0 ok, 1 usage, 2 not found, 3 conflict (use --force), 4 lock timeout,
  5 corrupt file (moved aside), 6 I/O or other error";

#[derive(Parser, Debug)]
#[command(name = "azctx", version, about = "Az.Accounts-compatible contexts from the command line", after_help = AFTER_HELP)]
pub(crate) struct Cli {
    /// Seconds to wait for another process's lock on the context file.
    #[arg(long, global = true, value_name = "SECONDS")]
    lock_timeout: Option<f64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the current context's name (for prompts: no lock, no writes).
    ///
    /// With AZCONTEXT_NAME set, that context (which must be stored). No current context is exit
    /// code 2, or with --quiet or --or TEXT a fallback and exit code 0.
    Current {
        /// Print the context as a JSON object (the fields of `list --json`) instead of its name.
        #[arg(long)]
        json: bool,
        /// No current context: print nothing and exit 0.
        #[arg(long, short, conflicts_with = "or")]
        quiet: bool,
        /// No current context: print TEXT and exit 0.
        #[arg(long, value_name = "TEXT", conflicts_with = "json")]
        or: Option<String>,
    },
    /// Print the shell line that makes NAME current in this shell only (nothing is written).
    ///
    /// Evaluate it: `eval "$(azctx use dev)"`; `azctx use -` goes back to the one before.
    Use {
        /// The context's name or a unique prefix of it, or `-` for the previous one.
        name: String,
        /// The shell that evaluates the line (sh also for bash and zsh).
        #[arg(long, value_enum, default_value = "sh")]
        shell: UseShell,
    },
    /// List the contexts: current marker, name, subscription, tenant and account.
    List {
        /// Print a JSON array instead: one small object per context, with a `current` field.
        #[arg(long, conflicts_with = "names")]
        json: bool,
        /// Print only the names, one per line (for scripts and shell completion).
        #[arg(long)]
        names: bool,
    },
    /// Show one context.
    Show {
        /// The context's name.
        name: String,
        /// Print the context record as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a context current (`-`: the previous one; no NAME: pick one in a terminal).
    Select {
        /// The context's name or a unique prefix of it, or `-` for the previous context.
        name: Option<String>,
    },
    /// Rename a context.
    Rename {
        /// The context's name.
        old: String,
        /// Its new name.
        new: String,
        /// Replace an existing context named NEW.
        #[arg(long)]
        force: bool,
    },
    /// Remove a context.
    Remove {
        /// The context's name.
        name: String,
        /// Allow removing the current context.
        #[arg(long)]
        force: bool,
    },
    /// Remove every context (needs --force).
    Clear {
        /// Needed: clearing cannot be undone, and Clear-AzContext asks first.
        #[arg(long)]
        force: bool,
    },
    /// Create or update a context and make it current.
    Set {
        /// The name to store the context under.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// The subscription id.
        #[arg(long, value_name = "ID")]
        subscription: String,
        /// The subscription's display name.
        #[arg(long, value_name = "NAME")]
        subscription_name: Option<String>,
        /// The tenant id.
        #[arg(long, value_name = "ID")]
        tenant: String,
        /// The account id (a user name, an application id, ...).
        #[arg(long, value_name = "ID")]
        account: String,
        /// Account type (User, ServicePrincipal, AccessToken, ...).
        #[arg(long, value_name = "TYPE", default_value = "User")]
        account_type: String,
        /// Replace an existing context of that name.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (subcommands, options and context names).
    Completion {
        /// The shell the script is for.
        #[arg(value_enum)]
        shell: completion::Shell,
    },
    #[command(hide = true, subcommand)]
    TestHelper(helpers::HelperCommand),
}

fn exit_code(e: &Error) -> u8 {
    match e.kind() {
        ErrorKind::InvalidArgument | ErrorKind::InvalidName => EXIT_USAGE,
        ErrorKind::NotFound
        | ErrorKind::EnvironmentNotFound
        | ErrorKind::FileNotFound
        | ErrorKind::SubscriptionNotFound => EXIT_NOT_FOUND,
        ErrorKind::AlreadyExists | ErrorKind::FileAlreadyExists => EXIT_CONFLICT,
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
                Failure::Core(e) if e.kind() == ErrorKind::AlreadyExists => (
                    exit_code(&e),
                    format!("{} (use --force to replace it)", error_text(&e)),
                ),
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

/// A name as it may reach a terminal: control characters (ESC, CR, LF, …) of names stored by another
/// tool are written as `\xHH`, never raw.
fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    model::escape_controls(name)
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

/// azctx's one wording for a name that matches no context, with the stored names that are close
/// (equal ignoring case, or starting with what was typed).
fn not_found(name: &str, stored: &[NamedContext]) -> Failure {
    let mut close: Vec<&str> = stored
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| is_close(n, name))
        .collect();
    close.sort_unstable();
    let close: Vec<String> = close
        .iter()
        .take(5)
        .map(|n| format!("'{}'", shown(n)))
        .collect();
    let mut msg = format!("no context named '{}'", shown(name));
    if !close.is_empty() {
        msg.push_str(&format!("; did you mean {}?", or_list(&close)));
    }
    Failure::Code(EXIT_NOT_FOUND, msg)
}

fn is_close(stored: &str, typed: &str) -> bool {
    let (s, t) = (stored.to_lowercase(), typed.to_lowercase());
    !t.is_empty() && (s.starts_with(&t) || t.starts_with(&s))
}

/// `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
fn or_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The stored context `typed` means: the exact name, else the one name equal to it ignoring case,
/// else the one name it is a prefix of (ignoring case).
fn resolve_name(typed: &str, stored: &[NamedContext]) -> Result<String, Failure> {
    if stored.iter().any(|c| c.name == typed) {
        return Ok(typed.to_owned());
    }
    let rules: [fn(&str, &str) -> bool; 2] = [
        |n, t| n.to_lowercase() == t.to_lowercase(),
        |n, t| !t.is_empty() && n.to_lowercase().starts_with(&t.to_lowercase()),
    ];
    for matches in rules {
        let found: Vec<&str> = stored
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| matches(n, typed))
            .collect();
        if let [one] = found[..] {
            return Ok(one.to_owned());
        }
        if found.len() > 1 {
            break;
        }
    }
    Err(not_found(typed, stored))
}

/// Where `azctx select` keeps the name of the context that was current before the last change.
fn previous_file(session: &mut Session, env: &StoreEnv) -> Result<std::path::PathBuf, Failure> {
    Ok(session.paths(env)?.store_dir.join("azctx-previous"))
}

/// The context a shell used before its last `azctx use` (for `azctx use -`).
const PREVIOUS_VAR: &str = "AZCONTEXT_PREVIOUS";

fn io_fail(e: std::io::Error) -> Failure {
    Failure::Code(EXIT_OTHER, format!("writing the output failed: {e}"))
}

/// The shells `azctx use` writes for.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum UseShell {
    // sh, bash, zsh: `export AZCONTEXT_NAME='…'`.
    Sh,
    // PowerShell: `$env:AZCONTEXT_NAME = '…'`.
    Pwsh,
    // fish: `set -gx AZCONTEXT_NAME '…'`.
    Fish,
}

/// This process's pin (`AZCONTEXT_NAME`), when set and not empty.
fn pinned_name() -> Option<String> {
    std::env::var(store::ENV_CONTEXT_NAME)
        .ok()
        .filter(|n| !n.is_empty())
}

/// The current context's name: the pinned one (which must be stored), else the stored default.
fn current_name(env: &StoreEnv) -> Result<Option<String>, Failure> {
    Ok(match pinned_name() {
        Some(pin) => Some(store::peek_pinned_name(env, &pin)?),
        None => store::peek_current_name(env)?,
    })
}

/// One `NAME=value` assignment of an exported variable, quoted for `shell`.
fn export_line(shell: UseShell, name: &str, value: &str) -> String {
    match shell {
        UseShell::Sh => format!("export {name}='{}'", value.replace('\'', "'\\''")),
        UseShell::Pwsh => format!("$env:{name} = '{}'", value.replace('\'', "''")),
        UseShell::Fish => format!(
            "set -gx {name} '{}'",
            value.replace('\\', "\\\\").replace('\'', "\\'")
        ),
    }
}

fn run(cmd: Command, env: &StoreEnv, out: &mut impl Write) -> Result<(), Failure> {
    // azctx works on the persisted store; AzContextAutoSave=false still makes changes Process-scoped.
    let mut session = Session::with_mode(Scope::CurrentUser);
    match cmd {
        Command::Current { json, quiet, or } => {
            let found = if json {
                store::peek_current(env, pinned_name().as_deref())?
                    .map(|nc| summary_json(&nc, true))
            } else {
                current_name(env)?.map(|name| shown(&name).into_owned())
            };
            match (found, or) {
                (Some(text), _) | (None, Some(text)) => writeln!(out, "{text}").map_err(io_fail),
                (None, None) if quiet => Ok(()),
                (None, None) => Err(Failure::Code(
                    EXIT_NOT_FOUND,
                    "no current context (--quiet or --or TEXT: a fallback and exit code 0)".into(),
                )),
            }
        }
        Command::Use { name, shell } => {
            let list = session.list_contexts(env)?;
            let target = if name == "-" {
                match std::env::var(PREVIOUS_VAR).ok().filter(|p| !p.is_empty()) {
                    Some(p) => resolve_name(&p, &list)?,
                    None => {
                        return Err(Failure::Code(
                            EXIT_NOT_FOUND,
                            format!("no previous context: {PREVIOUS_VAR} is set by `azctx use NAME` in this shell"),
                        ))
                    }
                }
            } else {
                resolve_name(&name, &list)?
            };
            // What this shell used until now: its pin, else the stored default (even if the pin is
            // no longer stored, going back to it is what `use -` means).
            let before = pinned_name().or(store::peek_current_name(env)?);
            let mut line = export_line(shell, store::ENV_CONTEXT_NAME, &target);
            if let Some(b) = before.filter(|b| *b != target) {
                line.push_str("; ");
                line.push_str(&export_line(shell, PREVIOUS_VAR, &b));
            }
            writeln!(out, "{line}").map_err(io_fail)
        }
        Command::List { json, names } => {
            let list = session.list_contexts(env)?;
            let current = current_name(env)?;
            let is_current = |nc: &NamedContext| current.as_deref() == Some(nc.name.as_str());
            if json {
                let items: Vec<String> = list
                    .iter()
                    .map(|nc| summary_json(nc, is_current(nc)))
                    .collect();
                writeln!(out, "[{}]", items.join(",")).map_err(io_fail)
            } else if names {
                for nc in &list {
                    writeln!(out, "{}", shown(&nc.name)).map_err(io_fail)?;
                }
                Ok(())
            } else {
                write_table(out, &list, &is_current).map_err(io_fail)
            }
        }
        Command::Show { name, json } => {
            let nc = match session.get_context(env, &name)? {
                Some(nc) => nc,
                None => return Err(not_found(&name, &session.list_contexts(env)?)),
            };
            if json {
                writeln!(out, "{}", record_json(&nc)).map_err(io_fail)
            } else {
                write_summary(out, &nc).map_err(io_fail)
            }
        }
        Command::Select { name } => {
            let list = session.list_contexts(env)?;
            let before = session.current_context(env)?.map(|c| c.name);
            let previous = previous_file(&mut session, env)?;
            let target = match name.as_deref() {
                Some("-") => match std::fs::read_to_string(&previous) {
                    Ok(p) if !p.is_empty() => resolve_name(&p, &list)?,
                    _ => {
                        return Err(Failure::Code(
                            EXIT_NOT_FOUND,
                            "no previous context: `azctx select -` goes back to the context that was current before the last `azctx select`".into(),
                        ))
                    }
                },
                Some(typed) => resolve_name(typed, &list)?,
                None => pick(&list, before.as_deref())?,
            };
            let o = session.apply(env, Op::Select { name: target }, None)?;
            // Remembered only when the change was saved (not with AzContextAutoSave=false).
            let saved = session.effective_scope(env, None)? == Scope::CurrentUser;
            if let (true, Some(before), OpValue::Context(Some(now))) = (saved, &before, &o.value) {
                if *before != now.name {
                    azcontext_core::fsio::write_atomic(&previous, before.as_bytes())?;
                }
            }
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
                OpValue::Context(None) => Err(not_found(&old, &session.list_contexts(env)?)),
                v => print_context_value(out, &v),
            }
        }
        Command::Remove { name, force } => {
            if !force {
                // This shell's current context: its pin (AZCONTEXT_NAME), else the stored default.
                let current = match pinned_name() {
                    Some(pin) => Some(pin),
                    None => session.current_context(env)?.map(|c| c.name),
                };
                if let Some(cur) = current {
                    if azcontext_core::names::eq_ignore_case(&cur, &name) {
                        return Err(Failure::Code(
                            EXIT_CONFLICT,
                            format!(
                                "'{}' is the current context; use --force to remove it",
                                shown(&cur)
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
                OpValue::Context(None) => Err(not_found(&name, &session.list_contexts(env)?)),
                v => print_context_value(out, &v),
            }
        }
        Command::Clear { force } => {
            if !force {
                return Err(Failure::Code(
                    EXIT_CONFLICT,
                    "clear removes every stored context and cannot be undone; use --force to clear"
                        .into(),
                ));
            }
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
        Command::Completion { shell } => {
            write!(out, "{}", completion::script(shell)).map_err(io_fail)
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

/// `azctx list --json`: what a script or prompt needs of a context, no environment endpoints.
fn summary_json(nc: &NamedContext, current: bool) -> String {
    let c = &nc.context;
    let field = |v: Option<&str>| v.map_or_else(|| "null".to_owned(), json_string);
    format!(
        "{{\"name\":{},\"current\":{current},\"subscriptionId\":{},\"subscriptionName\":{},\"tenantId\":{},\"account\":{},\"accountType\":{},\"environment\":{}}}",
        json_string(&nc.name),
        field(c.subscription().and_then(|s| s.id())),
        field(c.subscription().and_then(|s| s.name())),
        field(c.tenant().and_then(|t| t.id())),
        field(c.account().and_then(|a| a.id())),
        field(c.account().and_then(|a| a.account_type())),
        field(c.environment().and_then(|e| e.name())),
    )
}

/// A JSON string: quotes, backslashes and control characters escaped.
fn json_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// `azctx list`: a table like `kubectl config get-contexts`, columns as wide as their longest cell.
fn write_table(
    out: &mut impl Write,
    list: &[NamedContext],
    is_current: &dyn Fn(&NamedContext) -> bool,
) -> std::io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    let dash = |s: Option<&str>| {
        s.filter(|s| !s.is_empty())
            .map_or_else(|| "-".to_owned(), |v| shown(v).into_owned())
    };
    let mut rows = vec![[
        "CURRENT".to_owned(),
        "NAME".to_owned(),
        "SUBSCRIPTION".to_owned(),
        "TENANT".to_owned(),
        "ACCOUNT".to_owned(),
    ]];
    for nc in list {
        let c = &nc.context;
        let subscription = match c.subscription() {
            Some(s) => match (s.name().filter(|n| !n.is_empty()), s.id()) {
                (Some(n), Some(id)) => format!("{n} ({id})"),
                (n, id) => dash(n.or(id)),
            },
            None => "-".to_owned(),
        };
        rows.push([
            if is_current(nc) { "*" } else { "" }.to_owned(),
            shown(&nc.name).into_owned(),
            subscription,
            dash(c.tenant().and_then(|t| t.id())),
            dash(c.account().and_then(|a| a.id())),
        ]);
    }
    let mut widths = [0usize; 5];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for r in &rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < r.len() {
                let pad = widths[i] - cell.chars().count() + 3;
                line.extend(std::iter::repeat(' ').take(pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// `azctx select` without a name: fzf when installed, else a numbered list on stderr and a number (or
/// a name) read from stdin. Only in a terminal; a script must name the context.
fn pick(list: &[NamedContext], current: Option<&str>) -> Result<String, Failure> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(Failure::Code(
            EXIT_USAGE,
            "give the context's NAME (or `-` for the previous one); a picker opens only in a terminal\n\nUsage: azctx select [NAME | -]".into(),
        ));
    }
    if list.is_empty() {
        return Err(Failure::Code(
            EXIT_NOT_FOUND,
            "there are no contexts to choose from".into(),
        ));
    }
    if let Some(fzf) = find_on_path("fzf") {
        let mut child = std::process::Command::new(fzf)
            .args(["--prompt", "context> ", "--height", "40%", "--reverse"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| {
                Failure::Code(
                    EXIT_OTHER,
                    format!(
                        "starting fzf failed: {}",
                        azcontext_core::error::io_words(&e)
                    ),
                )
            })?;
        {
            let mut stdin = child.stdin.take().expect("piped");
            for nc in list {
                let _ = writeln!(stdin, "{}", nc.name);
            }
        }
        let o = child.wait_with_output().map_err(|e| {
            Failure::Code(
                EXIT_OTHER,
                format!("fzf failed: {}", azcontext_core::error::io_words(&e)),
            )
        })?;
        let chosen = String::from_utf8_lossy(&o.stdout)
            .trim_end_matches('\n')
            .to_owned();
        if !o.status.success() || chosen.is_empty() {
            return Err(Failure::Code(EXIT_USAGE, "no context was chosen".into()));
        }
        return Ok(chosen);
    }
    let mut err = std::io::stderr().lock();
    for (i, nc) in list.iter().enumerate() {
        let mark = if current == Some(nc.name.as_str()) {
            '*'
        } else {
            ' '
        };
        let _ = writeln!(err, "{mark} {:>3}  {}", i + 1, shown(&nc.name));
    }
    let _ = write!(err, "context number (1-{}): ", list.len());
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(io_fail)?;
    let answer = answer.trim();
    match answer.parse::<usize>() {
        Ok(n) if (1..=list.len()).contains(&n) => Ok(list[n - 1].name.clone()),
        _ if answer.is_empty() => Err(Failure::Code(EXIT_USAGE, "no context was chosen".into())),
        _ => resolve_name(answer, list),
    }
}

/// The path of an executable named `name` in `PATH`, if any.
fn find_on_path(name: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
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
