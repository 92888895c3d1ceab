//! The C ABI as a C caller uses it: raw pointers, NUL-terminated strings, statuses, the last-error
//! message, and ownership of returned strings. `./build.sh test` also runs this file under valgrind
//! memcheck (with the `test-hooks` feature), which must report zero leaks and zero errors.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use azcontext::*;

struct TempStore(tempfile::TempDir, CString);

fn store() -> TempStore {
    let dir = tempfile::tempdir().unwrap();
    let c = CString::new(dir.path().to_str().unwrap()).unwrap();
    TempStore(dir, c)
}

/// Takes ownership of a returned string.
fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    // SAFETY: a string this library returned, freed once right here.
    let text = unsafe { CStr::from_ptr(s) }.to_str().unwrap().to_owned();
    azctx_string_free(s);
    text
}

fn last_error() -> Option<String> {
    let p = azctx_last_error_message();
    if p.is_null() {
        None
    } else {
        Some(take(p))
    }
}

/// The settings of one call: the store folder, AzContextAutoSave and AZCTX_CALL_* flags.
fn call_with(dir: *const c_char, autosave: *const c_char, flags: u32) -> AzctxCall {
    AzctxCall {
        size: std::mem::size_of::<AzctxCall>() as u32,
        flags,
        azcontext_dir: dir,
        autosave,
        current: ptr::null(),
    }
}

fn new_session() -> *mut Session {
    let mut s: *mut Session = ptr::null_mut();
    assert_eq!(azctx_session_new(ptr::null(), &mut s), AzctxStatus::Ok);
    assert!(!s.is_null());
    s
}

#[test]
fn abi_version_is_the_header_constant() {
    assert_eq!(azctx_abi_version(), AZCTX_ABI_VERSION);
    let header = include_str!("../include/azcontext.h");
    assert!(
        header.contains(&format!("#define AZCTX_ABI_VERSION {AZCTX_ABI_VERSION}")),
        "header out of date"
    );
}

#[test]
fn header_status_values_match_the_enum_and_are_unique() {
    let header = include_str!("../include/azcontext.h");
    let expected = [
        ("AZCTX_STATUS_OK", AzctxStatus::Ok),
        ("AZCTX_STATUS_NULL_ARGUMENT", AzctxStatus::NullArgument),
        ("AZCTX_STATUS_INVALID_UTF8", AzctxStatus::InvalidUtf8),
        (
            "AZCTX_STATUS_INVALID_ARGUMENT",
            AzctxStatus::InvalidArgument,
        ),
        ("AZCTX_STATUS_NOT_FOUND", AzctxStatus::NotFound),
        ("AZCTX_STATUS_ALREADY_EXISTS", AzctxStatus::AlreadyExists),
        ("AZCTX_STATUS_INVALID_NAME", AzctxStatus::InvalidName),
        ("AZCTX_STATUS_INVALID_PROFILE", AzctxStatus::InvalidProfile),
        ("AZCTX_STATUS_READ_ONLY", AzctxStatus::ReadOnly),
        ("AZCTX_STATUS_LOGIN_REQUIRED", AzctxStatus::LoginRequired),
        ("AZCTX_STATUS_NOT_SUPPORTED", AzctxStatus::NotSupported),
        ("AZCTX_STATUS_IO", AzctxStatus::Io),
        (
            "AZCTX_STATUS_PERMISSION_DENIED",
            AzctxStatus::PermissionDenied,
        ),
        ("AZCTX_STATUS_LOCK_TIMEOUT", AzctxStatus::LockTimeout),
        ("AZCTX_STATUS_CORRUPT_FILE", AzctxStatus::CorruptFile),
        ("AZCTX_STATUS_PANIC", AzctxStatus::Panic),
        (
            "AZCTX_STATUS_SESSION_POISONED",
            AzctxStatus::SessionPoisoned,
        ),
        (
            "AZCTX_STATUS_ENVIRONMENT_NOT_FOUND",
            AzctxStatus::EnvironmentNotFound,
        ),
        ("AZCTX_STATUS_FILE_NOT_FOUND", AzctxStatus::FileNotFound),
        (
            "AZCTX_STATUS_FILE_ALREADY_EXISTS",
            AzctxStatus::FileAlreadyExists,
        ),
        ("AZCTX_STATUS_INTERNAL", AzctxStatus::Internal),
        (
            "AZCTX_STATUS_SUBSCRIPTION_NOT_FOUND",
            AzctxStatus::SubscriptionNotFound,
        ),
    ];
    let mut seen = std::collections::HashSet::new();
    for (name, status) in expected {
        let line = format!("{name} = {},", status as u32);
        assert!(header.contains(&line), "header lacks `{line}`");
        assert!(
            seen.insert(status as u32),
            "status value {} used twice",
            status as u32
        );
    }
}

#[test]
fn destructors_accept_null() {
    azctx_string_free(ptr::null_mut());
    azctx_session_free(ptr::null_mut());
}

#[test]
fn null_output_pointer_is_an_error_with_a_message() {
    assert_eq!(
        azctx_session_new(ptr::null(), ptr::null_mut()),
        AzctxStatus::NullArgument
    );
    assert!(last_error().unwrap().contains("output pointer"));
}

#[test]
fn success_clears_the_last_error() {
    assert_eq!(
        azctx_session_new(ptr::null(), ptr::null_mut()),
        AzctxStatus::NullArgument
    );
    let s = new_session();
    assert_eq!(last_error(), None);
    azctx_session_free(s);
}

#[test]
fn last_error_is_per_thread() {
    assert_eq!(
        azctx_session_new(ptr::null(), ptr::null_mut()),
        AzctxStatus::NullArgument
    );
    let other = std::thread::spawn(last_error).join().unwrap();
    assert_eq!(
        other, None,
        "another thread must not see this thread's error"
    );
    assert!(last_error().is_some());
}

#[test]
fn empty_store_has_no_current_context_and_lists_nothing() {
    let st = store();
    let s = new_session();
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        azctx_context_current(s, &call_with(st.1.as_ptr(), ptr::null(), 0), &mut out),
        AzctxStatus::Ok
    );
    assert_eq!(take(out), "null");
    assert_eq!(
        azctx_context_list(s, &call_with(st.1.as_ptr(), ptr::null(), 0), &mut out),
        AzctxStatus::Ok
    );
    assert_eq!(take(out), "[]");
    assert_eq!(
        azctx_context_names(s, &call_with(st.1.as_ptr(), ptr::null(), 0), &mut out),
        AzctxStatus::Ok
    );
    assert_eq!(take(out), "[]");
    let name = CString::new("nope").unwrap();
    assert_eq!(
        azctx_context_get(
            s,
            &call_with(st.1.as_ptr(), ptr::null(), 0),
            name.as_ptr(),
            &mut out
        ),
        AzctxStatus::Ok
    );
    assert_eq!(take(out), "null");
    azctx_session_free(s);
}

#[test]
fn every_pointer_argument_is_checked_for_null() {
    let st = store();
    let s = new_session();
    let sentinel = 0x1 as *mut c_char;
    let mut out = sentinel;
    let name = CString::new("x").unwrap();
    let ctx = CString::new(
        r#"{"Account":{"Id":"a@b.c","Type":"User"},"Tenant":{"Id":"t"},"Subscription":{"Id":"s"}}"#,
    )
    .unwrap();
    let env = CString::new(r#"{"Name":"Lab"}"#).unwrap();
    let login = CString::new(r#"{"AccessToken":"t","AccountId":"a"}"#).unwrap();
    let sign_in = CString::new(r#"{"Account":{"Id":"a","Type":"User"},"TenantId":"t"}"#).unwrap();
    let refresh = CString::new(r#"{"Disconnect":["a"]}"#).unwrap();
    let (dir, n, nul, nulm) = (
        st.1.as_ptr(),
        name.as_ptr(),
        ptr::null::<c_char>(),
        ptr::null_mut::<*mut c_char>(),
    );
    let nos: *const Session = ptr::null();
    // Each case is checked on its own: status, a message, and nothing written.
    type Call<'a> = Box<dyn Fn(*mut *mut c_char) -> AzctxStatus + 'a>;
    let cases: Vec<(&str, Call)> = vec![
        (
            "session_new/out",
            Box::new(|_| azctx_session_new(nul, ptr::null_mut())),
        ),
        (
            "session_from_profile/json",
            Box::new(|_| azctx_session_from_profile(nul, &mut ptr::null_mut())),
        ),
        (
            "session_from_profile/out",
            Box::new(|_| azctx_session_from_profile(ctx.as_ptr(), ptr::null_mut())),
        ),
        (
            "current/session",
            Box::new(|o| azctx_context_current(nos, &call_with(dir, nul, 0), o)),
        ),
        (
            "current/out",
            Box::new(|_| azctx_context_current(s, &call_with(dir, nul, 0), nulm)),
        ),
        (
            "current_report/session",
            Box::new(|o| azctx_context_current_report(nos, &call_with(dir, nul, 0), o)),
        ),
        (
            "current_report/out",
            Box::new(|_| azctx_context_current_report(s, &call_with(dir, nul, 0), nulm)),
        ),
        (
            "current_initial/session",
            Box::new(|o| azctx_current_initial(nos, &call_with(dir, nul, 0), nul, o)),
        ),
        (
            "current_initial/out",
            Box::new(|_| azctx_current_initial(s, &call_with(dir, nul, 0), nul, nulm)),
        ),
        (
            "get/session",
            Box::new(|o| azctx_context_get(nos, &call_with(dir, nul, 0), n, o)),
        ),
        (
            "get/name",
            Box::new(|o| azctx_context_get(s, &call_with(dir, nul, 0), nul, o)),
        ),
        (
            "get/out",
            Box::new(|_| azctx_context_get(s, &call_with(dir, nul, 0), n, nulm)),
        ),
        (
            "list/session",
            Box::new(|o| azctx_context_list(nos, &call_with(dir, nul, 0), o)),
        ),
        (
            "list/out",
            Box::new(|_| azctx_context_list(s, &call_with(dir, nul, 0), nulm)),
        ),
        (
            "list_if_changed/session",
            Box::new(|o| azctx_context_list_if_changed(nos, &call_with(dir, nul, 0), 0, &mut 0, o)),
        ),
        (
            "list_if_changed/version",
            Box::new(|o| {
                azctx_context_list_if_changed(s, &call_with(dir, nul, 0), 0, ptr::null_mut(), o)
            }),
        ),
        (
            "list_if_changed/out",
            Box::new(|_| {
                azctx_context_list_if_changed(s, &call_with(dir, nul, 0), 0, &mut 0, nulm)
            }),
        ),
        (
            "names/session",
            Box::new(|o| azctx_context_names(nos, &call_with(dir, nul, 0), o)),
        ),
        (
            "names/out",
            Box::new(|_| azctx_context_names(s, &call_with(dir, nul, 0), nulm)),
        ),
        (
            "set/session",
            Box::new(|o| {
                azctx_context_set(
                    nos,
                    &call_with(dir, nul, 0),
                    ctx.as_ptr(),
                    nul,
                    nul,
                    0,
                    0,
                    o,
                )
            }),
        ),
        (
            "set/context",
            Box::new(|o| azctx_context_set(s, &call_with(dir, nul, 0), nul, nul, nul, 0, 0, o)),
        ),
        (
            "set/out",
            Box::new(|_| {
                azctx_context_set(
                    s,
                    &call_with(dir, nul, 0),
                    ctx.as_ptr(),
                    nul,
                    nul,
                    0,
                    0,
                    nulm,
                )
            }),
        ),
        (
            "set_subscription/session",
            Box::new(|o| {
                azctx_context_set_subscription(
                    nos,
                    &call_with(dir, nul, 0),
                    n,
                    nul,
                    nul,
                    nul,
                    0,
                    0,
                    o,
                )
            }),
        ),
        (
            "set_subscription/both",
            Box::new(|o| {
                azctx_context_set_subscription(
                    s,
                    &call_with(dir, nul, 0),
                    nul,
                    nul,
                    nul,
                    nul,
                    0,
                    0,
                    o,
                )
            }),
        ),
        (
            "set_subscription/out",
            Box::new(|_| {
                azctx_context_set_subscription(
                    s,
                    &call_with(dir, nul, 0),
                    n,
                    nul,
                    nul,
                    nul,
                    0,
                    0,
                    nulm,
                )
            }),
        ),
        (
            "select/session",
            Box::new(|o| azctx_context_select(nos, &call_with(dir, nul, 0), n, 0, o)),
        ),
        (
            "select/name",
            Box::new(|o| azctx_context_select(s, &call_with(dir, nul, 0), nul, 0, o)),
        ),
        (
            "select/out",
            Box::new(|_| azctx_context_select(s, &call_with(dir, nul, 0), n, 0, nulm)),
        ),
        (
            "rename/session",
            Box::new(|o| azctx_context_rename(nos, &call_with(dir, nul, 0), n, n, 0, 0, o)),
        ),
        (
            "rename/source",
            Box::new(|o| azctx_context_rename(s, &call_with(dir, nul, 0), nul, n, 0, 0, o)),
        ),
        (
            "rename/target",
            Box::new(|o| azctx_context_rename(s, &call_with(dir, nul, 0), n, nul, 0, 0, o)),
        ),
        (
            "rename/out",
            Box::new(|_| azctx_context_rename(s, &call_with(dir, nul, 0), n, n, 0, 0, nulm)),
        ),
        (
            "remove/session",
            Box::new(|o| azctx_context_remove(nos, &call_with(dir, nul, 0), n, 0, 0, o)),
        ),
        (
            "remove/name",
            Box::new(|o| azctx_context_remove(s, &call_with(dir, nul, 0), nul, 0, 0, o)),
        ),
        (
            "remove/out",
            Box::new(|_| azctx_context_remove(s, &call_with(dir, nul, 0), n, 0, 0, nulm)),
        ),
        (
            "clear/session",
            Box::new(|o| azctx_context_clear(nos, &call_with(dir, nul, 0), 0, o)),
        ),
        (
            "clear/out",
            Box::new(|_| azctx_context_clear(s, &call_with(dir, nul, 0), 0, nulm)),
        ),
        (
            "profile_get/session",
            Box::new(|o| azctx_profile_get(nos, &call_with(dir, nul, 0), o)),
        ),
        (
            "profile_get/out",
            Box::new(|_| azctx_profile_get(s, &call_with(dir, nul, 0), nulm)),
        ),
        (
            "import/session",
            Box::new(|o| azctx_profile_import(nos, &call_with(dir, nul, 0), n, nul, 0, o)),
        ),
        (
            "import/both",
            Box::new(|o| azctx_profile_import(s, &call_with(dir, nul, 0), nul, nul, 0, o)),
        ),
        (
            "import/out",
            Box::new(|_| azctx_profile_import(s, &call_with(dir, nul, 0), n, nul, 0, nulm)),
        ),
        (
            "save/session",
            Box::new(|_| azctx_profile_save(nos, &call_with(dir, nul, 0), nul, n, 0, 0)),
        ),
        (
            "save/path",
            Box::new(|_| azctx_profile_save(s, &call_with(dir, nul, 0), nul, nul, 0, 0)),
        ),
        (
            "autosave_get/session",
            Box::new(|o| azctx_autosave_get(nos, &call_with(dir, nul, 0), 0, o)),
        ),
        (
            "autosave_get/out",
            Box::new(|_| azctx_autosave_get(s, &call_with(dir, nul, 0), 0, nulm)),
        ),
        (
            "autosave_enable/session",
            Box::new(|o| azctx_autosave_enable(nos, &call_with(dir, nul, 0), 0, o)),
        ),
        (
            "autosave_enable/out",
            Box::new(|_| azctx_autosave_enable(s, &call_with(dir, nul, 0), 0, nulm)),
        ),
        (
            "autosave_disable/session",
            Box::new(|o| azctx_autosave_disable(nos, &call_with(dir, nul, 0), 0, o)),
        ),
        (
            "autosave_disable/out",
            Box::new(|_| azctx_autosave_disable(s, &call_with(dir, nul, 0), 0, nulm)),
        ),
        (
            "environment_list/session",
            Box::new(|o| azctx_environment_list(nos, &call_with(dir, nul, 0), o)),
        ),
        (
            "environment_list/out",
            Box::new(|_| azctx_environment_list(s, &call_with(dir, nul, 0), nulm)),
        ),
        (
            "environment_set/session",
            Box::new(|o| azctx_environment_set(nos, &call_with(dir, nul, 0), env.as_ptr(), 0, o)),
        ),
        (
            "environment_set/json",
            Box::new(|o| azctx_environment_set(s, &call_with(dir, nul, 0), nul, 0, o)),
        ),
        (
            "environment_set/out",
            Box::new(|_| azctx_environment_set(s, &call_with(dir, nul, 0), env.as_ptr(), 0, nulm)),
        ),
        (
            "environment_remove/session",
            Box::new(|o| azctx_environment_remove(nos, &call_with(dir, nul, 0), n, 0, o)),
        ),
        (
            "environment_remove/name",
            Box::new(|o| azctx_environment_remove(s, &call_with(dir, nul, 0), nul, 0, o)),
        ),
        (
            "environment_remove/out",
            Box::new(|_| azctx_environment_remove(s, &call_with(dir, nul, 0), n, 0, nulm)),
        ),
        (
            "connect/session",
            Box::new(|o| {
                azctx_account_connect_token(nos, &call_with(dir, nul, 0), login.as_ptr(), 0, 0, o)
            }),
        ),
        (
            "connect/request",
            Box::new(|o| azctx_account_connect_token(s, &call_with(dir, nul, 0), nul, 0, 0, o)),
        ),
        (
            "connect/out",
            Box::new(|_| {
                azctx_account_connect_token(s, &call_with(dir, nul, 0), login.as_ptr(), 0, 0, nulm)
            }),
        ),
        (
            "sign_in/session",
            Box::new(|o| {
                azctx_account_sign_in(nos, &call_with(dir, nul, 0), sign_in.as_ptr(), 0, 0, o)
            }),
        ),
        (
            "sign_in/request",
            Box::new(|o| azctx_account_sign_in(s, &call_with(dir, nul, 0), nul, 0, 0, o)),
        ),
        (
            "sign_in/out",
            Box::new(|_| {
                azctx_account_sign_in(s, &call_with(dir, nul, 0), sign_in.as_ptr(), 0, 0, nulm)
            }),
        ),
        (
            "arm_records/request",
            Box::new(|o| azctx_arm_records(nul, o)),
        ),
        (
            "arm_records/out",
            Box::new(|_| azctx_arm_records(sign_in.as_ptr(), nulm)),
        ),
        (
            "refresh/session",
            Box::new(|o| {
                azctx_contexts_refresh(nos, &call_with(dir, nul, 0), refresh.as_ptr(), 0, o)
            }),
        ),
        (
            "refresh/request",
            Box::new(|o| azctx_contexts_refresh(s, &call_with(dir, nul, 0), nul, 0, o)),
        ),
        (
            "refresh/out",
            Box::new(|_| {
                azctx_contexts_refresh(s, &call_with(dir, nul, 0), refresh.as_ptr(), 0, nulm)
            }),
        ),
        (
            "disconnect/session",
            Box::new(|o| {
                azctx_account_disconnect(nos, &call_with(dir, nul, 0), login.as_ptr(), 0, o)
            }),
        ),
        (
            "disconnect/request",
            Box::new(|o| azctx_account_disconnect(s, &call_with(dir, nul, 0), nul, 0, o)),
        ),
        (
            "disconnect/out",
            Box::new(|_| {
                azctx_account_disconnect(s, &call_with(dir, nul, 0), login.as_ptr(), 0, nulm)
            }),
        ),
    ];
    for (what, call) in &cases {
        let status = call(&mut out);
        assert_eq!(status, AzctxStatus::NullArgument, "{what}");
        assert!(last_error().is_some(), "{what}: no message");
        assert_eq!(
            out, sentinel,
            "{what}: an out-parameter was written on failure"
        );
    }
    // Nothing was created in the store by any of the refused calls.
    assert!(!st.0.path().join("AzureRmContext.json").exists());
    azctx_session_free(s);
}

#[test]
fn invalid_utf8_is_rejected_before_any_work() {
    let st = store();
    let s = new_session();
    let bad = [b'a', 0xff, b'b', 0];
    let mut out: *mut c_char = ptr::null_mut();
    let status = azctx_context_get(
        s,
        &call_with(st.1.as_ptr(), ptr::null(), 0),
        bad.as_ptr().cast(),
        &mut out,
    );
    assert_eq!(status, AzctxStatus::InvalidUtf8);
    assert!(out.is_null());
    assert!(last_error().unwrap().contains("UTF-8"));
    let status =
        azctx_context_current(s, &call_with(bad.as_ptr().cast(), ptr::null(), 0), &mut out);
    assert_eq!(status, AzctxStatus::InvalidUtf8);
    assert!(out.is_null());
    assert!(
        !st.0.path().join("AzureRmContextSettings.json").exists(),
        "a refused call must not touch the store"
    );
    azctx_session_free(s);
}

#[test]
fn unknown_scope_is_an_invalid_argument() {
    let st = store();
    let s = new_session();
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        azctx_autosave_get(s, &call_with(st.1.as_ptr(), ptr::null(), 0), 3, &mut out),
        AzctxStatus::InvalidArgument
    );
    assert!(last_error().unwrap().contains("unknown scope 3"));
    assert!(out.is_null());
    azctx_session_free(s);
}

#[test]
fn autosave_settings_of_a_new_store() {
    let st = store();
    let s = new_session();
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        azctx_autosave_get(
            s,
            &call_with(st.1.as_ptr(), ptr::null(), 0),
            AzctxScope::CurrentUser as u32,
            &mut out
        ),
        AzctxStatus::Ok
    );
    let json = take(out);
    assert!(json.contains("\"Mode\":\"CurrentUser\""), "{json}");
    // The Process view, with autosave forced off by the caller's AzContextAutoSave value.
    let off = CString::new("false").unwrap();
    assert_eq!(
        azctx_autosave_get(
            s,
            &call_with(st.1.as_ptr(), off.as_ptr(), 0),
            AzctxScope::Process as u32,
            &mut out
        ),
        AzctxStatus::Ok
    );
    let json = take(out);
    assert!(json.contains("\"Mode\":\"Process\""), "{json}");
    assert!(json.contains("\"ContextDirectory\":\"None\""), "{json}");
    azctx_session_free(s);
}

#[cfg(feature = "test-hooks")]
#[test]
fn a_panic_becomes_a_status_and_the_process_lives_on() {
    assert_eq!(azctx_test_panic(ptr::null()), AzctxStatus::Panic);
    let msg = last_error().unwrap();
    assert!(msg.contains("deliberate test panic"), "{msg}");
    assert!(
        msg.contains("exports.rs"),
        "the location is reported: {msg}"
    );
    // Still usable afterwards.
    let s = new_session();
    azctx_session_free(s);
}

#[cfg(feature = "test-hooks")]
#[test]
fn a_panic_holding_the_session_poisons_only_that_session() {
    let st = store();
    let s = new_session();
    let healthy = new_session();
    assert_eq!(azctx_test_panic(s), AzctxStatus::Panic);
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        azctx_context_current(s, &call_with(st.1.as_ptr(), ptr::null(), 0), &mut out),
        AzctxStatus::SessionPoisoned
    );
    assert!(last_error().unwrap().contains("create a new one"));
    assert!(out.is_null());
    assert_eq!(
        azctx_context_current(healthy, &call_with(st.1.as_ptr(), ptr::null(), 0), &mut out),
        AzctxStatus::Ok
    );
    assert_eq!(take(out), "null");
    azctx_session_free(s);
    azctx_session_free(healthy);
}

/// Raw pointers are not Send; the tests own these for the threads' whole lifetime.
#[derive(Clone, Copy)]
struct SendPtr(*mut Session);
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

#[test]
fn concurrent_calls_on_one_session_and_on_several() {
    let st = store();
    let dir = st.1.clone();
    let shared = SendPtr(new_session());
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let shared = shared;
                let own = new_session();
                for _ in 0..50 {
                    let s = if i % 2 == 0 { shared.0 } else { own };
                    let mut out: *mut c_char = ptr::null_mut();
                    assert_eq!(
                        azctx_context_current(
                            s,
                            &call_with(dir.as_ptr(), ptr::null(), 0),
                            &mut out
                        ),
                        AzctxStatus::Ok
                    );
                    assert_eq!(take(out), "null");
                    assert_eq!(
                        azctx_context_list(s, &call_with(dir.as_ptr(), ptr::null(), 0), &mut out),
                        AzctxStatus::Ok
                    );
                    take(out);
                    // Each thread's error state is its own.
                    assert_eq!(
                        azctx_context_list(
                            s,
                            &call_with(dir.as_ptr(), ptr::null(), 0),
                            ptr::null_mut()
                        ),
                        AzctxStatus::NullArgument
                    );
                    assert!(last_error().is_some());
                }
                azctx_session_free(own);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    azctx_session_free(shared.0);
}

#[test]
fn list_if_changed_hands_out_the_list_only_when_the_view_changed() {
    let st = store();
    let s = new_session();
    let mut version = 0u64;
    let mut out: *mut c_char = ptr::null_mut();
    let status = azctx_context_list_if_changed(
        s,
        &call_with(st.1.as_ptr(), ptr::null(), 0),
        0,
        &mut version,
        &mut out,
    );
    assert_eq!(status, AzctxStatus::Ok);
    assert_ne!(version, 0);
    assert_eq!(take(out), "[]");
    let first = version;
    // Unchanged: no list, same version.
    out = 0x1 as *mut c_char;
    let status = azctx_context_list_if_changed(
        s,
        &call_with(st.1.as_ptr(), ptr::null(), 0),
        first,
        &mut version,
        &mut out,
    );
    assert_eq!(status, AzctxStatus::Ok);
    assert!(out.is_null());
    assert_eq!(version, first);
    // Another session (process) adds a context: a new version and the new list.
    let other = new_session();
    let ctx = CString::new(r#"{"Account":{"Id":"a@b.c","Type":"User"},"Tenant":{"Id":"t"},"Subscription":{"Id":"s","Name":"S"}}"#).unwrap();
    let mut set_out: *mut c_char = ptr::null_mut();
    let status = azctx_context_set(
        other,
        &call_with(st.1.as_ptr(), ptr::null(), 0),
        ctx.as_ptr(),
        ptr::null(),
        ptr::null(),
        0,
        0,
        &mut set_out,
    );
    assert_eq!(status, AzctxStatus::Ok, "{:?}", last_error());
    take(set_out);
    let status = azctx_context_list_if_changed(
        s,
        &call_with(st.1.as_ptr(), ptr::null(), 0),
        first,
        &mut version,
        &mut out,
    );
    assert_eq!(status, AzctxStatus::Ok);
    assert_ne!(version, first);
    assert!(take(out).contains("\"Name\":\"S (s) - t - a@b.c\""));
    // NULL outputs are refused and nothing is written.
    let status = azctx_context_list_if_changed(
        s,
        &call_with(st.1.as_ptr(), ptr::null(), 0),
        0,
        ptr::null_mut(),
        &mut out,
    );
    assert_eq!(status, AzctxStatus::NullArgument);
    azctx_session_free(s);
    azctx_session_free(other);
}

#[test]
fn profile_autosave_at_session_start_overrides_the_settings_mode() {
    let st = store();
    let off = CString::new("false").unwrap();
    let mut s: *mut Session = ptr::null_mut();
    assert_eq!(azctx_session_new(off.as_ptr(), &mut s), AzctxStatus::Ok);
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        azctx_autosave_get(s, &call_with(st.1.as_ptr(), ptr::null(), 0), 0, &mut out),
        AzctxStatus::Ok
    );
    let json = take(out);
    assert!(json.contains("\"Mode\":\"Process\""), "{json}");
    azctx_session_free(s);
}

#[test]
fn what_if_is_a_setting_of_the_call_not_of_the_session() {
    let st = store();
    let s = new_session();
    let file = st.0.path().join("AzureRmContext.json");
    std::fs::write(&file, b"{ not json").unwrap();
    let mut out: *mut c_char = ptr::null_mut();
    let what_if = call_with(st.1.as_ptr(), ptr::null(), AZCTX_CALL_WHAT_IF);
    assert_eq!(
        azctx_context_list(s, &what_if, &mut out),
        AzctxStatus::InvalidProfile
    );
    assert!(last_error().unwrap().contains("left as it is"));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"{ not json",
        "the file must stay where it was"
    );
    // The next call of the same session, without the flag, is not a -WhatIf call: the read moves the
    // file aside and reports both paths. Nothing of the earlier call stayed on the session.
    assert_eq!(
        azctx_context_list(s, &call_with(st.1.as_ptr(), ptr::null(), 0), &mut out),
        AzctxStatus::CorruptFile
    );
    assert!(last_error().unwrap().contains("corrupt-"));
    assert!(!file.exists() || std::fs::read(&file).unwrap() != b"{ not json");
    azctx_session_free(s);
}

#[test]
fn a_call_struct_with_unknown_flags_or_too_small_a_size_is_refused() {
    let st = store();
    let s = new_session();
    let mut out: *mut c_char = ptr::null_mut();
    let bad_flags = call_with(st.1.as_ptr(), ptr::null(), 0x80);
    assert_eq!(
        azctx_context_current(s, &bad_flags, &mut out),
        AzctxStatus::InvalidArgument
    );
    assert!(last_error().unwrap().contains("unknown flags 0x80"));
    let mut small = call_with(st.1.as_ptr(), ptr::null(), 0);
    small.size = 4;
    assert_eq!(
        azctx_context_current(s, &small, &mut out),
        AzctxStatus::InvalidArgument
    );
    assert!(last_error().unwrap().contains("azctx_call.size is 4"));
    assert!(out.is_null());
    azctx_session_free(s);
}

#[test]
fn secret_property_names_are_the_cores_list() {
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(azctx_secret_property_names(&mut out), AzctxStatus::Ok);
    let json = take(out);
    for name in [
        "AccessToken",
        "ServicePrincipalSecret",
        "CertificatePassword",
        "MSILoginSecret",
        "ClientAssertion",
    ] {
        assert!(
            json.contains(&format!("\"{name}\"")),
            "{name} missing: {json}"
        );
    }
}

#[test]
fn scope_resolve_applies_the_cores_rule() {
    let st = store();
    let s = new_session();
    let mut scope = 99u32;
    let plain = call_with(st.1.as_ptr(), ptr::null(), 0);
    assert_eq!(
        azctx_scope_resolve(s, &plain, AzctxScope::Default as u32, &mut scope),
        AzctxStatus::Ok
    );
    assert_eq!(
        scope,
        AzctxScope::CurrentUser as u32,
        "a new store autosaves"
    );
    let off = CString::new("false").unwrap();
    let forced = call_with(st.1.as_ptr(), off.as_ptr(), 0);
    assert_eq!(
        azctx_scope_resolve(s, &forced, AzctxScope::Default as u32, &mut scope),
        AzctxStatus::Ok
    );
    assert_eq!(scope, AzctxScope::Process as u32, "AzContextAutoSave=false");
    assert_eq!(
        azctx_scope_resolve(s, &forced, AzctxScope::CurrentUser as u32, &mut scope),
        AzctxStatus::Ok
    );
    assert_eq!(
        scope,
        AzctxScope::CurrentUser as u32,
        "an explicit -Scope wins"
    );
    let ctx = CString::new(
        r#"{"Account":{"Id":"a@b.c","Type":"User"},"Tenant":{"Id":"t"},"Subscription":{"Id":"s"}}"#,
    )
    .unwrap();
    let mut detached: *mut Session = ptr::null_mut();
    assert_eq!(
        azctx_session_from_profile(ctx.as_ptr(), &mut detached),
        AzctxStatus::Ok
    );
    assert_eq!(
        azctx_scope_resolve(detached, &plain, AzctxScope::CurrentUser as u32, &mut scope),
        AzctxStatus::Ok
    );
    assert_eq!(
        scope,
        AzctxScope::Process as u32,
        "a detached session never writes"
    );
    azctx_session_free(detached);
    azctx_session_free(s);
}

#[test]
fn store_paths_name_the_files_without_creating_them() {
    let st = store();
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        azctx_store_paths(&call_with(st.1.as_ptr(), ptr::null(), 0), &mut out),
        AzctxStatus::Ok
    );
    let json = take(out);
    let expected = st.0.path().join("AzureRmContext.json");
    assert!(
        json.contains(&format!("\"ContextFile\":\"{}\"", expected.display())),
        "{json}"
    );
    assert!(!st.0.path().join("AzureRmContextSettings.json").exists());
}

#[test]
fn a_change_reports_its_scope_and_the_cores_warnings() {
    let st = store();
    let s = new_session();
    let c = call_with(st.1.as_ptr(), ptr::null(), 0);
    let ctx = CString::new(
        r#"{"Account":{"Id":"me@x.com","Type":"User"},"Tenant":{"Id":"t"},"Subscription":{"Id":"s"}}"#,
    )
    .unwrap();
    let name = CString::new("only").unwrap();
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        azctx_context_set(
            s,
            &c,
            ctx.as_ptr(),
            name.as_ptr(),
            ptr::null(),
            0,
            0,
            &mut out
        ),
        AzctxStatus::Ok
    );
    let json = take(out);
    assert!(
        json.starts_with("{\"Scope\":\"CurrentUser\",\"Written\":true,"),
        "{json}"
    );
    assert_eq!(
        azctx_context_remove(s, &c, name.as_ptr(), 1, 0, &mut out),
        AzctxStatus::Ok
    );
    let json = take(out);
    assert!(
        json.contains("\"Warnings\":[\"No contexts remain for user 'me@x.com'"),
        "{json}"
    );
    assert!(json.contains("\"Value\":{"), "{json}");
    azctx_session_free(s);
}

#[test]
fn what_was_not_found_keeps_its_own_status() {
    let st = store();
    let s = new_session();
    let c = call_with(st.1.as_ptr(), ptr::null(), 0);
    let mut out: *mut c_char = ptr::null_mut();
    let missing = CString::new(st.0.path().join("nope.json").to_str().unwrap()).unwrap();
    assert_eq!(
        azctx_profile_import(s, &c, missing.as_ptr(), ptr::null(), 0, &mut out),
        AzctxStatus::FileNotFound
    );
    assert!(last_error().unwrap().starts_with("Cannot find file"));
    let env = CString::new("NoSuchCloud").unwrap();
    assert_eq!(
        azctx_environment_remove(s, &c, env.as_ptr(), 0, &mut out),
        AzctxStatus::EnvironmentNotFound
    );
    let ctx = CString::new("nope").unwrap();
    assert_eq!(
        azctx_context_select(s, &c, ctx.as_ptr(), 0, &mut out),
        AzctxStatus::NotFound
    );
    azctx_session_free(s);
}

/// A caller that keeps its own current context: it starts from the stored default, "current" is
/// its context whatever the store's default becomes, and every change reports what it became. A
/// struct of the first version's size carries no `current` and uses the stored default.
#[test]
fn a_caller_keeps_its_own_current_context() {
    let st = store();
    let s = new_session();
    let dir = st.1.as_ptr();
    let mut out: *mut c_char = ptr::null_mut();
    for n in ["dev", "prod"] {
        let login = CString::new(format!(
            r#"{{"AccessToken":"t","AccountId":"a@b.c","Subscription":"{n}","Tenant":"t","SkipValidation":true,"ContextName":"{n}"}}"#
        ))
        .unwrap();
        let stored = call_with(dir, ptr::null(), 0);
        assert_eq!(
            azctx_account_connect_token(s, &stored, login.as_ptr(), 1, 0, &mut out),
            AzctxStatus::Ok,
            "{:?}",
            last_error()
        );
        take(out);
    }
    // "prod" is the stored default; this caller starts there.
    assert_eq!(
        azctx_current_initial(s, &call_with(dir, ptr::null(), 0), ptr::null(), &mut out),
        AzctxStatus::Ok
    );
    assert_eq!(take(out), r#"{"Current":"prod"}"#);
    let dev = CString::new("dev").unwrap();
    let mut own = call_with(dir, ptr::null(), AZCTX_CALL_CURRENT);
    own.current = dev.as_ptr();
    assert_eq!(azctx_context_current(s, &own, &mut out), AzctxStatus::Ok);
    assert!(take(out).contains(r#""Name":"dev""#));
    assert_eq!(
        azctx_context_current_report(s, &own, &mut out),
        AzctxStatus::Ok
    );
    let report = take(out);
    assert!(
        report.starts_with(
            r#"{"Scope":null,"Written":false,"Quarantined":null,"Warnings":[],"Value":{"#
        ),
        "{report}"
    );
    assert!(report.contains(r#""Name":"dev""#), "{report}");
    // Its select reports "Current"; with KEEP_STORED_DEFAULT the stored default stays "prod".
    own.flags |= AZCTX_CALL_KEEP_STORED_DEFAULT;
    let prod = CString::new("prod").unwrap();
    assert_eq!(
        azctx_context_select(s, &own, dev.as_ptr(), 0, &mut out),
        AzctxStatus::Ok
    );
    assert!(take(out).contains(r#""Current":"dev","Value":{"#));
    let stored = call_with(dir, ptr::null(), 0);
    assert_eq!(azctx_context_current(s, &stored, &mut out), AzctxStatus::Ok);
    assert!(take(out).contains(r#""Name":"prod""#));
    // The first version of the struct ends before `current`: the stored default, and no "Current".
    let mut old = call_with(dir, ptr::null(), 0);
    old.size = (std::mem::size_of::<AzctxCall>() - std::mem::size_of::<*const c_char>()) as u32;
    old.current = dev.as_ptr();
    assert_eq!(
        azctx_context_select(s, &old, prod.as_ptr(), 0, &mut out),
        AzctxStatus::Ok
    );
    assert!(!take(out).contains("\"Current\""));
    // That size with AZCTX_CALL_CURRENT, or a size that ends inside `current`, is refused, changing nothing.
    old.flags = AZCTX_CALL_CURRENT;
    assert_eq!(
        azctx_context_select(s, &old, dev.as_ptr(), 0, &mut out),
        AzctxStatus::InvalidArgument
    );
    let mut torn = call_with(dir, ptr::null(), AZCTX_CALL_CURRENT);
    torn.size = (std::mem::size_of::<AzctxCall>() - 2) as u32;
    torn.current = dev.as_ptr();
    assert_eq!(
        azctx_context_select(s, &torn, dev.as_ptr(), 0, &mut out),
        AzctxStatus::InvalidArgument
    );
    assert_eq!(azctx_context_current(s, &stored, &mut out), AzctxStatus::Ok);
    assert!(take(out).contains(r#""Name":"prod""#));
    azctx_session_free(s);
}

const T1: &str = "11111111-1111-4111-8111-111111111111";
const T2: &str = "22222222-2222-4222-8222-222222222222";

/// A sign-in request: the account, and `n` subscriptions in each of two tenants.
fn sign_in_request(n: usize, extra: &str) -> CString {
    let subs = |t: &str, k: usize| {
        (1..=n)
            .map(|i| {
                format!(
                    r#"{{"subscriptionId":"{k:08x}-0000-4000-8000-{i:012x}","displayName":"S{k}-{i}","state":"Enabled","tenantId":"{t}"}}"#
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    CString::new(format!(
        r#"{{"Account":{{"Id":"me@x.com","Type":"User","ExtendedProperties":{{"HomeAccountId":"o.t"}}}},"TenantId":"{T1}",
            "Tenants":[{{"Tenant":{{"tenantId":"{T1}"}},"Subscriptions":[{}]}},
                       {{"Tenant":{{"tenantId":"{T2}"}},"Subscriptions":[{}]}}]{extra}}}"#,
        subs(T1, 1),
        subs(T2, 2)
    ))
    .unwrap()
}

#[test]
fn a_sign_in_stores_every_subscription_in_one_write_seen_by_another_session() {
    let st = store();
    let s = new_session();
    let c = call_with(st.1.as_ptr(), ptr::null(), 0);
    let mut out: *mut c_char = ptr::null_mut();
    let req = sign_in_request(3, "");
    assert_eq!(
        azctx_account_sign_in(s, &c, req.as_ptr(), 0, 0, &mut out),
        AzctxStatus::Ok
    );
    let json = take(out);
    assert!(
        json.starts_with("{\"Scope\":\"CurrentUser\",\"Written\":true,"),
        "{json}"
    );
    assert!(
        json.contains(&format!(
            "TenantId '{T1}' contains more than one active subscription"
        )),
        "{json}"
    );
    let other = new_session();
    assert_eq!(azctx_context_names(other, &c, &mut out), AzctxStatus::Ok);
    let names = take(out);
    assert_eq!(names.matches(" - me@x.com").count(), 6, "{names}");
    assert!(names.contains(&format!(
        "S2-3 (00000002-0000-4000-8000-000000000003) - {T2} - me@x.com"
    )));
    assert_eq!(azctx_context_current(other, &c, &mut out), AzctxStatus::Ok);
    let current = take(out);
    assert!(
        current.contains(&format!(
            "\"Name\":\"S1-1 (00000001-0000-4000-8000-000000000001) - {T1} - me@x.com\""
        )),
        "{current}"
    );
    azctx_session_free(other);
    azctx_session_free(s);
}

#[test]
fn a_sign_in_that_fails_changes_nothing_and_says_why() {
    let st = store();
    let s = new_session();
    let c = call_with(st.1.as_ptr(), ptr::null(), 0);
    let mut out: *mut c_char = ptr::null_mut();
    let first = sign_in_request(1, r#","SkipContextPopulation":true"#);
    assert_eq!(
        azctx_account_sign_in(s, &c, first.as_ptr(), 0, 0, &mut out),
        AzctxStatus::Ok
    );
    take(out);
    let file = st.0.path().join("AzureRmContext.json");
    let before = std::fs::read(&file).unwrap();
    let missing = sign_in_request(2, r#","Subscription":"No such""#);
    assert_eq!(
        azctx_account_sign_in(s, &c, missing.as_ptr(), 0, 0, &mut out),
        AzctxStatus::SubscriptionNotFound
    );
    assert_eq!(
        last_error().unwrap(),
        "The provided account me@x.com does not have access to subscription name \"No such\". Please try logging in with different credentials or a different subscription name."
    );
    let bad_type = CString::new(format!(
        r#"{{"Account":{{"Id":"me@x.com","Type":"Token"}},"TenantId":"{T1}"}}"#
    ))
    .unwrap();
    assert_eq!(
        azctx_account_sign_in(s, &c, bad_type.as_ptr(), 0, 0, &mut out),
        AzctxStatus::InvalidArgument
    );
    assert!(last_error()
        .unwrap()
        .contains("'Token' is not an account type"));
    let not_json = CString::new("{\"Account\":").unwrap();
    assert_ne!(
        azctx_account_sign_in(s, &c, not_json.as_ptr(), 0, 0, &mut out),
        AzctxStatus::Ok
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    azctx_session_free(s);
}

/// Get-AzContext -RefreshContextFromTokenCache: users who left the token cache go and cached users
/// come in one write, which another session sees whole; a refresh with one bad part changes nothing.
#[test]
fn a_refresh_is_one_change_or_none() {
    let st = store();
    let s = new_session();
    let c = call_with(st.1.as_ptr(), ptr::null(), 0);
    let mut out: *mut c_char = ptr::null_mut();
    // "gone@x.com" has two contexts, "me@x.com" none.
    let gone = CString::new(
        sign_in_request(1, "")
            .to_str()
            .unwrap()
            .replace("me@x.com", "gone@x.com"),
    )
    .unwrap();
    assert_eq!(
        azctx_account_sign_in(s, &c, gone.as_ptr(), 0, 0, &mut out),
        AzctxStatus::Ok
    );
    take(out);
    let file = st.0.path().join("AzureRmContext.json");
    let before = std::fs::read(&file).unwrap();
    let with_keep = |req: CString| {
        let t = req.into_string().unwrap();
        format!("{},\"KeepDefault\":true}}", &t[..t.len() - 1])
    };
    // A part that cannot be stored (a sign-in with no tenant): nothing changes, not even the disconnect.
    let bad = CString::new(format!(
        r#"{{"Disconnect":["GONE@x.com"],"SignIns":[{},{{"Account":{{"Id":"b@x.com","Type":"User"}},"TenantId":" "}}]}}"#,
        with_keep(sign_in_request(1, ""))
    ))
    .unwrap();
    assert_eq!(
        azctx_contexts_refresh(s, &c, bad.as_ptr(), 0, &mut out),
        AzctxStatus::InvalidArgument
    );
    assert!(last_error().unwrap().contains("no tenant"));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    for (request, word) in [
        (r#"{"Disconnect":[" "]}"#, "blank account id"),
        (
            r#"{"Remove":["a@x.com"]}"#,
            "refresh request>: line 1, column",
        ),
    ] {
        let r = CString::new(request).unwrap();
        assert_ne!(
            azctx_contexts_refresh(s, &c, r.as_ptr(), 0, &mut out),
            AzctxStatus::Ok
        );
        let e = last_error().unwrap();
        assert!(e.contains(word), "{request}: {e}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), before);

    let ok = CString::new(format!(
        r#"{{"Disconnect":["GONE@x.com"],"SignIns":[{}]}}"#,
        with_keep(sign_in_request(2, ""))
    ))
    .unwrap();
    assert_eq!(
        azctx_contexts_refresh(s, &c, ok.as_ptr(), 0, &mut out),
        AzctxStatus::Ok
    );
    let json = take(out);
    assert!(
        json.starts_with("{\"Scope\":\"CurrentUser\",\"Written\":true,"),
        "{json}"
    );
    let other = new_session();
    assert_eq!(azctx_context_names(other, &c, &mut out), AzctxStatus::Ok);
    let names = take(out);
    assert_eq!(names.matches(" - gone@x.com").count(), 0, "{names}");
    assert_eq!(names.matches(" - me@x.com").count(), 4, "{names}");
    azctx_session_free(other);
    azctx_session_free(s);
}

#[test]
fn arm_records_are_az_s_stored_form_and_touch_no_file() {
    let st = store();
    let mut out: *mut c_char = ptr::null_mut();
    let listing = CString::new(format!(
        r#"{{"Account":"me@x.com","Environment":"AzureCloud","Tenants":[{{"Tenant":{{"tenantId":"{T1}","displayName":"One"}},"Subscriptions":[{{"subscriptionId":"00000001-0000-4000-8000-000000000001","displayName":"S1-1","state":"Enabled","tenantId":"{T2}"}}]}}]}}"#
    ))
    .unwrap();
    assert_eq!(
        azctx_arm_records(listing.as_ptr(), &mut out),
        AzctxStatus::Ok
    );
    assert_eq!(
        take(out),
        format!(
            r#"[{{"Tenant":{{"Id":"{T1}","Directory":null,"IsHome":true,"ExtendedProperties":{{"DisplayName":"One"}}}},"Subscriptions":[{{"Id":"00000001-0000-4000-8000-000000000001","Name":"S1-1","State":"Enabled","ExtendedProperties":{{"HomeTenant":"{T2}","Environment":"AzureCloud","Tenants":"{T1}","Account":"me@x.com"}}}}]}}]"#
        )
    );
    let bad = CString::new(r#"{"Tenants":[{"Subscriptions":[]}]}"#).unwrap();
    out = ptr::null_mut();
    assert_eq!(
        azctx_arm_records(bad.as_ptr(), &mut out),
        AzctxStatus::InvalidProfile
    );
    assert!(out.is_null(), "no answer on failure");
    assert!(last_error().unwrap().contains("Tenant"));
    assert!(
        std::fs::read_dir(st.0.path()).unwrap().next().is_none(),
        "no file was created"
    );
}
