//! Hidden `azctx test-helper …` subcommands used by the cross-process tests. Not a supported interface.

use std::io::Write;
use std::time::Duration;

use azcontext_core::fsio;
use azcontext_core::model::{Account, Context, Subscription, Tenant};
use azcontext_core::store::{Op, Scope, Session, StoreEnv};
use azcontext_core::Error;
use clap::Subcommand;

use crate::{io_fail, Failure};

#[derive(Subcommand, Debug)]
pub(crate) enum HelperCommand {
    /// Take the context file's lock, print `locked`, hold it for SECONDS, or without SECONDS until a
    /// line (or the end) on stdin, exit.
    HoldLock {
        #[arg(long)]
        seconds: Option<f64>,
    },
    /// Create COUNT filler contexts `fill-<i>` (one locked write each).
    Fill {
        #[arg(long)]
        count: u32,
    },
    /// Forever (until killed): set context NAME's subscription to `sub(START + i)` and print `i` after
    /// each completed write.
    WriteLoop {
        #[arg(long)]
        name: String,
        #[arg(long)]
        start: u64,
    },
    /// Rewrites the context file in place as Az.Accounts (with `--lock`: under `flock(LOCK_EX)`) or
    /// `Set-Content` (without) do: truncate, write the first TORN_AT bytes of FROM, print `torn`, wait
    /// for a line on stdin, write the rest, print `done`. Drives a reader or writer to the moment the
    /// file is empty or half written.
    RewriteInPlace {
        #[arg(long)]
        from: std::path::PathBuf,
        #[arg(long)]
        torn_at: usize,
        #[arg(long)]
        lock: bool,
    },
    /// OPS pseudo-random operations (20% set new, 10% update, 20% select, 20% rename, 30% remove; always set while fewer than 2) on names `p<PROC>-…`, then
    /// print `{"proc":P,"errors":E,"names":[…]}`: the names this process expects to exist.
    Stress {
        #[arg(long)]
        proc: u32,
        #[arg(long)]
        ops: u32,
    },
}

/// A GUID-shaped subscription id for a number.
pub(crate) fn sub_id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// A small context (no environment object), so that hundreds of them keep the file small.
fn context_for(account: &str, sub: &str) -> Context {
    Context::from_parts(
        Some(Account::new(account, "User")),
        Some(Tenant::new("11111111-1111-4111-8111-111111111111")),
        Some(Subscription::new(sub, Some(sub), Some("Enabled"))),
        None,
    )
}

fn set_op(name: &str, account: &str, sub: &str) -> Op {
    Op::SetContext {
        context: context_for(account, sub),
        name: Some(name.to_owned()),
        force: true,
        extended_properties: Vec::new(),
    }
}

/// xorshift64*: deterministic per process, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub(crate) fn run(cmd: HelperCommand, env: &StoreEnv, out: &mut impl Write) -> Result<(), Failure> {
    let mut session = Session::with_mode(Scope::CurrentUser);
    match cmd {
        HelperCommand::HoldLock { seconds } => {
            let paths = session.paths(env)?;
            fsio::ensure_dir(&paths.context_dir)?;
            // Locking creates nothing: an empty store gets its (empty) file first.
            let empty = azcontext_core::model::Profile::new().to_az_bytes();
            fsio::create_atomic(&paths.context_file, &empty)?;
            let _lock = fsio::lock_exclusive(&paths.context_file, Duration::from_secs(60))?;
            writeln!(out, "locked").map_err(io_fail)?;
            out.flush().map_err(io_fail)?;
            match seconds {
                Some(s) => std::thread::sleep(Duration::from_secs_f64(s)),
                None => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line).map_err(io_fail)?;
                }
            }
            Ok(())
        }
        HelperCommand::Fill { count } => {
            for i in 0..count {
                let name = format!("fill-{i}");
                session.apply(
                    env,
                    set_op(
                        &name,
                        "filler@example.com",
                        &sub_id(9_000_000 + u64::from(i)),
                    ),
                    None,
                )?;
            }
            Ok(())
        }
        HelperCommand::RewriteInPlace {
            from,
            torn_at,
            lock,
        } => {
            let content = std::fs::read(&from).map_err(|e| Error::io("reading", &from, e))?;
            let path = session.paths(env)?.context_file;
            let _lock = if lock {
                fsio::lock_exclusive(&path, Duration::from_secs(60))?
            } else {
                None
            };
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| Error::io("opening", &path, e))?;
            let torn_at = torn_at.min(content.len());
            f.set_len(0)
                .and_then(|_| f.write_all(&content[..torn_at]))
                .map_err(|e| Error::io("writing", &path, e))?;
            writeln!(out, "torn").map_err(io_fail)?;
            out.flush().map_err(io_fail)?;
            let mut go = String::new();
            std::io::stdin().read_line(&mut go).map_err(io_fail)?;
            f.write_all(&content[torn_at..])
                .and_then(|_| f.sync_all())
                .map_err(|e| Error::io("writing", &path, e))?;
            writeln!(out, "done").map_err(io_fail)?;
            out.flush().map_err(io_fail)
        }
        HelperCommand::WriteLoop { name, start } => {
            for i in 0u64.. {
                session.apply(
                    env,
                    set_op(&name, "loop@example.com", &sub_id(start + i)),
                    None,
                )?;
                writeln!(out, "{i}").map_err(io_fail)?;
                out.flush().map_err(io_fail)?;
            }
            Ok(())
        }
        HelperCommand::Stress { proc, ops } => {
            let mut rng =
                Rng(0x9e37_79b9_7f4a_7c15
                    ^ (u64::from(proc) + 1).wrapping_mul(0x1234_5678_9abc_def1));
            let account = format!("p{proc}@example.com");
            let mut names: Vec<String> = Vec::new();
            let mut fresh = 0u64;
            let mut errors = 0u32;
            let new_name = |fresh: &mut u64| {
                *fresh += 1;
                format!("p{proc}-n{fresh}")
            };
            for _ in 0..ops {
                let roll = rng.below(20);
                let result = if names.len() < 2 || roll < 4 {
                    let n = new_name(&mut fresh);
                    let sub = sub_id(u64::from(proc) * 1_000_000 + fresh);
                    let r = session.apply(env, set_op(&n, &account, &sub), None);
                    if r.is_ok() {
                        names.push(n);
                    }
                    r.map(|_| ())
                } else if roll < 6 {
                    let n = names[rng.below(names.len())].clone();
                    fresh += 1;
                    let sub = sub_id(u64::from(proc) * 1_000_000 + fresh);
                    session
                        .apply(env, set_op(&n, &account, &sub), None)
                        .map(|_| ())
                } else if roll < 10 {
                    let n = names[rng.below(names.len())].clone();
                    session.apply(env, Op::Select { name: n }, None).map(|_| ())
                } else if roll < 14 {
                    let i = rng.below(names.len());
                    let target = new_name(&mut fresh);
                    let op = Op::Rename {
                        source: names[i].clone(),
                        target: target.clone(),
                        force: false,
                    };
                    let r = session.apply(env, op, None);
                    if r.is_ok() {
                        names[i] = target;
                    }
                    r.map(|_| ())
                } else {
                    let i = rng.below(names.len());
                    let r = session.apply(
                        env,
                        Op::Remove {
                            name: names[i].clone(),
                            force: true,
                        },
                        None,
                    );
                    if r.is_ok() {
                        names.swap_remove(i);
                    }
                    r.map(|_| ())
                };
                if let Err(e) = result {
                    errors += 1;
                    eprintln!("azctx: stress p{proc}: {e}");
                }
            }
            let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            writeln!(
                out,
                "{{\"proc\":{proc},\"errors\":{errors},\"names\":[{}]}}",
                list.join(",")
            )
            .map_err(io_fail)
        }
    }
}
