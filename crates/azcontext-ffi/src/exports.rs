//! The exported functions. Each is one line of marshalling around a core call, inside the boundary.

use std::ffi::{c_char, CString};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use azcontext_core::store::{
    self, CallerCurrent, Op, OpOutput, OpValue, Scope, Session as CoreSession, StoreEnv,
};
use azcontext_core::{accounts, interchange, model};

use crate::boundary::{
    json_ptr, opt_str_arg, run, run_json, run_out, run_out2, str_arg, FfiError, FfiResult,
};
use crate::records;
use crate::status::{
    AzctxCall, AzctxScope, AzctxStatus, AZCTX_CALL_CURRENT, AZCTX_CALL_KEEP_STORED_DEFAULT,
    AZCTX_CALL_KNOWN_FLAGS, AZCTX_CALL_WHAT_IF,
};
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
        return Err(FfiError::new(
            AzctxStatus::NullArgument,
            "'session' was NULL",
        ));
    }
    // SAFETY: non-null; the caller guarantees it came from azctx_session_new/_from_profile and has not
    // been freed (documented on every function taking a session).
    Ok(unsafe { &*session })
}

/// The per-call settings as the core takes them. A NULL `call` means every default.
fn env_args(call: *const AzctxCall) -> FfiResult<StoreEnv> {
    let call = AzctxCall::read(call)?;
    if call.flags & !AZCTX_CALL_KNOWN_FLAGS != 0 {
        return Err(FfiError::new(
            AzctxStatus::InvalidArgument,
            format!(
                "unknown flags {:#x} in azctx_call.flags",
                call.flags & !AZCTX_CALL_KNOWN_FLAGS
            ),
        ));
    }
    Ok(StoreEnv {
        azcontext_dir: opt_str_arg(call.azcontext_dir, "azcontext_dir")?.map(str::to_owned),
        autosave: opt_str_arg(call.autosave, "autosave")?.map(str::to_owned),
        profile_autosave: None,
        lock_timeout: None,
        what_if: call.flags & AZCTX_CALL_WHAT_IF != 0,
        current: if call.flags & AZCTX_CALL_CURRENT != 0 {
            CallerCurrent::Own {
                name: opt_str_arg(call.current, "current")?.map(str::to_owned),
                keep_stored_default: call.flags & AZCTX_CALL_KEEP_STORED_DEFAULT != 0,
            }
        } else {
            CallerCurrent::Stored
        },
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

/// Runs `f` with the locked core session and the call's settings.
fn with_session<T>(
    session: *const Session,
    call: *const AzctxCall,
    f: impl FnOnce(&mut CoreSession, &StoreEnv) -> FfiResult<T>,
) -> FfiResult<T> {
    let session = session_arg(session)?;
    let env = env_args(call)?;
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
/// azctx_string_free(). It does not clear the message (nor do azctx_abi_version, azctx_string_free and
/// azctx_session_free); every function returning an azctx_status does, on entry.
#[no_mangle]
pub extern "C" fn azctx_last_error_message() -> *mut c_char {
    std::panic::catch_unwind(|| {
        crate::boundary::last_error_copy().map_or(std::ptr::null_mut(), CString::into_raw)
    })
    .unwrap_or(std::ptr::null_mut())
}

/// Releases a string returned by this library. NULL is a no-op. Never pass a string twice, nor one
/// that this library did not return.
// Raw pointers are the C calling convention: the NULL check comes first, and the contract in the doc
// comment is what C callers rely on (Rust's `unsafe fn` means nothing to them).
#[allow(clippy::not_unsafe_ptr_arg_deref)]
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
/// `profile_autosave` is the caller's value of Azure_Profile_Autosave when it started (NULL when unset):
/// `true`/`false` override the settings file's Mode for this session, as Az does at import.
/// On AZCTX_STATUS_OK, writes the new session to `*session_out`; release it with azctx_session_free().
#[no_mangle]
pub extern "C" fn azctx_session_new(
    profile_autosave: *const c_char,
    session_out: *mut *mut Session,
) -> AzctxStatus {
    run_out(session_out, || {
        let profile_autosave =
            opt_str_arg(profile_autosave, "profile_autosave")?.map(str::to_owned);
        Ok(Box::into_raw(Box::new(Session {
            inner: Mutex::new(CoreSession::with_profile_autosave(profile_autosave)),
        })))
    })
}

/// Creates a detached session holding the profile or context in `profile_json` (an Az profile, or one
/// context record, which becomes the only and default context). A detached session never reads or
/// writes the store: it serves -DefaultProfile/-AzContext. On AZCTX_STATUS_OK writes `*session_out`.
#[no_mangle]
pub extern "C" fn azctx_session_from_profile(
    profile_json: *const c_char,
    session_out: *mut *mut Session,
) -> AzctxStatus {
    run_out(session_out, || {
        let text = str_arg(profile_json, "profile_json")?;
        let profile = interchange::profile_or_context_from_json(text)?;
        Ok(Box::into_raw(Box::new(Session {
            inner: Mutex::new(CoreSession::detached(profile)),
        })))
    })
}

/// Releases a session. NULL is a no-op. Must not be called twice, nor while another thread is inside a
/// call on the same session.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
#[no_mangle]
pub extern "C" fn azctx_session_free(session: *mut Session) {
    if session.is_null() {
        return;
    }
    // SAFETY: non-null, created by Box::into_raw in azctx_session_new/_from_profile, freed once (caller's
    // contract). A panic in a destructor is caught so it cannot unwind into C.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        drop(unsafe { Box::from_raw(session) })
    }));
}

/// The names of the account extended properties that hold secrets or tokens, as a JSON array of
/// strings (compare ignoring case): callers hide exactly these, the ones the library leaves out of
/// secret-free files.
#[no_mangle]
pub extern "C" fn azctx_secret_property_names(json_out: *mut *mut c_char) -> AzctxStatus {
    run_json(json_out, || {
        Ok(records::string_list(model::SECRET_PROPERTIES))
    })
}

/// The scope a change asked for with `scope` (an azctx_scope value) will be applied in, as an
/// azctx_scope value (never Default): Process for a detached session, else an explicit scope, else the
/// session's autosave mode overridden by the call's `autosave`. Every change also reports the scope it
/// was applied in; this is for callers that must know it before (to word a confirmation).
#[no_mangle]
pub extern "C" fn azctx_scope_resolve(
    session: *const Session,
    call: *const AzctxCall,
    scope: u32,
    scope_out: *mut u32,
) -> AzctxStatus {
    run_out(scope_out, || {
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            Ok(AzctxScope::from(s.effective_scope(env, scope)?) as u32)
        })
    })
}

/// The store's files for the call's AZCONTEXT_DIR, as the settings file names them now (the default
/// places when there is none), without creating anything: a JSON object with "ContextFile" and
/// "KeyStoreFile" (paths).
#[no_mangle]
pub extern "C" fn azctx_store_paths(
    call: *const AzctxCall,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let env = env_args(call)?;
        Ok(records::store_paths(&store::peek_paths(&env)?))
    })
}

// ---------------------------------------------------------------------------------------------------
// Contexts

/// The current (default) context as a JSON object with its "Name", or the JSON text `null` when there is
/// none (Get-AzContext prints nothing then). On AZCTX_STATUS_OK writes an owned string to `*json_out`.
#[no_mangle]
pub extern "C" fn azctx_context_current(
    session: *const Session,
    call: *const AzctxCall,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, call, |s, env| {
            Ok(records::named_or_null(s.current_context(env)?))
        })
    })
}

/// The current context as azctx_context_current() gives it, inside the envelope of a change
/// (`{"Scope":null,"Written":false,"Quarantined":null,"Warnings":[...],"Value":<context or null>}`)
/// with what the caller should be told: for a caller that keeps its own current context
/// (AZCTX_CALL_CURRENT) that is no longer stored, the session's copy and, the first time, a warning.
/// A current name that was never stored (an AZCONTEXT_NAME naming no context) is
/// AZCTX_STATUS_NOT_FOUND.
#[no_mangle]
pub extern "C" fn azctx_context_current_report(
    session: *const Session,
    call: *const AzctxCall,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, call, |s, env| {
            let (current, warnings) = s.current_context_reported(env)?;
            Ok(records::read_result(
                &warnings,
                &records::named_or_null(current),
            ))
        })
    })
}

/// The current context a caller that keeps its own (AZCTX_CALL_CURRENT) starts with, decided once
/// at its first use: `pinned` (its AZCONTEXT_NAME; NULL when unset) in its stored case, else the
/// stored default. Writes `{"Current": <name or null>}`. A pinned name that is not stored is
/// returned as given: every command that needs the current context then fails naming it, never
/// falling back to another context.
#[no_mangle]
pub extern "C" fn azctx_current_initial(
    session: *const Session,
    call: *const AzctxCall,
    pinned: *const c_char,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let pinned = opt_str_arg(pinned, "pinned")?;
        with_session(session, call, |s, env| {
            Ok(records::current_name(
                s.initial_current(env, pinned)?.as_deref(),
            ))
        })
    })
}

/// The context stored under `name` (ignoring case) as a JSON object, or `null` when there is none.
#[no_mangle]
pub extern "C" fn azctx_context_get(
    session: *const Session,
    call: *const AzctxCall,
    name: *const c_char,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let name = str_arg(name, "name")?;
        with_session(session, call, |s, env| {
            Ok(records::named_or_null(s.get_context(env, name)?))
        })
    })
}

/// Every non-empty context, as a JSON array of objects with "Name", in Az's -ListAvailable order.
#[no_mangle]
pub extern "C" fn azctx_context_list(
    session: *const Session,
    call: *const AzctxCall,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, call, |s, env| {
            Ok(records::named_list(&s.list_contexts(env)?))
        })
    })
}

/// Like azctx_context_list, for callers that keep what they built from the last list: writes the view's
/// version to `*version_out` and, only when it differs from `known_version` (pass 0 the first time),
/// the list to `*json_out`; when the view is unchanged `*json_out` is set to NULL. The version changes
/// whenever another process changes the store or this session changes anything.
#[no_mangle]
pub extern "C" fn azctx_context_list_if_changed(
    session: *const Session,
    call: *const AzctxCall,
    known_version: u64,
    version_out: *mut u64,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_out2(version_out, json_out, || {
        let (version, json) = with_session(session, call, |s, env| {
            let version = s.view_version(env)?;
            if version != 0 && version == known_version {
                return Ok((version, None));
            }
            let (version, list) = s.list_contexts_versioned(env)?;
            Ok((version, Some(records::named_list(&list))))
        })?;
        Ok((version, json_ptr(json)?))
    })
}

/// The names of every stored context, as a JSON array of strings (for argument completion).
#[no_mangle]
pub extern "C" fn azctx_context_names(
    session: *const Session,
    call: *const AzctxCall,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, call, |s, env| {
            Ok(records::name_list(&s.list_contexts(env)?))
        })
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
    call: *const AzctxCall,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            Ok(records::autosave(&s.autosave_settings(env, scope)?))
        })
    })
}

/// Saves the profile to `path` (Save-AzContext): the session's current profile when `profile_json` is
/// NULL. Secrets are written only when `with_credential` is non-zero; an existing file is replaced only
/// when `overwrite` is non-zero (else AZCTX_STATUS_ALREADY_EXISTS). The file is written atomically, 0600.
#[no_mangle]
pub extern "C" fn azctx_profile_save(
    session: *const Session,
    call: *const AzctxCall,
    profile_json: *const c_char,
    path: *const c_char,
    with_credential: u32,
    overwrite: u32,
) -> AzctxStatus {
    run(|| {
        let profile = opt_str_arg(profile_json, "profile_json")?
            .map(interchange::profile_or_context_from_json)
            .transpose()?;
        let path = str_arg(path, "path")?;
        with_session(session, call, |s, env| {
            Ok(s.save_profile_to(
                env,
                profile,
                Path::new(path),
                with_credential != 0,
                overwrite != 0,
            )?)
        })
    })
}

// ---------------------------------------------------------------------------------------------------
// Changing contexts. `scope` is an azctx_scope value; every change in CurrentUser scope is one locked
// read-modify-write of the store's context file.

/// The result of a change: the envelope (scope, warnings, ...) around its context (or `null`).
fn context_of(out: OpOutput) -> FfiResult<String> {
    let value = match &out.value {
        OpValue::Context(c) => records::named_or_null(c.clone()),
        other => return Err(unexpected(other)),
    };
    Ok(records::op_result(&out, &value))
}

/// An operation produced a value of another kind than its own: a bug, reported as such.
fn unexpected(value: &OpValue) -> FfiError {
    FfiError::from(azcontext_core::Error::Internal(format!(
        "the operation produced an unexpected result ({})",
        match value {
            OpValue::Context(_) => "a context",
            OpValue::Profile(_) => "a profile",
            OpValue::Environment(_) => "an environment",
            OpValue::Contexts(_) => "a list of contexts",
            OpValue::None => "nothing",
        }
    )))
}

/// Set-AzContext -Context: stores the context record `context_json` (Az JSON; a "Name" member is
/// ignored) under `name`, or under the key of a stored context with the same identity, or its
/// generated key, and makes it the default. `extended_json` (NULL or a JSON object of strings) is set
/// on it. An existing `name` is replaced only when `force` is non-zero (else
/// AZCTX_STATUS_ALREADY_EXISTS). Writes the resulting default context to `*json_out`.
#[no_mangle]
pub extern "C" fn azctx_context_set(
    session: *const Session,
    call: *const AzctxCall,
    context_json: *const c_char,
    name: *const c_char,
    extended_json: *const c_char,
    force: u32,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let (_, context) = records::context_from_json(str_arg(context_json, "context_json")?)?;
        let name = opt_str_arg(name, "name")?.map(str::to_owned);
        let extended_properties =
            records::string_map(opt_str_arg(extended_json, "extended_json")?)?;
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let op = Op::SetContext {
                context,
                name,
                force: force != 0,
                extended_properties,
            };
            context_of(s.apply(env, op, scope)?)
        })
    })
}

/// Set-AzContext -Subscription/-Tenant, offline: resolves `subscription` (id or name, ignoring case;
/// may be NULL when `tenant` is given) and `tenant` (id or domain; may be NULL) against the stored
/// contexts, builds a context with the current account, and sets it as azctx_context_set does.
/// AZCTX_STATUS_INVALID_ARGUMENT with Az's "Please provide a valid tenant or a valid subscription." when
/// nothing matches; AZCTX_STATUS_LOGIN_REQUIRED when there is no signed-in default context.
#[no_mangle]
pub extern "C" fn azctx_context_set_subscription(
    session: *const Session,
    call: *const AzctxCall,
    subscription: *const c_char,
    tenant: *const c_char,
    name: *const c_char,
    extended_json: *const c_char,
    force: u32,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let subscription = opt_str_arg(subscription, "subscription")?;
        let tenant = opt_str_arg(tenant, "tenant")?;
        if subscription.is_none() && tenant.is_none() {
            return Err(FfiError::new(
                AzctxStatus::NullArgument,
                "'subscription' and 'tenant' were both NULL",
            ));
        }
        let name = opt_str_arg(name, "name")?.map(str::to_owned);
        let extended_properties =
            records::string_map(opt_str_arg(extended_json, "extended_json")?)?;
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let profile = s.caller_profile(env)?;
            let context = accounts::resolve_subscription_context(&profile, subscription, tenant)?;
            let op = Op::SetContext {
                context,
                name,
                force: force != 0,
                extended_properties,
            };
            context_of(s.apply(env, op, scope)?)
        })
    })
}

/// Select-AzContext: makes the context stored under `name` (ignoring case) the default and writes it to
/// `*json_out`. AZCTX_STATUS_NOT_FOUND when there is no such context.
#[no_mangle]
pub extern "C" fn azctx_context_select(
    session: *const Session,
    call: *const AzctxCall,
    name: *const c_char,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let name = str_arg(name, "name")?.to_owned();
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            context_of(s.apply(env, Op::Select { name }, scope)?)
        })
    })
}

/// Rename-AzContext: moves `source` to `target` (the default follows). An existing `target` is replaced
/// only when `force` is non-zero (else AZCTX_STATUS_ALREADY_EXISTS). Writes the renamed context, or
/// `null` when `source` does not exist or equals `target` ignoring case.
#[no_mangle]
pub extern "C" fn azctx_context_rename(
    session: *const Session,
    call: *const AzctxCall,
    source: *const c_char,
    target: *const c_char,
    force: u32,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let source = str_arg(source, "source")?.to_owned();
        let target = str_arg(target, "target")?.to_owned();
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            context_of(s.apply(
                env,
                Op::Rename {
                    source,
                    target,
                    force: force != 0,
                },
                scope,
            )?)
        })
    })
}

/// Remove-AzContext: removes the context stored under `name`. Removing the default needs `force`
/// non-zero (the caller asks the user first); the new default is the ordinal-first remaining key.
/// Writes the removed context, or `null` when there was none.
#[no_mangle]
pub extern "C" fn azctx_context_remove(
    session: *const Session,
    call: *const AzctxCall,
    name: *const c_char,
    force: u32,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let name = str_arg(name, "name")?.to_owned();
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            context_of(s.apply(
                env,
                Op::Remove {
                    name,
                    force: force != 0,
                },
                scope,
            )?)
        })
    })
}

/// Clear-AzContext: removes every context in `scope`. In CurrentUser scope the file is emptied; a
/// corrupt file is moved aside first, so this always succeeds on a readable store. Writes
/// `{"Scope": "...", "Quarantined": <path or null>}` to `*json_out`.
#[no_mangle]
pub extern "C" fn azctx_context_clear(
    session: *const Session,
    call: *const AzctxCall,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let out = s.apply(env, Op::Clear, scope)?;
            match &out.value {
                OpValue::None => Ok(records::op_result(&out, "null")),
                other => Err(unexpected(other)),
            }
        })
    })
}

// ---------------------------------------------------------------------------------------------------
// Profiles

/// The session's current profile as a PSAzureProfile record:
/// `{"Context": <default context or null>, "Environments": {...}, "Profile": <Az profile>}`.
#[no_mangle]
pub extern "C" fn azctx_profile_get(
    session: *const Session,
    call: *const AzctxCall,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, call, |s, env| {
            Ok(records::profile_view(&s.caller_profile(env)?))
        })
    })
}

/// Import-AzContext: merges a profile into `scope`, read from the file at `path`, or given as
/// `profile_json` when `path` is NULL (exactly one of them). A missing file is AZCTX_STATUS_NOT_FOUND
/// with Az's "Cannot find file '<path>'"; text that is not a profile is AZCTX_STATUS_INVALID_PROFILE and
/// imports nothing. Writes the resulting profile record (see azctx_profile_get).
#[no_mangle]
pub extern "C" fn azctx_profile_import(
    session: *const Session,
    call: *const AzctxCall,
    path: *const c_char,
    profile_json: *const c_char,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        // Every argument is checked before the file is read.
        session_arg(session)?;
        let path = opt_str_arg(path, "path")?;
        let text = opt_str_arg(profile_json, "profile_json")?;
        let profile = match (path, text) {
            (Some(p), None) => interchange::profile_from_file(Path::new(p))?,
            (None, Some(t)) => interchange::profile_or_context_from_json(t)?,
            (None, None) => {
                return Err(FfiError::new(
                    AzctxStatus::NullArgument,
                    "'path' and 'profile_json' were both NULL",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(FfiError::new(
                    AzctxStatus::InvalidArgument,
                    "give 'path' or 'profile_json', not both",
                ))
            }
        };
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let out = s.apply(env, Op::Import { profile }, scope)?;
            match &out.value {
                // A caller that keeps its own current context sees it as the profile's default.
                OpValue::Profile(_) if out.current.is_some() => {
                    let p = s.caller_profile(&env.after(&out))?;
                    Ok(records::op_result(&out, &records::profile_view(&p)))
                }
                OpValue::Profile(p) => Ok(records::op_result(&out, &records::profile_view(p))),
                other => Err(unexpected(other)),
            }
        })
    })
}

// ---------------------------------------------------------------------------------------------------
// Autosave

/// Enable-AzContextAutosave for `scope` (Process, or CurrentUser when not Process): the contexts in
/// memory are saved, and the settings written in CurrentUser scope. Writes the resulting settings.
#[no_mangle]
pub extern "C" fn azctx_autosave_enable(
    session: *const Session,
    call: *const AzctxCall,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            Ok(records::autosave(&s.enable_autosave(env, scope)?))
        })
    })
}

/// Disable-AzContextAutosave for `scope`: the in-memory contexts are kept, no file is deleted; in
/// CurrentUser scope the settings file is written with Mode Process. Writes the resulting settings.
#[no_mangle]
pub extern "C" fn azctx_autosave_disable(
    session: *const Session,
    call: *const AzctxCall,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            Ok(records::autosave(&s.disable_autosave(env, scope)?))
        })
    })
}

// ---------------------------------------------------------------------------------------------------
// Environments

/// Every environment (the public ones, then custom ones) as a JSON array.
#[no_mangle]
pub extern "C" fn azctx_environment_list(
    session: *const Session,
    call: *const AzctxCall,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        with_session(session, call, |s, env| {
            let p = s.profile(env)?;
            Ok(records::environment_list(p.environments()))
        })
    })
}

/// Add-/Set-AzEnvironment: merges the environment in `environment_json` (Az JSON with a "Name") into the
/// one of that name, or adds it; contexts using it get the merged copy. Public environments are
/// AZCTX_STATUS_READ_ONLY. Writes the resulting environment.
#[no_mangle]
pub extern "C" fn azctx_environment_set(
    session: *const Session,
    call: *const AzctxCall,
    environment_json: *const c_char,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let environment =
            records::environment_from_json(str_arg(environment_json, "environment_json")?)?;
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let out = s.apply(env, Op::AddOrSetEnvironment { environment }, scope)?;
            match &out.value {
                OpValue::Environment(e) => Ok(records::op_result(&out, &records::environment(e))),
                other => Err(unexpected(other)),
            }
        })
    })
}

/// Remove-AzEnvironment: removes the custom environment `name`. Public ones are
/// AZCTX_STATUS_READ_ONLY, unknown ones AZCTX_STATUS_NOT_FOUND (Az's messages). Writes the removed one.
#[no_mangle]
pub extern "C" fn azctx_environment_remove(
    session: *const Session,
    call: *const AzctxCall,
    name: *const c_char,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let name = str_arg(name, "name")?.to_owned();
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let out = s.apply(env, Op::RemoveEnvironment { name }, scope)?;
            match &out.value {
                OpValue::Environment(e) => Ok(records::op_result(&out, &records::environment(e))),
                other => Err(unexpected(other)),
            }
        })
    })
}

// ---------------------------------------------------------------------------------------------------
// Accounts

/// Applies a sign-in's change and writes its envelope with the resulting profile record.
fn apply_with_profile(
    s: &mut CoreSession,
    env: &StoreEnv,
    op: Op,
    scope: Option<Scope>,
) -> FfiResult<String> {
    let out = s.apply(env, op, scope)?;
    // The profile as the caller now sees it: its own current context (if it keeps one) the default.
    Ok(records::op_result(
        &out,
        &records::profile_view(&s.caller_profile(&env.after(&out))?),
    ))
}

/// Connect-AzAccount -AccessToken: stores the account and context of the login. `request_json` is an
/// object with AccessToken, AccountId and optionally Tenant, Subscription, Environment, SkipValidation
/// (bool), ContextName, GraphAccessToken, MicrosoftGraphAccessToken, KeyVaultAccessToken. An existing
/// ContextName is replaced only with `force` non-zero. Forms that need the network are
/// AZCTX_STATUS_NOT_SUPPORTED and change nothing. Writes the resulting profile record (see
/// azctx_profile_get).
#[no_mangle]
pub extern "C" fn azctx_account_connect_token(
    session: *const Session,
    call: *const AzctxCall,
    request_json: *const c_char,
    force: u32,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let (login, name) = records::login(str_arg(request_json, "request_json")?)?;
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let context = accounts::access_token_context(&s.caller_profile(env)?, &login)?;
            let op = Op::SetContext {
                context,
                name,
                force: force != 0,
                extended_properties: Vec::new(),
            };
            apply_with_profile(s, env, op, scope)
        })
    })
}

/// Connect-AzAccount after a sign-in the caller made (and Get-AzContext -RefreshContextFromTokenCache):
/// stores one context per subscription, in one locked write, and makes the chosen one current.
/// `request_json` is an object with Account {Id, Type (User, ServicePrincipal, ManagedService or
/// ClientAssertion), ExtendedProperties? (strings; secret-named ones are dropped)}, TenantId (the
/// sign-in's tenant), Tenants [{Tenant: ARM's tenant object, Subscriptions: [ARM's subscription
/// objects, as that tenant's token lists them]}], and optionally Environment (a name), Subscription
/// (-Subscription: an id or a name), ContextName, MaxContextPopulation (-1 all, the default; 0 or 1:
/// the default context only; N: the default and up to N-1 others), SkipContextPopulation (bool) and
/// KeepDefault (bool: add contexts without choosing a default). A -Subscription that no tenant lists is
/// AZCTX_STATUS_SUBSCRIPTION_NOT_FOUND with Az's message, and nothing is changed; an existing
/// ContextName is replaced only with `force` non-zero. Writes the change envelope with the resulting
/// profile record (see azctx_profile_get) and Az's warnings (more than one active subscription).
#[no_mangle]
pub extern "C" fn azctx_account_sign_in(
    session: *const Session,
    call: *const AzctxCall,
    request_json: *const c_char,
    force: u32,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    change_from_request(
        (session, call, request_json, scope, json_out),
        azcontext_core::signin::parse_request,
        |profile, request| {
            Ok(Op::SignIn {
                sign_in: Box::new(azcontext_core::signin::build(profile, &request)?),
                force: force != 0,
            })
        },
    )
}

/// The arguments every request-driven change takes: session, call, request text, scope, out.
type ChangeArgs = (
    *const Session,
    *const AzctxCall,
    *const c_char,
    u32,
    *mut *mut c_char,
);

/// One change read from a JSON request (`parse`, before the session is touched), built on the
/// caller's view (`build`), applied in the scope asked; writes the change envelope with the profile
/// record as the caller then sees it.
fn change_from_request<R>(
    (session, call, request_json, scope, json_out): ChangeArgs,
    parse: impl FnOnce(&str) -> azcontext_core::Result<R>,
    build: impl FnOnce(&azcontext_core::model::Profile, R) -> azcontext_core::Result<Op>,
) -> AzctxStatus {
    run_json(json_out, || {
        let request = parse(str_arg(request_json, "request_json")?)?;
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            let op = build(&s.caller_profile(env)?, request)?;
            apply_with_profile(s, env, op, scope)
        })
    })
}

/// Get-AzContext -RefreshContextFromTokenCache: `request_json` is an object with Disconnect (account ids
/// whose contexts are removed: users who left the token cache) and SignIns (sign-in requests as
/// azctx_account_sign_in takes them, for cached users without a context; never forced). Everything is
/// applied in `scope` as one change, in one locked write, or not at all. Writes the resulting profile
/// record (see azctx_profile_get) in the change envelope.
#[no_mangle]
pub extern "C" fn azctx_contexts_refresh(
    session: *const Session,
    call: *const AzctxCall,
    request_json: *const c_char,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    change_from_request(
        (session, call, request_json, scope, json_out),
        azcontext_core::signin::parse_refresh,
        |profile, request| azcontext_core::signin::refresh_op(profile, &request),
    )
}

/// ARM's tenants and subscriptions in Az's stored form, by the rule azctx_account_sign_in stores them
/// with (for Get-AzTenant, Get-AzSubscription and Set-AzContext -Subscription). `request_json` is an
/// object with Account (the account's id), Environment (its name) and Tenants [{Tenant: ARM's tenant
/// object, Subscriptions: [ARM's subscription objects, as that tenant's token lists them]}]. Writes a
/// JSON array with one {Tenant, Subscriptions} of stored records per listed tenant, in order. Reads
/// and writes no file.
#[no_mangle]
pub extern "C" fn azctx_arm_records(
    request_json: *const c_char,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        Ok(azcontext_core::signin::stored_records(str_arg(
            request_json,
            "request_json",
        )?)?)
    })
}

/// Disconnect-AzAccount: `request_json` names the target: `{}` (the current account), `{"Username":…}`,
/// `{"ContextName":…}` or `{"ApplicationId":…, "TenantId":…}`. Removes every context of that account in
/// `scope` and writes the account (without secrets), or `null` when nothing resolves.
#[no_mangle]
pub extern "C" fn azctx_account_disconnect(
    session: *const Session,
    call: *const AzctxCall,
    request_json: *const c_char,
    scope: u32,
    json_out: *mut *mut c_char,
) -> AzctxStatus {
    run_json(json_out, || {
        let target = records::disconnect_target(str_arg(request_json, "request_json")?)?;
        let scope = scope_arg(scope)?;
        with_session(session, call, |s, env| {
            Ok(match s.disconnect(env, &target, scope)? {
                (Some(account), Some(out)) => {
                    records::op_result(&out, &records::account(&account.without_secrets()))
                }
                _ => records::no_op_result(),
            })
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
