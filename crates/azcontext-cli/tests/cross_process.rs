//! Cross-process tests of the store with real `azctx` processes and real files: concurrent writers lose
//! no update, a reader never sees a partial file, `kill -9` during a write leaves the old or the new
//! file, files are 0600 under any umask, a corrupt file is moved aside, and a held lock times out
//! naming its holder. Each test prints its figures (run with `--nocapture` to see them):
//!
//! ```text
//! cargo test -p azcontext-cli --test cross_process -- --nocapture
//! ```
//!
//! No assertion depends on time; sleeps only set up races.

mod common;
use common::{azctx, ok, run, AZCTX};
use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use azcontext_core::model::Profile;

fn context_file(dir: &Path) -> PathBuf {
    dir.join("AzureRmContext.json")
}

fn parse_file(path: &Path) -> Profile {
    let bytes = fs::read(path).expect("context file exists");
    Profile::parse(&bytes, &path.to_string_lossy()).expect("context file parses")
}

fn keys(p: &Profile) -> BTreeSet<String> {
    p.contexts().map(|(k, _)| k.to_owned()).collect()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn set_args<'a>(name: &'a str, sub: &'a str) -> Vec<&'a str> {
    vec![
        "set",
        "--name",
        name,
        "--subscription",
        sub,
        "--tenant",
        "t-1",
        "--account",
        "me@example.com",
    ]
}

/// (1) 16 processes × 200 mixed operations on one directory, with a reader polling the file.
#[test]
fn many_writers_lose_nothing() {
    const PROCS: u32 = 16;
    const OPS: u32 = 200;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let file = context_file(&dir);

    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let bad_reads = Arc::new(AtomicU64::new(0));
    let reader = {
        let (stop, reads, bad_reads, file) =
            (stop.clone(), reads.clone(), bad_reads.clone(), file.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(bytes) = fs::read(&file) {
                    reads.fetch_add(1, Ordering::Relaxed);
                    // Only the lock-holding writer may create the file empty for an instant.
                    if !bytes.is_empty() && Profile::parse(&bytes, "reader").is_err() {
                        bad_reads.fetch_add(1, Ordering::Relaxed);
                    }
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };

    let start = Instant::now();
    let children: Vec<_> = (0..PROCS)
        .map(|p| {
            azctx(&dir)
                .args([
                    "test-helper",
                    "stress",
                    "--proc",
                    &p.to_string(),
                    "--ops",
                    &OPS.to_string(),
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut expected = BTreeSet::new();
    let mut errors = 0u64;
    let mut failed_procs = 0;
    for c in children {
        let o = c.wait_with_output().unwrap();
        if !o.status.success() {
            failed_procs += 1;
        }
        let err = String::from_utf8_lossy(&o.stderr);
        if !err.is_empty() {
            eprintln!("{err}");
        }
        let line = String::from_utf8(o.stdout).unwrap();
        // {"proc":P,"errors":E,"names":["a","b"]}
        let e: u64 = line
            .split("\"errors\":")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        errors += e;
        let names = line
            .split("\"names\":[")
            .nth(1)
            .unwrap()
            .trim_end()
            .trim_end_matches("]}");
        for n in names.split(',').filter(|n| !n.is_empty()) {
            expected.insert(n.trim_matches('"').to_owned());
        }
    }
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();

    let profile = parse_file(&file);
    let actual = keys(&profile);
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    let default_ok = match profile.default_key() {
        Some(k) => actual.contains(k) || (actual.is_empty() && k == "Default"),
        None => false,
    };
    println!(
        "[many writers] {PROCS} processes x {OPS} ops = {} operations in {:.1?}: {errors} errors, \
         {} failed processes; final file {} contexts, expected {}, missing {}, extra {}; \
         reader: {} reads, {} unparsable; default key valid: {default_ok}",
        PROCS * OPS,
        elapsed,
        failed_procs,
        actual.len(),
        expected.len(),
        missing.len(),
        extra.len(),
        reads.load(Ordering::Relaxed),
        bad_reads.load(Ordering::Relaxed),
    );
    assert_eq!(errors, 0);
    assert_eq!(failed_procs, 0);
    assert!(missing.is_empty(), "lost: {missing:?}");
    assert!(extra.is_empty(), "resurrected: {extra:?}");
    assert_eq!(bad_reads.load(Ordering::Relaxed), 0);
    assert!(default_ok, "default key {:?}", profile.default_key());
}

fn victim_value(p: &Profile) -> Option<u64> {
    let (_, c) = p.get("victim")?;
    let id = c.subscription()?.id()?;
    id.rsplit('-').next()?.parse().ok()
}

/// (2) 1,000 trials killing a writer with SIGKILL at a random moment.
#[test]
fn killed_writers_never_corrupt() {
    const TRIALS: u64 = 1000;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let file = context_file(&dir);
    ok(&dir, &["test-helper", "fill", "--count", "40"]);
    let fillers = keys(&parse_file(&file));
    assert_eq!(fillers.len(), 40);

    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut prev: Option<u64> = None;
    let (mut before, mut after, mut acked_total, mut max_temp) = (0u64, 0u64, 0u64, 0usize);
    let start = Instant::now();
    for trial in 0..TRIALS {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let delay_us = 1_000 + rng % 20_000;
        let base = (trial + 1) * 1_000_000;
        let mut child = azctx(&dir)
            .args([
                "test-helper",
                "write-loop",
                "--name",
                "victim",
                "--start",
                &base.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The first acknowledgment says the writer is in its loop of writes: the kill that follows
        // lands while it writes, not before it started.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut acks = String::new();
        stdout.read_line(&mut acks).unwrap();
        assert_eq!(
            acks, "0\n",
            "trial {trial}: the writer acknowledged no write"
        );
        std::thread::sleep(Duration::from_micros(delay_us));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stdout.read_to_string(&mut acks).unwrap();
        let k = acks.lines().count() as u64;
        acked_total += k;

        let bytes = fs::read(&file).expect("the file is always there");
        let profile = Profile::parse(&bytes, "after kill")
            .unwrap_or_else(|e| panic!("trial {trial}: the file does not parse after a kill: {e}"));
        let all = keys(&profile);
        assert!(
            fillers.is_subset(&all),
            "trial {trial}: filler contexts lost"
        );
        let v = victim_value(&profile);
        // Before the interrupted write: the last acknowledged value (or the previous trial's).
        let before_v = if k == 0 { prev } else { Some(base + k - 1) };
        let after_v = Some(base + k);
        if v == before_v {
            before += 1;
        } else if v == after_v {
            after += 1;
        } else {
            panic!("trial {trial}: value {v:?}, expected {before_v:?} (before) or {after_v:?} (after); {k} acked");
        }
        prev = v;
        let temps = fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".tmp-")
            })
            .count();
        max_temp = max_temp.max(temps);
    }
    println!(
        "[kill -9] {TRIALS} trials in {:.1?}: 0 unparsable files, {before} left the state before the \
         interrupted write, {after} the state after it; {acked_total} acknowledged writes in total; \
         at most {max_temp} stray temp file(s) at a time (swept by the next writer)",
        start.elapsed()
    );
    assert!(max_temp <= 1);
    // Some kill landed inside a write: its temporary file was left behind, or its text reached the
    // file unacknowledged. Without one, the trials showed nothing about an interrupted write.
    assert!(
        max_temp >= 1 || after >= 1,
        "no trial interrupted a write ({before} trials ended between writes)"
    );
}

/// (3) Under umask 000, directories are 0700 and files 0600.
#[test]
fn permissions_ignore_the_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new/store");
    let sh = |args: &str| {
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!("umask 000; exec \"$0\" {args}"))
            .arg(AZCTX)
            .env("AZCONTEXT_DIR", &dir)
            .env_remove("AzContextAutoSave")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    sh("set --name a --subscription s1 --tenant t --account me@example.com");
    sh("set --name b --subscription s2 --tenant t --account me@example.com");
    sh("rename a c");
    let modes = [
        ("new/", mode(&tmp.path().join("new"))),
        ("new/store/", mode(&dir)),
        (
            "AzureRmContextSettings.json",
            mode(&dir.join("AzureRmContextSettings.json")),
        ),
        (
            "AzureRmContext.json",
            mode(&dir.join("AzureRmContext.json")),
        ),
    ];
    fs::write(dir.join("AzureRmContext.json"), b"{ corrupt").unwrap();
    fs::set_permissions(
        dir.join("AzureRmContext.json"),
        fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    sh("clear --force");
    let quarantined: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(quarantined.len(), 1);
    let after_clear = mode(&dir.join("AzureRmContext.json"));
    let q_mode = mode(&quarantined[0]);
    println!(
        "[umask 000] {}; after clear of a corrupt 0666 file: AzureRmContext.json {after_clear:o}, \
         quarantined copy {q_mode:o}",
        modes
            .iter()
            .map(|(n, m)| format!("{n} {m:o}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (n, m) in &modes {
        let want = if n.ends_with('/') { 0o700 } else { 0o600 };
        assert_eq!(*m, want, "{n}");
    }
    assert_eq!(after_clear, 0o600);
    assert_eq!(q_mode, 0o600);
}

/// (4) A corrupt file is kept aside and reported; clear always succeeds; environments stay.
#[test]
fn corrupt_file_is_kept_aside_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    ok(&dir, &set_args("a", "s1"));
    let file = context_file(&dir);
    let garbage = b"\xEF\xBB\xBF{\n  \"DefaultContextKey\": \"a\",\n  \"Contexts\": {\n    \"a\": {\n      \"Acc";
    fs::write(&file, garbage).unwrap();

    // `current` (prompt path) reports it but moves nothing.
    let o = run(&dir, &["current"]);
    assert_eq!(o.status.code(), Some(5));
    assert!(file.exists());

    let o = run(&dir, &["list"]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(5), "{err}");
    let quarantined: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("AzureRmContext.json.corrupt-")
        })
        .collect();
    assert_eq!(quarantined.len(), 1);
    assert_eq!(
        fs::read(&quarantined[0]).unwrap(),
        garbage,
        "the corrupt bytes are kept unchanged"
    );
    assert!(
        err.contains(&*file.to_string_lossy()) && err.contains(&*quarantined[0].to_string_lossy()),
        "{err}"
    );
    // The store works again, empty, with the public environments.
    assert_eq!(ok(&dir, &["list"]), "");
    ok(&dir, &set_args("b", "s2"));

    // clear on a corrupt file: succeeds, keeps the bytes aside, leaves an empty profile.
    fs::write(&file, b"not json at all").unwrap();
    let o = run(&dir, &["clear", "--force"]);
    let clear_err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{clear_err}");
    let n_quarantined = fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".corrupt-")
        })
        .count();
    assert_eq!(n_quarantined, 2);
    let profile = parse_file(&file);
    assert!(profile.is_empty() || profile.list_available().is_empty());
    assert!(profile.environment("AzureCloud").is_some());
    let text = String::from_utf8(fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        text.trim_start_matches('\u{feff}'),
        "{\n  \"DefaultContextKey\": \"Default\",\n  \"EnvironmentTable\": {},\n  \"Contexts\": {},\n  \"ExtendedProperties\": {}\n}"
    );
    println!(
        "[corrupt] list: exit 5, message: {}; clear: exit 0 ({}); {n_quarantined} quarantined copies kept",
        err.trim(),
        clear_err.trim()
    );
}

/// (5) A writer holding the lock past the wait limit gives the clear error; nothing is lost.
#[test]
fn lock_timeout_is_clear_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    ok(&dir, &set_args("a", "s1"));
    let file = context_file(&dir);
    let before = fs::read(&file).unwrap();

    // The holder keeps the lock until told (a line on its stdin): however slow the machine, the
    // short-timeout writer below meets a held lock.
    let mut holder = azctx(&dir)
        .args(["test-helper", "hold-lock"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");

    let o = run(
        &dir,
        &[&["--lock-timeout", "0.3"][..], &set_args("b", "s2")].concat(),
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains(&*file.to_string_lossy()), "{err}");
    let names_holder = err.contains(&format!("held by process {}", holder.id()));
    assert!(names_holder || !Path::new("/proc/locks").exists(), "{err}");
    assert_eq!(
        fs::read(&file).unwrap(),
        before,
        "nothing changed while locked"
    );

    // A writer with the default wait (15 s) gets through once the holder lets go.
    let waiter = azctx(&dir)
        .args(set_args("c", "s3"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    holder.stdin.take().unwrap().write_all(b"go\n").unwrap();
    holder.wait().unwrap();
    let waiter = waiter.wait_with_output().unwrap();
    assert!(
        waiter.status.success(),
        "{}",
        String::from_utf8_lossy(&waiter.stderr)
    );
    ok(&dir, &set_args("b", "s2"));
    let all = keys(&parse_file(&file));
    assert_eq!(all, ["a", "b", "c"].iter().map(|s| s.to_string()).collect());
    println!(
        "[lock timeout] exit 4, message: {}; holder pid named: {names_holder}; waiter with the default \
         limit succeeded; final contexts {all:?}",
        err.trim()
    );
}

/// An operation that leaves the text unchanged does not rewrite the file: size, mtime and inode stay.
#[test]
fn unchanged_operation_does_not_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    ok(&dir, &set_args("a", "s1"));
    ok(&dir, &set_args("b", "s2"));
    ok(&dir, &["select", "a"]);
    let file = context_file(&dir);
    let m1 = fs::metadata(&file).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    ok(&dir, &["select", "a"]);
    let m2 = fs::metadata(&file).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        (m1.ino(), m1.size(), m1.mtime(), m1.mtime_nsec()),
        (m2.ino(), m2.size(), m2.mtime(), m2.mtime_nsec())
    );
    assert_eq!(ok(&dir, &["current"]).trim(), "a");
}

/// Exit codes and AzContextAutoSave=false (changes not saved).
#[test]
fn exit_codes_and_autosave_override() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    assert_eq!(run(&dir, &["current"]).status.code(), Some(2));
    assert!(!dir.exists(), "`current` writes nothing");
    assert_eq!(run(&dir, &["no-such-command"]).status.code(), Some(1));
    ok(&dir, &set_args("a", "s1"));
    ok(&dir, &set_args("b", "s2"));
    assert_eq!(run(&dir, &set_args("a", "s9")).status.code(), Some(3));
    assert_eq!(run(&dir, &["select", "zz"]).status.code(), Some(2));
    assert_eq!(run(&dir, &["remove", "zz"]).status.code(), Some(2));
    assert_eq!(run(&dir, &["rename", "a", "b"]).status.code(), Some(3));
    assert_eq!(
        run(&dir, &["remove", "b"]).status.code(),
        Some(3),
        "b is current"
    );
    ok(&dir, &["rename", "a", "c"]);
    let json = ok(&dir, &["show", "c", "--json"]);
    assert!(json.starts_with("{\"Name\":\"c\",\"Account\":"), "{json}");
    let list = ok(&dir, &["list", "--json"]);
    assert!(
        list.starts_with("[{\"name\":\"c\",\"current\":false"),
        "{list}"
    );
    assert_eq!(ok(&dir, &["list", "--names"]), "c\nb\n", "c kept a's place");
    assert_eq!(ok(&dir, &["current"]), "b\n");

    let o = azctx(&dir)
        .env("AzContextAutoSave", "FALSE")
        .args(["select", "c"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        ok(&dir, &["current"]).trim(),
        "b",
        "not saved with AzContextAutoSave=false"
    );
    assert!(
        !dir.join("azctx-previous").exists(),
        "an unsaved select is not remembered for `select -`"
    );
}

// ---------------------------------------------------------------------------------------------------
// Other writers, links and hostile files. Races are driven to the point of interest by observing the
// racing process itself (blocked on the lock in /proc/locks, or sleeping between two looks at the
// file), never by sleeping for a while.

/// Polls `cond` until it holds or `child` has exited (then the assertions after the race decide).
fn until_or_exit(child: &mut std::process::Child, what: &str, cond: impl Fn(u32) -> bool) {
    let pid = child.id();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() || cond(pid) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "process {pid} never reached: {what}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The process waits for a `flock` (a `->` line of /proc/locks with its pid).
fn waits_for_lock(pid: u32) -> bool {
    fs::read_to_string("/proc/locks")
        .unwrap_or_default()
        .lines()
        .any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.get(1) == Some(&"->") && f.get(5) == Some(&pid.to_string().as_str())
        })
}

/// The process's main thread sleeps (between two looks at a file that does not parse yet).
fn sleeps(pid: u32) -> bool {
    let syscall = fs::read_to_string(format!("/proc/{pid}/syscall")).unwrap_or_default();
    let nr: Option<i64> = syscall
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok());
    nr == Some(libc::SYS_clock_nanosleep)
        || fs::read_to_string(format!("/proc/{pid}/wchan")).is_ok_and(|w| w.contains("nanosleep"))
}

/// Runs azctx, expecting exit code `code`; returns its stderr.
fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let o = run(dir, args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    err
}

fn corrupt_copies(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect()
}

/// One race: a helper rewrites the 40-context file in place (truncate, write `torn_at` bytes, wait),
/// with or without the lock; `args` runs while the file is torn; then the helper finishes. Returns
/// azctx's output.
fn race_in_place_rewrite(dir: &Path, lock: bool, torn_at: usize, args: &[&str]) -> Output {
    let file = context_file(dir);
    let content = dir.parent().unwrap().join("rewrite.json");
    fs::copy(&file, &content).unwrap();
    let mut helper_args = vec![
        "test-helper".to_string(),
        "rewrite-in-place".into(),
        "--from".into(),
        content.to_string_lossy().into_owned(),
        "--torn-at".into(),
        torn_at.to_string(),
    ];
    if lock {
        helper_args.push("--lock".into());
    }
    let mut writer = azctx(dir)
        .args(&helper_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(writer.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "torn");
    assert_eq!(fs::metadata(&file).unwrap().len() as usize, torn_at);

    let mut racer = azctx(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if lock {
        until_or_exit(&mut racer, "waiting for the writer's lock", waits_for_lock);
    } else {
        until_or_exit(&mut racer, "re-reading the torn file", sleeps);
    }
    {
        let mut stdin = writer.stdin.take().unwrap();
        writeln!(stdin, "go").unwrap();
    }
    assert_eq!(lines.next().unwrap().unwrap(), "done");
    assert!(writer.wait().unwrap().success());
    racer.wait_with_output().unwrap()
}

/// (6) An in-place rewrite by Az.Accounts (locked) or Set-Content (no lock) racing `list` and `set`:
/// an empty or half-written file is never taken as an empty store, nor quarantined.
#[test]
fn in_place_rewrites_lose_nothing() {
    let mut figures = Vec::new();
    for lock in [true, false] {
        for half in [false, true] {
            for set in [false, true] {
                let tmp = tempfile::tempdir().unwrap();
                let dir = tmp.path().join("store");
                ok(&dir, &["test-helper", "fill", "--count", "40"]);
                let file = context_file(&dir);
                let full = fs::metadata(&file).unwrap().len() as usize;
                let torn_at = if half { full / 2 } else { 0 };
                let args: Vec<&str> = if set {
                    set_args("new", "s-new")
                } else {
                    vec!["list", "--names"]
                };
                let o = race_in_place_rewrite(&dir, lock, torn_at, &args);
                let case = format!(
                    "{} {} file, {}",
                    if lock { "locked" } else { "lock-free" },
                    if half { "half-written" } else { "empty" },
                    args[0]
                );
                let err = String::from_utf8_lossy(&o.stderr).into_owned();
                assert!(
                    o.status.success(),
                    "{case}: exit {:?}: {err}",
                    o.status.code()
                );
                if set {
                    let all = keys(&parse_file(&file));
                    assert_eq!(all.len(), 41, "{case}: contexts lost: {all:?}");
                } else {
                    let listed = String::from_utf8(o.stdout).unwrap().lines().count();
                    assert_eq!(listed, 40, "{case}: listed {listed} contexts");
                }
                assert_eq!(corrupt_copies(&dir), Vec::<PathBuf>::new(), "{case}");
                figures.push(case);
            }
        }
    }
    println!(
        "[in-place rewrite] {} races ({}): 0 contexts lost, 0 valid files quarantined",
        figures.len(),
        figures.join("; ")
    );
}

/// (7) A file that stays empty is not an empty store: a write keeps it aside and stops with the error,
/// a read reports it; nothing stored is overwritten.
#[test]
fn an_empty_file_is_never_taken_as_no_contexts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    ok(&dir, &set_args("a", "s1"));
    let file = context_file(&dir);
    fs::write(&file, b"").unwrap();
    let err = fails(&dir, &set_args("b", "s2"), 5);
    assert!(
        err.contains(&*file.to_string_lossy()) && err.contains("empty"),
        "{err}"
    );
    let kept = corrupt_copies(&dir);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(fs::read(&kept[0]).unwrap(), b"");
    assert!(
        parse_file(&file).list_available().is_empty(),
        "the failed write wrote no context"
    );
    // A blank file read by `list` is reported, not listed as empty.
    fs::write(&file, b" \n").unwrap();
    let o = run(&dir, &["list"]);
    assert_eq!(o.status.code(), Some(5));
    assert_eq!(corrupt_copies(&dir).len(), 2);
}

fn mode_of(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

/// (8) Links: no command changes a file outside the store through a link, or creates one through a
/// dangling link; the link is named in the error.
#[test]
fn links_in_the_store_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    ok(&dir, &set_args("a", "s1"));
    let file = context_file(&dir);
    let outside = tmp.path().join("outside.json");
    fs::write(&outside, b"not a profile").unwrap();
    fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
    fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&outside, &file).unwrap();
    for args in [
        vec!["list"],
        vec!["current"],
        vec!["clear", "--force"],
        set_args("b", "s2"),
    ] {
        let err = fails(&dir, &args, 6);
        assert!(
            err.contains(&*file.to_string_lossy()) && err.contains("symbolic link"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(mode_of(&outside), 0o644, "the link's target kept its mode");
    assert_eq!(fs::read(&outside).unwrap(), b"not a profile");
    assert!(corrupt_copies(&dir).is_empty());
    assert!(fs::symlink_metadata(&file)
        .unwrap()
        .file_type()
        .is_symlink());

    // A dangling link: nothing is created where it points.
    let nowhere = tmp.path().join("created-through-link.json");
    fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&nowhere, &file).unwrap();
    let o = run(&dir, &set_args("b", "s2"));
    assert_eq!(
        o.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !nowhere.exists(),
        "a file was created through the dangling link"
    );
}

/// (9) Ownership and modes, as ssh's StrictModes: too-open files and folders of the user are
/// tightened; a file of another user is refused with the fix, and left as it is (as root, which can
/// give files away; other users skip that part).
#[test]
fn ownership_and_modes_are_enforced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o1777)).unwrap();
    let keystore = dir.join("keystore.cache");
    fs::write(&keystore, b"[]").unwrap();
    fs::set_permissions(&keystore, fs::Permissions::from_mode(0o666)).unwrap();
    ok(&dir, &set_args("a", "s1"));
    assert_eq!(mode_of(&dir), 0o700);
    assert_eq!(mode_of(&keystore), 0o600);
    let file = context_file(&dir);

    // The settings file may not send the context file elsewhere by a path.
    let settings = dir.join("AzureRmContextSettings.json");
    let original = fs::read(&settings).unwrap();
    fs::write(
        &settings,
        br#"{"Mode":"CurrentUser","ContextFile":"../outside.json"}"#,
    )
    .unwrap();
    let err = fails(&dir, &["list"], 6);
    assert!(
        err.contains(&*settings.to_string_lossy()) && err.contains("ContextFile"),
        "{err}"
    );
    // ... nor to a folder that group or others can write.
    let open_dir = tmp.path().join("open");
    fs::create_dir(&open_dir).unwrap();
    fs::set_permissions(&open_dir, fs::Permissions::from_mode(0o777)).unwrap();
    fs::write(
        &settings,
        format!(
            r#"{{"Mode":"CurrentUser","ContextDirectory":"{}"}}"#,
            open_dir.display()
        ),
    )
    .unwrap();
    let err = fails(&dir, &set_args("b", "s2"), 6);
    assert!(
        err.contains(&*open_dir.to_string_lossy()) && err.contains("chmod 700"),
        "{err}"
    );
    assert_eq!(
        fs::read_dir(&open_dir).unwrap().count(),
        0,
        "nothing written there"
    );
    assert_eq!(
        mode_of(&open_dir),
        0o777,
        "a folder outside the store is never changed"
    );
    fs::write(&settings, &original).unwrap();

    if unsafe_free_euid() != 0 {
        println!("[ownership] not root: the foreign-owner refusal is not tested");
        return;
    }
    let before = fs::read(&file).unwrap();
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    for args in [vec!["list"], vec!["current"], set_args("b", "s2")] {
        let err = fails(&dir, &args, 6);
        assert!(
            err.contains(&*file.to_string_lossy())
                && err.contains("owned by user 65534")
                && err.contains("chown 0"),
            "{args:?}: {err}"
        );
    }
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(&file).unwrap();
    assert_eq!((m.uid(), mode_of(&file)), (65534, 0o644), "left as it was");
    assert_eq!(fs::read(&file).unwrap(), before);
    // A store folder of another user is refused too.
    std::os::unix::fs::chown(&file, Some(0), Some(0)).unwrap();
    std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
    let err = fails(&dir, &["list"], 6);
    assert!(err.contains(&*dir.to_string_lossy()), "{err}");
    println!(
        "[ownership] 1777 folder -> 0700, 0666 keystore -> 0600; foreign file: {}",
        err.trim()
    );
}

fn unsafe_free_euid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    // The owner of a file this process just created is its effective uid.
    let tmp = tempfile::NamedTempFile::new().unwrap();
    fs::metadata(tmp.path()).unwrap().uid()
}

/// (10) A FIFO or a device at the context file's path never blocks a command nor is read without
/// bound: it is refused, named, and left in place.
#[test]
fn special_files_in_the_store_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    ok(&dir, &set_args("a", "s1"));
    let file = context_file(&dir);
    fs::remove_file(&file).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&file)
        .status()
        .unwrap()
        .success());
    let mut cases = vec!["FIFO"];
    for args in [
        vec!["list"],
        vec!["current"],
        set_args("b", "s2"),
        vec!["clear", "--force"],
    ] {
        let mut child = azctx(&dir)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        until_or_exit(&mut child, "exit (a FIFO must not block it)", |_| false);
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(6), "{args:?}: {err}");
        assert!(
            err.contains(&*file.to_string_lossy()) && err.contains("FIFO"),
            "{args:?}: {err}"
        );
    }
    assert!(fs::symlink_metadata(&file).unwrap().file_type().is_fifo());
    if unsafe_free_euid() == 0 {
        // A character device like /dev/zero (1,5) would never end: refused without reading.
        fs::remove_file(&file).unwrap();
        let made = Command::new("mknod")
            .arg(&file)
            .args(["c", "1", "5"])
            .status()
            .unwrap();
        assert!(made.success());
        let err = fails(&dir, &["list"], 6);
        assert!(err.contains("character device"), "{err}");
        assert!(fs::symlink_metadata(&file)
            .unwrap()
            .file_type()
            .is_char_device());
        cases.push("character device");
    }
    println!("[special files] refused at once: {cases:?}");
}

/// (11) Bad values are usage errors (exit 1), never a panic (exit 101).
#[test]
fn bad_values_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    for t in ["1e300", "18446744073709551616", "1e20", "NaN", "inf"] {
        let o = run(&dir, &["--lock-timeout", t, "list"]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "--lock-timeout {t}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    for (i, blank) in ["", "  ", "\t"].iter().enumerate() {
        for which in ["--subscription", "--tenant", "--account"] {
            let name = format!("n{i}");
            let mut args = set_args(&name, "s1");
            let at = args.iter().position(|a| *a == which).unwrap();
            args[at + 1] = blank;
            let err = fails(&dir, &args, 1);
            assert!(err.contains(which), "{err}");
        }
    }
    assert!(!context_file(&dir).exists(), "nothing was stored");
}

/// (12) Control characters: a name chosen here may hold none; names another tool stored are shown
/// escaped, never raw to the terminal.
#[test]
fn control_characters_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    for bad in ["red\u{1b}[31m", "cr\r", "lf\n", "c1\u{9b}2J"] {
        let o = run(&dir, &set_args(bad, "s1"));
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{bad:?}: {err}");
        assert!(
            err.contains("control character") && !err.contains('\u{1b}'),
            "{err}"
        );
    }
    ok(&dir, &set_args("plain", "s1"));
    let file = context_file(&dir);
    // Another tool's file: the same context under a name holding ESC, CR and a C1 CSI.
    let text = fs::read_to_string(&file).unwrap();
    let evil = text.replace("\"plain\"", "\"ev\\u001b[2J\\ril\\u009b\"");
    assert_ne!(text, evil);
    fs::write(&file, evil).unwrap();
    for args in [
        vec!["list"],
        vec!["current"],
        vec!["show", "ev\u{1b}[2J\ril\u{9b}"],
    ] {
        let out = ok(&dir, &args);
        assert!(out.contains("ev\\x1B[2J\\x0Dil\\x9B"), "{args:?}: {out:?}");
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?}: {out:?}"
        );
    }
    let o = run(&dir, &["select", "no\u{1b}such"]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("no\\x1Bsuch"), "{err:?}");
}
