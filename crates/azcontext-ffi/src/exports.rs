//! The exported functions. Each is one line of marshalling around a core call, inside the boundary.

use std::ffi::{c_char, CString};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use azcontext_core::store::{Scope, Session as CoreSession, StoreEnv};

use crate::boundary::{opt_str_arg, run, run_json, run_out, str_arg, FfiError, FfiResult};
use crate::records;
use crate::status::{AzctxScope, AzctxStatus};
use crate::AZCTX_ABI_VERSION;

/// Process-scope state: the in-memory profile of one PowerShell session (or any host), and its view of
/// the store. Opaque to C. One session may be used from many threads at once: calls are serialized
/// inside. Create it with azctx_session_new() or azctx_session_from_profile(), release it exactly once
/// with azctx_session_free().
pub struct Session {
    inner: Mutex<CoreSession>,
}

impl Session {
    fn lock(&self) -> FfiResult<MutexGuard<'_, CoreSession>> {
        // A call that panicked while holding the lock may have left the Process-scope profile half
        // changed. Rather than guess, the session refuses further work; the store on disk is unaffected
        // (it is only ever replaced atomically).
        self.inner.lock().map_err(|_| {
            FfiError::new(
                AzctxStatus::SessionPoisoned,
                "an earlier call panicked while using this session, so its in-memory contexts may be inconsistent; \
                 free the session and create a new one (the store on disk is unaffected)",
            )
        })
    }
}

fn session_arg<'a>(session: *const Session) -> FfiResult<&'a Session> {
    if session.is_null() {
        return Err(FfiError::new(AzctxStatus::NullArgument, "'session' was NULL"));
    }
    // SAFETY: non-null; the caller guarantees it came from azctx_session_new/_from_profile and has not
    // been freed (documented on every function taking a session).
    Ok(unsafe { &*session })
}

fn env_args(azcontext_dir: *const c_char, autosave: *const c_char) -> FfiResult<StoreEnv> {
    Ok(StoreEnv {
        azcontext_dir: opt_str_arg(azcontext_dir, "azcontext_dir")?.map(str::to_owned),
        autosave: opt_str_arg(autosave, "autosave")?.map(str::to_owned),
        lock_timeout: None,
    })
}

fn scope_arg(scope: u32) -> FfiResult<Option<Scope>> {
    match scope {
        x if x == AzctxScope::Default as u32 => Ok(None),
        x if x == AzctxScope::Process as u32 => Ok(Some(Scope::Process)),
        x if x == AzctxScope::CurrentUser as u32 => Ok(Some(Scope::CurrentUser)),
        other => Err(FfiError::new(
            AzctxStatus::InvalidArgument,
            format!("unknown scope {other}: expected 0 (default), 1 (Process) or 2 (CurrentUser)"),
        )),
    }
}

/// Runs `f` with the locked core session and the caller's environment.
fn with_session<T>(
    session: *const Session,
    azcontext_dir: *const c_char,
    autosave: *const c_char,
    f: impl FnOnce(&mut CoreSession, &StoreEnv) -> FfiResult<T>,
) -> FfiResult<T> {
    let session = session_arg(session)?;
    let env = env_args(azcontext_dir, autosave)?;
    let mut guard = session.lock()?;
    f(&mut guard, &env)
}

// ---------------------------------------------------------------------------------------------------
// Library

/// Returns AZCTX_ABI_VERSION as compiled into the library. Cannot fail; call it first and refuse to use
/// a library whose version differs from the header's.
#[no_mangle]
pub extern "C" fn azctx_abi_version() -> u32 {
    AZCTX_ABI_VERSION
}

/// Returns an owned copy of the message describing this thread's last failed azctx_ call (with its
/// cause chain), or NULL when the last call succeeded or none was made. Release it with
/// azctx_string_free(). This is the only function that does not clear the message.
#[no_mangle]
pub extern "C" fn azctx_last_error_message() -> *mut c_char {
    std::panic::catch_unwind(|| crate::boundary::last_error_copy().map_or(std::ptr::null_mut(), CString::into_raw))
        .unwrap_or(std::ptr::null_mut())
}

/// Releases a string returned by this library. NULL is a no-op. Never pass a string twice, nor one
/// that this library did not return.
#[no_mangle]
pub extern "C" fn azctx_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: non-null, and the caller guarantees it came from CString::into_raw in this library and is
    // freed once.
    drop(unsafe { CString::from_raw(s) });
}

// ---------------------------------------------------------------------------------------------------
// Sessions

/// Creates a session whose autosave mode is read from the store's settings on first use.
/// On AZCTX_STATUS_OK, writes the new session to `*session_out`; release it with azctx_session_free().
#[no_mangle]
pub extern "C" fn azctx_session_new(session_out: *mut *mut Session) -> AzctxStatus {
    run_out(session_out, || Ok(Box::into_raw(Box::new(Session { inner: Mutex::new(CoreSession::new()) }))))
}

/// Creates a detached session holding the profile or context in `profile_json` (an Az profile, or one
/// context record, which becomes the only and default context). A detached session never reads or
/// writes the store: it serves -DefaultProfile/-AzContext. On AZCTX_STATUS_OK writes `*session_out`.
#[no_mangle]
pub extern "C" fn azctx_session_from_profile(profile_json: *const c_char, session_out: *mut *mut Session) -> AzctxStatus {
    run_out(session_out, || {
        let text = str_arg(profile_json, "profile_json")?;
        let profile = records::profile_or_context_from_json(text)?;
        Ok(Box::into_raw(Box::new(Session { inner: Mutex::new(CoreSession::detached(profile)) })))
    })
}

/// Releases a session. NULL is a no-op. Must not be called twice, nor while another thread is inside a
/// call on the same session.
#[no_mangle]
pub extern "C" fn azctx_session_free(session: *mut Session) {
    if session.is_null() {
        return;
    }
    // SAFETY: non-null, created by Box::into_raw in azctx_session_new/_from_profile, freed once (caller's
    // contract). A panic in a destructor is caught so it cannot unwind into C.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unsafe { Box::from_raw(session) })));
}

// ---------------------------------------------------------------------------------------------------
// Contexts

/// The current (default) context as a JSON object with its "Name", or the JSON text `null` when there is
/// none (Get-AzContext prints nothing then). On AZCTX_STATUS_OK writes an owned string to `*json_out`.
#[no_mangle]
pub extern "C" fn azctx_context_current(
    session: *const Session,
    azcontext_dir: *const c_char,
    autosave: *const c_char,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, azcontext_dir, autosave, |s, env| Ok(records::named_or_null(s.current_context(env)?)))
    })
}

/// The context stored under `name` (ignoring case) as a JSON object, or `null` when there is none.
#[no_mangle]
pub extern "C" fn azctx_context_get(
    session: *const Session,
    azcontext_dir: *const c_char,
    autosave: *const c_char,
    name: *const c_char,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let name = str_arg(name, "name")?;
        with_session(session, azcontext_dir, autosave, |s, env| Ok(records::named_or_null(s.get_context(env, name)?)))
    })
}

/// Every non-empty context, as a JSON array of objects with "Name", in Az's -ListAvailable order.
#[no_mangle]
pub extern "C" fn azctx_context_list(
    session: *const Session,
    azcontext_dir: *const c_char,
    autosave: *const c_char,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, azcontext_dir, autosave, |s, env| Ok(records::named_list(&s.list_contexts(env)?)))
    })
}

/// The names of every stored context, as a JSON array of strings (for argument completion).
#[no_mangle]
pub extern "C" fn azctx_context_names(
    session: *const Session,
    azcontext_dir: *const c_char,
    autosave: *const c_char,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, azcontext_dir, autosave, |s, env| Ok(records::name_list(&s.list_contexts(env)?)))
    })
}

// ---------------------------------------------------------------------------------------------------
// Autosave settings

/// The autosave settings as Get-AzContextAutosaveSetting shows them for `scope` (an azctx_scope value),
/// as a JSON object (Mode, ContextDirectory, ContextFile, CacheDirectory, CacheFile, KeyStoreFile,
/// Settings).
#[no_mangle]
pub extern "C" fn azctx_autosave_get(
    session: *const Session,
    azcontext_dir: *const c_char,
    autosave: *const c_char,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let scope = scope_arg(scope)?;
        with_session(session, azcontext_dir, autosave, |s, env| Ok(records::autosave(&s.autosave_settings(env, scope)?)))
    })
}

/// Saves the profile to `path` (Save-AzContext): the session's current profile when `profile_json` is
/// NULL. Secrets are written only when `with_credential` is non-zero; an existing file is replaced only
/// when `overwrite` is non-zero (else AZCTX_STATUS_ALREADY_EXISTS). The file is written atomically, 0600.
#[no_mangle]
pub extern "C" fn azctx_profile_save(
    session: *const Session,
    azcontext_dir: *const c_char,
    autosave: *const c_char,
    profile_json: *const c_char,
    path: *const c_char,
    with_credential: u32,
    overwrite: u32,
) -> AzctxStatus {
    run(|| {
        let profile = opt_str_arg(profile_json, "profile_json")?.map(records::profile_or_context_from_json).transpose()?;
        let path = str_arg(path, "path")?;
        with_session(session, azcontext_dir, autosave, |s, env| {
            Ok(s.save_profile_to(env, profile, Path::new(path), with_credential != 0, overwrite != 0)?)
        })
    })
}

#[cfg(feature = "test-hooks")]
/// Test hook (never in a shipped library): panics inside the boundary, holding the session's lock when
/// `session` is not NULL, so tests can check that panics become AZCTX_STATUS_PANIC and poison the session.
#[no_mangle]
pub extern "C" fn azctx_test_panic(session: *const Session) -> AzctxStatus {
    run(|| {
        if !session.is_null() {
            let s = session_arg(session)?;
            let _guard = s.lock()?;
            panic!("deliberate test panic while holding the session");
        }
        panic!("deliberate test panic");
    })
}
