//! Callers that keep their own current context (a PowerShell session, one runspace): decided once,
//! changed only by the caller's own operations, kept from a copy when another process removes it.

use std::path::Path;

use azcontext_core::model::{Account, Context, Profile, Subscription, Tenant};
use azcontext_core::store::{CallerCurrent, Op, Scope, Session, StoreEnv};
use azcontext_core::Error;

fn stored(dir: &Path) -> StoreEnv {
    StoreEnv {
        azcontext_dir: Some(dir.to_string_lossy().into_owned()),
        ..StoreEnv::default()
    }
}

fn own(dir: &Path, name: Option<&str>, keep: bool) -> StoreEnv {
    StoreEnv {
        current: CallerCurrent::Own {
            name: name.map(str::to_owned),
            keep_stored_default: keep,
        },
        ..stored(dir)
    }
}

fn set(name: &str, account: &str) -> Op {
    Op::SetContext {
        context: Context::from_parts(
            Some(Account::new(account, "User")),
            Some(Tenant::new("t-1")),
            Some(Subscription::new(name, Some(name), Some("Enabled"))),
            None,
        ),
        name: Some(name.into()),
        force: true,
        extended_properties: vec![],
    }
}

fn remove(name: &str, force: bool) -> Op {
    Op::Remove {
        name: name.into(),
        force,
    }
}

/// A session (another process, for the caller) that stored `names` in order: the last is the
/// stored default.
fn store_with(dir: &Path, names: &[&str]) -> Session {
    let mut s = Session::new();
    for n in names {
        s.apply(&stored(dir), set(n, "a@x"), None).unwrap();
    }
    s
}

fn select(name: &str) -> Op {
    Op::Select { name: name.into() }
}

fn stored_default(dir: &Path) -> Option<String> {
    let bytes = std::fs::read(dir.join("AzureRmContext.json")).unwrap();
    Profile::parse(&bytes, "disk")
        .unwrap()
        .default_context()
        .map(|(k, _)| k.to_owned())
}

fn current(s: &mut Session, e: &StoreEnv) -> Option<String> {
    s.current_context(e).unwrap().map(|c| c.name)
}

/// Two processes: "dev" chosen in one stays its current after the other selects "prod".
#[test]
fn another_process_select_does_not_move_the_caller() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut b = store_with(dir, &["dev", "prod"]);
    b.apply(&stored(dir), select("dev"), None).unwrap();

    let mut a = Session::new();
    let first = a.initial_current(&stored(dir), None).unwrap();
    assert_eq!(first.as_deref(), Some("dev"));
    let ea = own(dir, first.as_deref(), false);
    b.apply(&stored(dir), select("prod"), None).unwrap();
    assert_eq!(current(&mut a, &ea).as_deref(), Some("dev"));
    // A new session starts on the stored default.
    assert_eq!(
        Session::new().initial_current(&stored(dir), None).unwrap(),
        Some("prod".into())
    );
    // The caller's own select reports its new current and writes the stored default.
    let out = a.apply(&ea, select("prod"), None).unwrap();
    assert_eq!(out.current, Some(Some("prod".into())));
    b.apply(&stored(dir), select("dev"), None).unwrap();
    let out = a.apply(&ea, select("prod"), None).unwrap();
    assert_eq!(out.current, Some(Some("prod".into())));
    assert_eq!(stored_default(dir).as_deref(), Some("prod"));
    // Callers that use the stored default get no "Current".
    assert_eq!(
        b.apply(&stored(dir), select("dev"), None).unwrap().current,
        None
    );
}

/// A runspace that is not the process's main one: its select and set change only itself.
#[test]
fn keep_stored_default_leaves_what_new_sessions_start_with() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = store_with(dir, &["dev", "prod"]);
    s.apply(&stored(dir), select("dev"), None).unwrap();
    let e = own(dir, Some("dev"), true);
    let out = s.apply(&e, select("prod"), None).unwrap();
    assert_eq!(out.current, Some(Some("prod".into())));
    let out = s.apply(&e, set("new", "b@x"), None).unwrap();
    assert_eq!(out.current, Some(Some("new".into())));
    assert_eq!(stored_default(dir).as_deref(), Some("dev"));
    // The context it created is stored all the same.
    assert!(s.get_context(&stored(dir), "new").unwrap().is_some());
    // Removing the stored default still moves it (it is gone).
    s.apply(&own(dir, Some("new"), true), remove("dev", false), None)
        .unwrap();
    assert_eq!(stored_default(dir).as_deref(), Some("new"));
}

/// The same in memory: a side runspace's Process-scope select, or any select while autosave is off
/// for the process, moves only itself, so the default that new runspaces start from, that
/// Save-AzContext writes and that enabling autosave persists stays the main runspace's.
#[test]
fn keep_stored_default_holds_in_memory_and_when_persisted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = store_with(dir, &["prod", "test", "dev"]);
    let main = own(dir, Some("dev"), false);
    let side = own(dir, Some("dev"), true);
    let default_of = |s: &mut Session, e: &StoreEnv| {
        s.profile(e)
            .unwrap()
            .default_context()
            .map(|(k, _)| k.to_owned())
    };

    // Autosave on: a Process-scope select shadows the file in this session only.
    let out = s
        .apply(&side, select("prod"), Some(Scope::Process))
        .unwrap();
    assert_eq!(out.current, Some(Some("prod".into())));
    assert_eq!(default_of(&mut s, &stored(dir)).as_deref(), Some("dev"));
    // The overlay is replayed on a newer file the same way.
    store_with(dir, &["other"])
        .apply(&stored(dir), select("dev"), None)
        .unwrap();
    assert_eq!(default_of(&mut s, &stored(dir)).as_deref(), Some("dev"));
    // Enabling autosave writes what never reached the file; the default stays.
    s.enable_autosave(&main, None).unwrap();
    assert_eq!(stored_default(dir).as_deref(), Some("dev"));

    // Autosave off for the process: the profile lives in memory.
    s.disable_autosave(&main, Some(Scope::Process)).unwrap();
    let out = s.apply(&side, select("test"), None).unwrap();
    assert_eq!(out.scope, Scope::Process);
    assert_eq!(out.current, Some(Some("test".into())));
    assert_eq!(default_of(&mut s, &stored(dir)).as_deref(), Some("dev"));
    // A CurrentUser select from the side writes the file and leaves both defaults.
    s.apply(&side, select("prod"), Some(Scope::CurrentUser))
        .unwrap();
    assert_eq!(default_of(&mut s, &stored(dir)).as_deref(), Some("dev"));
    assert_eq!(stored_default(dir).as_deref(), Some("dev"));
    s.enable_autosave(&main, None).unwrap();
    assert_eq!(stored_default(dir).as_deref(), Some("dev"));

    // The main runspace's own select still moves the default, in memory and when persisted.
    s.disable_autosave(&main, Some(Scope::Process)).unwrap();
    s.apply(&main, select("test"), None).unwrap();
    assert_eq!(default_of(&mut s, &stored(dir)).as_deref(), Some("test"));
    assert_eq!(stored_default(dir).as_deref(), Some("dev"));
    s.enable_autosave(&main, None).unwrap();
    assert_eq!(stored_default(dir).as_deref(), Some("test"));
}

/// Removing, renaming, clearing: what the caller's current becomes follows the profile's rules
/// applied to the caller's view; removing another caller's current needs no confirmation.
#[test]
fn rename_remove_clear_follow_the_callers_current() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = store_with(dir, &["b", "c", "dev"]);
    // The stored default is "dev"; this caller uses "c".
    let out = s
        .apply(
            &own(dir, Some("c"), false),
            Op::Rename {
                source: "c".into(),
                target: "c2".into(),
                force: false,
            },
            None,
        )
        .unwrap();
    assert_eq!(out.current, Some(Some("c2".into())));
    // Removing the stored default, which is not the caller's current: no force needed, current kept.
    let out = s
        .apply(&own(dir, Some("c2"), false), remove("dev", false), None)
        .unwrap();
    assert_eq!(out.current, Some(Some("c2".into())));
    // Removing the caller's current needs force, then moves to the ordinal-first remaining.
    let e = own(dir, Some("c2"), false);
    assert!(matches!(
        s.apply(&e, remove("c2", false), None),
        Err(Error::InvalidArgument(_))
    ));
    let out = s.apply(&e, remove("c2", true), None).unwrap();
    assert_eq!(out.current, Some(Some("b".into())));
    let out = s
        .apply(&own(dir, Some("b"), false), Op::Clear, None)
        .unwrap();
    assert_eq!(out.current, Some(None));
    // An operation that does not touch the current keeps it, also in Process scope.
    s.apply(&stored(dir), set("x", "a@x"), None).unwrap();
    let out = s
        .apply(
            &own(dir, Some("x"), false),
            set("y", "a@x"),
            Some(Scope::Process),
        )
        .unwrap();
    assert_eq!(out.current, Some(Some("y".into())));
    let out = s
        .apply(
            &own(dir, Some("y"), false),
            remove("x", false),
            Some(Scope::Process),
        )
        .unwrap();
    assert_eq!(out.current, Some(Some("y".into())));
}

/// Another process removes the caller's current: the caller keeps its copy and is warned once.
#[test]
fn a_removed_current_is_kept_from_the_copy_with_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut other = store_with(dir, &["dev", "prod"]);
    let mut s = Session::new();
    let e = own(dir, Some("dev"), false);
    assert_eq!(
        s.initial_current(&stored(dir), Some("DEV")).unwrap(),
        Some("dev".into())
    );
    other
        .apply(&stored(dir), remove("dev", true), None)
        .unwrap();
    let (c, w) = s.current_context_reported(&e).unwrap();
    assert_eq!(c.unwrap().name, "dev");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("'dev'") && w[0].contains("no longer stored"),
        "{w:?}"
    );
    let (c, w) = s.current_context_reported(&e).unwrap();
    assert_eq!(c.unwrap().name, "dev");
    assert!(w.is_empty());
    // The caller's view still has it as the default (Save-AzContext, sign-in), the store does not.
    assert_eq!(
        s.caller_profile(&e)
            .unwrap()
            .default_context()
            .map(|(k, _)| k.to_owned()),
        Some("dev".into())
    );
    assert!(s.get_context(&stored(dir), "dev").unwrap().is_none());
    // Unrelated changes keep it current; a select moves away.
    let out = s.apply(&e, set("z", "a@x"), Some(Scope::Process)).unwrap();
    assert_eq!(out.current, Some(Some("z".into())));
}

/// AZCONTEXT_NAME naming no stored context: an error naming it, never another context; a select
/// still works.
#[test]
fn an_unknown_pinned_name_is_an_error_not_a_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = store_with(dir, &["dev"]);
    assert_eq!(
        s.initial_current(&stored(dir), Some("nope")).unwrap(),
        Some("nope".into())
    );
    let e = own(dir, Some("nope"), false);
    let err = s.current_context_reported(&e).unwrap_err();
    assert!(
        err.to_string().contains("'nope'") && err.to_string().contains("AZCONTEXT_NAME"),
        "{err}"
    );
    assert!(s.caller_profile(&e).is_err());
    let out = s.apply(&e, select("dev"), None).unwrap();
    assert_eq!(out.current, Some(Some("dev".into())));
    // No current at all: nothing, no error.
    assert_eq!(current(&mut s, &own(dir, None, false)), None);
}
