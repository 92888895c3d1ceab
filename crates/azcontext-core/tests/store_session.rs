//! Session-level tests of the store: scopes, autosave, fresh reads, overlay, merge, Save-AzContext.
//! (Cross-process behaviour is tested with real processes in crates/azcontext-cli/tests/.)

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use azcontext_core::model::{Account, Context, Profile, Subscription, Tenant};
use azcontext_core::store::{Op, OpValue, Scope, Session, StoreEnv};
use azcontext_core::Error;

fn env(dir: &Path) -> StoreEnv {
    StoreEnv {
        azcontext_dir: Some(dir.to_string_lossy().into_owned()),
        ..StoreEnv::default()
    }
}

fn ctx(sub: &str) -> Context {
    Context::from_parts(
        Some(Account::new("me@example.com", "User")),
        Some(Tenant::new("t-1")),
        Some(Subscription::new(sub, Some(sub), Some("Enabled"))),
        None,
    )
}

fn set(name: &str, sub: &str) -> Op {
    Op::SetContext {
        context: ctx(sub),
        name: Some(name.into()),
        force: true,
        extended_properties: vec![],
    }
}

fn disk_keys(dir: &Path) -> Vec<String> {
    let path = dir.join("AzureRmContext.json");
    match fs::read(&path) {
        Ok(b) => Profile::parse(&b, "disk")
            .unwrap()
            .contexts()
            .map(|(k, _)| k.to_owned())
            .collect(),
        Err(_) => vec![],
    }
}

fn names(s: &mut Session, e: &StoreEnv) -> Vec<String> {
    let mut v: Vec<String> = s
        .list_contexts(e)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    v.sort();
    v
}

#[test]
fn first_use_creates_settings_and_defaults_to_current_user() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let e = env(&dir);
    let mut s = Session::new();
    assert_eq!(s.mode(&e).unwrap(), Scope::CurrentUser);
    let text = fs::read_to_string(dir.join("AzureRmContextSettings.json")).unwrap();
    assert!(
        text.starts_with("{\"Mode\":\"CurrentUser\",\"ContextDirectory\":"),
        "{text}"
    );
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    s.apply(&e, set("a", "s1"), None).unwrap();
    assert_eq!(disk_keys(&dir), ["a"]);
}

#[test]
fn scopes_follow_az_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let e = env(dir);
    let mut s = Session::new();
    s.apply(&e, set("a", "s1"), None).unwrap();
    // -Scope Process in an autosave session: memory only.
    let o = s.apply(&e, set("p", "s2"), Some(Scope::Process)).unwrap();
    assert_eq!(o.scope, Scope::Process);
    assert!(!o.written);
    assert_eq!(disk_keys(dir), ["a"]);
    assert_eq!(names(&mut s, &e), ["a", "p"]);
    assert_eq!(s.current_context(&e).unwrap().unwrap().name, "p");
    // AzContextAutoSave=false: Process.
    let off = StoreEnv {
        autosave: Some("False".into()),
        ..e.clone()
    };
    assert_eq!(s.effective_scope(&off, None).unwrap(), Scope::Process);
    s.apply(&off, set("q", "s3"), None).unwrap();
    assert_eq!(disk_keys(dir), ["a"]);
    // ... unless -Scope CurrentUser.
    s.apply(&off, set("r", "s4"), Some(Scope::CurrentUser))
        .unwrap();
    assert_eq!(disk_keys(dir), ["a", "r"]);
    assert_eq!(names(&mut s, &e), ["a", "p", "q", "r"]);

    // A Process-mode session (Azure_Profile_Autosave=false) starts empty and writes only when asked.
    let pe = StoreEnv {
        profile_autosave: Some("false".into()),
        ..e.clone()
    };
    let mut p = Session::new();
    assert_eq!(p.mode(&pe).unwrap(), Scope::Process);
    assert!(p.list_contexts(&pe).unwrap().is_empty());
    p.apply(&pe, set("m", "s5"), None).unwrap();
    assert_eq!(disk_keys(dir), ["a", "r"]);
    p.apply(&pe, set("n", "s6"), Some(Scope::CurrentUser))
        .unwrap();
    assert_eq!(disk_keys(dir), ["a", "r", "n"]);
    assert_eq!(names(&mut p, &pe), ["m", "n"]);
}

#[test]
fn reads_are_fresh_and_overlay_shadows_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut a = Session::new();
    let mut b = Session::new();
    a.apply(&e, set("x", "s1"), None).unwrap();
    assert_eq!(names(&mut b, &e), ["x"]);
    a.apply(
        &e,
        Op::Remove {
            name: "x".into(),
            force: true,
        },
        Some(Scope::Process),
    )
    .unwrap();
    b.apply(&e, set("y", "s2"), None).unwrap();
    // a sees b's new context, and still not x (its Process-scoped removal shadows the disk).
    assert_eq!(names(&mut a, &e), ["y"]);
    assert_eq!(names(&mut b, &e), ["x", "y"]);
    // Both processes' changes merge on disk.
    a.apply(&e, set("z", "s3"), None).unwrap();
    assert_eq!(disk_keys(tmp.path()), ["x", "y", "z"]);
}

#[test]
fn enable_persists_memory_and_reports_the_scope_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let e = env(dir);
    let mut s = Session::new();
    let d = s.disable_autosave(&e, None).unwrap();
    assert_eq!(d.mode, "Process");
    assert_eq!(
        d,
        s.autosave_settings(&e, None).unwrap(),
        "what Get then reports"
    );
    assert_eq!(d.context_directory.as_deref(), Some("None"));
    assert_eq!(
        fs::read_to_string(dir.join("AzureRmContextSettings.json")).unwrap(),
        r#"{"Mode":"Process","ContextDirectory":null,"ContextFile":null,"CacheDirectory":null,"CacheFile":null,"KeyStoreFile":null,"Settings":{}}"#
    );
    let v = s.autosave_settings(&e, None).unwrap();
    assert_eq!(
        (v.mode.as_str(), v.context_file.as_deref()),
        ("Process", Some("None"))
    );
    s.apply(&e, set("mem", "s1"), None).unwrap();
    assert!(disk_keys(dir).is_empty());

    let en = s.enable_autosave(&e, Some(Scope::Process)).unwrap();
    assert_eq!(en.mode, "Process", "Az #10607: the scope asked for");
    assert_eq!(disk_keys(dir), ["mem"], "Az #14757: memory persisted");
    assert!(fs::read_to_string(dir.join("AzureRmContextSettings.json"))
        .unwrap()
        .contains("\"Mode\":\"Process\""));
    assert_eq!(s.mode(&e).unwrap(), Scope::CurrentUser);

    let en = s.enable_autosave(&e, None).unwrap();
    assert_eq!(en.mode, "CurrentUser");
    assert_eq!(en.context_file.as_deref(), Some("AzureRmContext.json"));
    let text = fs::read_to_string(dir.join("AzureRmContextSettings.json")).unwrap();
    assert!(text.starts_with("{\"Mode\":\"CurrentUser\""), "{text}");
    let cu = s.autosave_settings(&e, Some(Scope::CurrentUser)).unwrap();
    assert_eq!(cu.mode, "CurrentUser");

    // Disable keeps the in-memory profile and deletes nothing.
    s.disable_autosave(&e, Some(Scope::Process)).unwrap();
    assert_eq!(names(&mut s, &e), ["mem"]);
    assert!(dir.join("AzureRmContext.json").exists());
}

/// Disable-AzContextAutosave whose settings file cannot be written is an error that changes nothing:
/// the session keeps writing to disk, so a following Clear-AzContext clears the file, not only memory.
#[test]
fn a_disable_that_cannot_save_its_settings_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let e = env(dir);
    let mut s = Session::new();
    s.apply(&e, set("keep", "s1"), None).unwrap();
    // The settings file becomes a folder: an atomic save cannot rename a file over it.
    let settings = dir.join("AzureRmContextSettings.json");
    let before = fs::read_to_string(&settings).unwrap();
    fs::remove_file(&settings).unwrap();
    fs::create_dir(&settings).unwrap();
    assert!(s.disable_autosave(&e, None).is_err());
    fs::remove_dir(&settings).unwrap();
    fs::write(&settings, &before).unwrap();
    assert_eq!(s.mode(&e).unwrap(), Scope::CurrentUser);
    assert_eq!(s.autosave_settings(&e, None).unwrap().mode, "CurrentUser");
    s.apply(&e, Op::Clear, None).unwrap();
    assert!(disk_keys(dir).is_empty(), "the clear reached the file");

    // Enabling the same way: an error, and autosave stays off for the user.
    let mut p = Session::new();
    p.disable_autosave(&e, None).unwrap();
    let disabled = fs::read_to_string(&settings).unwrap();
    fs::remove_file(&settings).unwrap();
    fs::create_dir(&settings).unwrap();
    assert!(p.enable_autosave(&e, None).is_err());
    fs::remove_dir(&settings).unwrap();
    fs::write(&settings, &disabled).unwrap();
    // A new session (another process) reads the file: autosave is still off for the user.
    assert_eq!(Session::new().mode(&e).unwrap(), Scope::Process);
}

#[test]
fn detached_sessions_never_touch_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("never");
    let e = env(&dir);
    let mut s = Session::detached(Profile::new());
    let o = s
        .apply(&e, set("a", "s1"), Some(Scope::CurrentUser))
        .unwrap();
    assert_eq!(o.scope, Scope::Process);
    assert_eq!(s.current_context(&e).unwrap().unwrap().name, "a");
    assert!(!dir.exists());
}

#[test]
fn store_dir_change_starts_afresh() {
    let tmp = tempfile::tempdir().unwrap();
    let (d1, d2) = (tmp.path().join("1"), tmp.path().join("2"));
    let mut s = Session::new();
    s.apply(&env(&d1), set("a", "s1"), Some(Scope::Process))
        .unwrap();
    assert!(s.list_contexts(&env(&d2)).unwrap().is_empty());
    assert!(d2.join("AzureRmContextSettings.json").exists());
}

#[test]
fn clear_writes_the_empty_profile_and_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut s = Session::new();
    let o = s.apply(&e, set("a", "s1"), None).unwrap();
    assert!(matches!(o.value, OpValue::Context(Some(ref c)) if c.name == "a"));
    s.apply(&e, Op::Clear, None).unwrap();
    let text = fs::read_to_string(tmp.path().join("AzureRmContext.json")).unwrap();
    assert_eq!(
        text.trim_start_matches('\u{feff}'),
        "{\n  \"DefaultContextKey\": \"Default\",\n  \"EnvironmentTable\": {},\n  \"Contexts\": {},\n  \"ExtendedProperties\": {}\n}"
    );
    assert!(s.current_context(&e).unwrap().is_none());
}

#[test]
fn corrupt_file_is_quarantined_and_store_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut s = Session::new();
    s.apply(&e, set("a", "s1"), None).unwrap();
    let file = tmp.path().join("AzureRmContext.json");
    fs::write(&file, b"{\"Contexts\": [").unwrap();
    match s.list_contexts(&e) {
        Err(Error::CorruptFile {
            path, quarantined, ..
        }) => {
            assert_eq!(path, file);
            assert_eq!(fs::read(quarantined).unwrap(), b"{\"Contexts\": [");
        }
        other => panic!("{other:?}"),
    }
    assert!(s.list_contexts(&e).unwrap().is_empty());
    assert!(s.profile(&e).unwrap().environment("AzureCloud").is_some());
    fs::write(&file, b"garbage").unwrap();
    assert!(matches!(
        s.apply(&e, set("b", "s2"), None),
        Err(Error::CorruptFile { .. })
    ));
    fs::write(&file, b"garbage").unwrap();
    let o = s.apply(&e, Op::Clear, None).unwrap();
    assert!(o.quarantined.is_some());
}

#[test]
fn save_profile_to_is_private_and_refuses_to_clobber() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(&tmp.path().join("s"));
    let mut s = Session::new();
    s.apply(&e, set("a", "s1"), None).unwrap();
    let out = tmp.path().join("saved.json");
    s.save_profile_to(&e, None, &out, false, false).unwrap();
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let before = fs::read(&out).unwrap();
    assert!(matches!(
        s.save_profile_to(&e, None, &out, false, false),
        Err(Error::AlreadyExists { .. })
    ));
    assert_eq!(fs::read(&out).unwrap(), before);
    s.save_profile_to(&e, Some(Profile::new()), &out, false, true)
        .unwrap();
    let p = Profile::parse(&fs::read(&out).unwrap(), "saved").unwrap();
    assert!(p.is_empty());
}

#[test]
fn save_profile_to_never_replaces_a_special_file() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let e = env(&tmp.path().join("s"));
    let mut s = Session::new();
    s.apply(&e, set("a", "s1"), None).unwrap();
    let fifo = tmp.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let mut targets = vec![(fifo, "FIFO")];
    targets.push((tmp.path().join("s"), "directory"));
    let is_root = {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(tmp.path()).unwrap().uid() == 0
    };
    if is_root {
        // A character device like /dev/null (1,3): -Force once renamed a file over such a node.
        let dev = tmp.path().join("null");
        let made = std::process::Command::new("mknod")
            .arg(&dev)
            .args(["c", "1", "3"])
            .status()
            .unwrap();
        assert!(made.success());
        targets.push((dev, "character device"));
    }
    for (path, what) in &targets {
        let kind = fs::symlink_metadata(path).unwrap().file_type();
        for overwrite in [false, true] {
            let err = s
                .save_profile_to(&e, None, path, false, overwrite)
                .unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
            let text = err.to_string();
            assert!(
                text.contains(&*path.to_string_lossy()) && text.contains(what),
                "{text}"
            );
        }
        let after = fs::symlink_metadata(path).unwrap().file_type();
        assert_eq!(
            (after.is_fifo(), after.is_dir(), after.is_char_device()),
            (kind.is_fifo(), kind.is_dir(), kind.is_char_device()),
            "{what} left as it was"
        );
    }
}

#[test]
fn user_chosen_names_hold_no_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut s = Session::new();
    for bad in [
        "a\u{1b}[31mred",
        "cr\r",
        "lf\n",
        "tab\t",
        "c1\u{85}",
        "del\u{7f}",
    ] {
        let err = s.apply(&e, set(bad, "s1"), None).unwrap_err();
        assert!(matches!(err, Error::InvalidName { .. }), "{err:?}");
        assert!(err.to_string().contains("control character"), "{err}");
        s.apply(&e, set("ok", "s1"), None).unwrap();
        let rename = Op::Rename {
            source: "ok".into(),
            target: bad.into(),
            force: true,
        };
        assert!(matches!(
            s.apply(&e, rename, None),
            Err(Error::InvalidName { .. })
        ));
    }
    assert_eq!(disk_keys(tmp.path()), vec!["ok".to_string()]);
    assert_eq!(
        azcontext_core::model::escape_controls("x\u{1b}[2J\r\ny\u{9b}"),
        "x\\x1B[2J\\x0D\\x0Ay\\x9B"
    );
}

#[test]
fn view_version_changes_exactly_when_the_view_may_have_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut a = Session::new();
    let mut b = Session::new();
    a.apply(&e, set("one", "s1"), None).unwrap();
    let v1 = a.view_version(&e).unwrap();
    assert_eq!(a.view_version(&e).unwrap(), v1, "nothing changed");
    let (v_list, list) = a.list_contexts_versioned(&e).unwrap();
    assert_eq!(v_list, v1);
    assert_eq!(list.len(), 1);
    // Another process (session) writes: the next read sees a new version.
    b.apply(&e, set("two", "s2"), None).unwrap();
    let v2 = a.view_version(&e).unwrap();
    assert_ne!(v2, v1);
    assert_eq!(a.list_contexts(&e).unwrap().len(), 2);
    // An operation of this session, even Process-scoped, changes it.
    a.apply(&e, Op::Select { name: "one".into() }, Some(Scope::Process))
        .unwrap();
    assert_ne!(a.view_version(&e).unwrap(), v2);
}

#[test]
fn current_name_comes_from_the_index_and_falls_back_when_another_tool_writes() {
    use azcontext_core::store::{index_path, peek_current_name};
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut s = Session::new();
    s.apply(&e, set("alpha", "s1"), None).unwrap();
    s.apply(&e, set("beta", "s2"), None).unwrap();
    let file = tmp.path().join("AzureRmContext.json");
    let index = index_path(&file);
    assert!(index.exists(), "a locked write leaves the index");
    assert_eq!(
        fs::metadata(&index).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(peek_current_name(&e).unwrap().as_deref(), Some("beta"));

    // Another tool rewrites the file in place (as Az.Accounts does), choosing another default: the
    // index no longer matches the file, so the name comes from the file itself.
    let text = fs::read_to_string(&file).unwrap();
    let changed = text.replacen(
        "\"DefaultContextKey\": \"beta\"",
        "\"DefaultContextKey\": \"alpha\"",
        1,
    );
    assert_ne!(text, changed);
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(&file, changed).unwrap();
    assert_eq!(peek_current_name(&e).unwrap().as_deref(), Some("alpha"));

    // A stale or garbage index is never trusted.
    fs::write(&index, b"{not json").unwrap();
    assert_eq!(peek_current_name(&e).unwrap().as_deref(), Some("alpha"));
    fs::remove_file(&index).unwrap();
    assert_eq!(peek_current_name(&e).unwrap().as_deref(), Some("alpha"));
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

// The two tests below come from a review that found both losses; each failed before its fix.
#[test]
fn enable_never_replays_a_current_user_operation_over_newer_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut a = Session::new();
    let mut b = Session::new();
    a.apply(&e, set("x", "s1"), None).unwrap();
    // a: a Process-scope change makes the overlay non-empty
    a.apply(&e, Op::Select { name: "x".into() }, Some(Scope::Process))
        .unwrap();
    // a: Clear in CurrentUser scope (applied to disk, and pushed onto the overlay)
    a.apply(&e, Op::Clear, Some(Scope::CurrentUser)).unwrap();
    // b (another process) adds a context afterwards
    b.apply(&e, set("later", "s2"), None).unwrap();
    // a enables autosave: the overlay (with the Clear) is replayed on the disk
    a.enable_autosave(&e, None).unwrap();
    assert_eq!(
        sorted(names(&mut b, &e)),
        vec!["later".to_string()],
        "another process's context was wiped"
    );
}

#[test]
fn a_failed_enable_keeps_the_process_scope_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut a = Session::new();
    a.apply(&e, set("x", "s1"), None).unwrap();
    a.apply(&e, set("p", "s9"), Some(Scope::Process)).unwrap();
    assert_eq!(
        sorted(names(&mut a, &e)),
        vec!["p".to_string(), "x".to_string()]
    );
    // hold the lock so Enable times out
    let file = tmp.path().join("AzureRmContext.json");
    let f = azcontext_core::fsio::lock_exclusive(&file, std::time::Duration::from_secs(10))
        .unwrap()
        .expect("the context file exists");
    let mut e2 = e.clone();
    e2.lock_timeout = Some(std::time::Duration::from_millis(100));
    assert!(a.enable_autosave(&e2, None).is_err());
    drop(f);
    assert_eq!(
        sorted(names(&mut a, &e)),
        vec!["p".to_string(), "x".to_string()],
        "Process-scope context lost"
    );
}

#[test]
fn clear_in_current_user_scope_empties_the_key_store_too() {
    use azcontext_core::keystore::KeyStore;
    let tmp = tempfile::tempdir().unwrap();
    let e = env(tmp.path());
    let mut s = Session::new();
    s.apply(&e, set("one", "s1"), None).unwrap();
    let ks = tmp.path().join("keystore.cache");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/az-accounts/keystore.cache.json"
    );
    fs::copy(fixture, &ks).unwrap();
    assert_eq!(
        KeyStore::parse(&fs::read(&ks).unwrap(), "k").unwrap().len(),
        2
    );
    // Process scope leaves the files alone.
    s.apply(&e, Op::Clear, Some(Scope::Process)).unwrap();
    assert_eq!(
        KeyStore::parse(&fs::read(&ks).unwrap(), "k").unwrap().len(),
        2
    );
    s.apply(&e, Op::Clear, Some(Scope::CurrentUser)).unwrap();
    assert!(KeyStore::parse(&fs::read(&ks).unwrap(), "k")
        .unwrap()
        .is_empty());
    assert_eq!(
        fs::metadata(&ks).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn removing_the_last_context_of_a_user_warns_from_inside_the_operation() {
    let dir = tempfile::tempdir().unwrap();
    let e = env(dir.path());
    let mut s = Session::new();
    s.apply(&e, set("a", "s-a"), None).unwrap();
    s.apply(&e, set("b", "s-b"), None).unwrap();
    let out = s
        .apply(
            &e,
            Op::Remove {
                name: "a".into(),
                force: true,
            },
            None,
        )
        .unwrap();
    assert!(
        out.warnings.is_empty(),
        "'b' still has the user: {:?}",
        out.warnings
    );
    // Another process adds a context of the same user between this session's read and its removal:
    // the decision is taken on the file as locked, so no warning is given.
    let mut other = Session::new();
    other.apply(&e, set("c", "s-c"), None).unwrap();
    let out = s
        .apply(
            &e,
            Op::Remove {
                name: "b".into(),
                force: true,
            },
            None,
        )
        .unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let out = s
        .apply(
            &e,
            Op::Remove {
                name: "c".into(),
                force: true,
            },
            None,
        )
        .unwrap();
    assert_eq!(
        out.warnings,
        vec!["No contexts remain for user 'me@example.com'; this user has been removed from the shared token cache.".to_owned()]
    );
    assert_eq!(out.scope, Scope::CurrentUser);
}

#[test]
fn disconnect_resolves_its_target_in_the_core() {
    use azcontext_core::accounts::DisconnectTarget;
    let dir = tempfile::tempdir().unwrap();
    let e = env(dir.path());
    let mut s = Session::new();
    let (none, out) = s.disconnect(&e, &DisconnectTarget::Current, None).unwrap();
    assert!(
        none.is_none() && out.is_none(),
        "no current context: nothing to do"
    );
    s.apply(&e, set("a", "s-a"), None).unwrap();
    s.apply(&e, set("b", "s-b"), None).unwrap();
    let missing = s
        .disconnect(&e, &DisconnectTarget::ContextName("nope".into()), None)
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing}");
    let (account, out) = s
        .disconnect(&e, &DisconnectTarget::ContextName("A".into()), None)
        .unwrap();
    assert_eq!(account.unwrap().id(), Some("me@example.com"));
    assert_eq!(out.unwrap().scope, Scope::CurrentUser);
    assert!(
        disk_keys(dir.path()).is_empty(),
        "every context of the account went"
    );
}

#[test]
fn what_if_belongs_to_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("AzureRmContext.json");
    let mut s = Session::new();
    let plain = env(dir.path());
    s.list_contexts(&plain).unwrap();
    fs::write(&file, b"{ broken").unwrap();
    let looking = StoreEnv {
        what_if: true,
        ..env(dir.path())
    };
    assert!(matches!(
        s.list_contexts(&looking),
        Err(Error::InvalidProfile(_))
    ));
    assert_eq!(fs::read(&file).unwrap(), b"{ broken");
    assert!(matches!(
        s.list_contexts(&plain),
        Err(Error::CorruptFile { .. })
    ));
}

#[test]
fn io_errors_say_what_happened_in_words() {
    use azcontext_core::error::ErrorKind;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such.json");
    let e = azcontext_core::interchange::profile_from_file(&missing).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FileNotFound);
    assert_eq!(
        e.to_string(),
        format!("Cannot find file '{}'", missing.display())
    );
    let folder = azcontext_core::interchange::profile_from_file(dir.path()).unwrap_err();
    assert_eq!(folder.kind(), ErrorKind::InvalidArgument);
    assert!(folder.to_string().contains("is a folder"), "{folder}");
    let full = Error::io(
        "writing",
        "/x/AzureRmContext.json",
        std::io::Error::from_raw_os_error(28),
    );
    assert_eq!(full.kind(), ErrorKind::Io);
    assert!(
        full.to_string().contains("no space left on device"),
        "{full}"
    );
    let gone = Error::io(
        "reading",
        "/x/y",
        std::io::Error::from(std::io::ErrorKind::NotFound),
    );
    assert_eq!(gone.kind(), ErrorKind::FileNotFound);
}

#[test]
fn a_permission_error_is_not_reported_as_a_missing_file() {
    use azcontext_core::error::ErrorKind;
    let denied = Error::io(
        "reading",
        "/x/ctx.json",
        std::io::Error::from(std::io::ErrorKind::PermissionDenied),
    );
    assert_eq!(denied.kind(), ErrorKind::PermissionDenied);
    assert!(
        denied
            .to_string()
            .contains("was denied (reading): permission denied"),
        "{denied}"
    );
}
