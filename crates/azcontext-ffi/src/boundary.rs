//! The one boundary every export goes through: clear the last error, check arguments, catch panics,
//! map errors to statuses with their cause chain, and write out-parameters only on success.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use crate::status::AzctxStatus;

/// An error inside an export body: a status plus the message for azctx_last_error_message().
#[derive(Debug)]
pub struct FfiError {
    pub status: AzctxStatus,
    pub message: String,
}

impl FfiError {
    pub fn new(status: AzctxStatus, message: impl Into<String>) -> FfiError {
        FfiError {
            status,
            message: message.into(),
        }
    }
}

impl From<azcontext_core::Error> for FfiError {
    fn from(err: azcontext_core::Error) -> FfiError {
        let status = AzctxStatus::from(err.kind());
        FfiError {
            status,
            message: message_with_causes(&err),
        }
    }
}

/// `Display` of the error, then each `source()` as "caused by: ...".
pub fn message_with_causes(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // thiserror's `transparent` and messages that embed their source repeat it: say it once.
        if !message.contains(&text) {
            message.push_str("\ncaused by: ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

pub type FfiResult<T> = Result<T, FfiError>;

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn clear_last_error() {
    LAST_ERROR.with(|e| *e.borrow_mut() = None);
}

fn set_last_error(message: &str) {
    // A message can't hold NUL in a C string: replace it rather than lose the message.
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(text));
}

/// An owned copy of this thread's last error message, or None.
pub fn last_error_copy() -> Option<CString> {
    LAST_ERROR.with(|e| e.borrow().clone())
}

static PANIC_HOOK: Once = Once::new();

/// Panics in the library are reported through the status and message, never printed on the user's
/// console: the hook records the location for the boundary to read, and chains to the previous hook
/// only for panics on threads that are not inside an export (tests).
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let inside = PANIC_LOCATION.with(|p| {
                let mut p = p.borrow_mut();
                if p.is_some() {
                    *p = Some(
                        info.location()
                            .map(|l| l.to_string())
                            .unwrap_or_else(|| "unknown location".into()),
                    );
                    true
                } else {
                    false
                }
            });
            if !inside {
                previous(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    }
}

/// Runs an export body: the single place where statuses are produced.
pub fn run<F>(body: F) -> AzctxStatus
where
    F: FnOnce() -> FfiResult<()>,
{
    clear_last_error();
    install_panic_hook();
    PANIC_LOCATION.with(|p| *p.borrow_mut() = Some(String::new()));
    let outcome = catch_unwind(AssertUnwindSafe(body));
    let location = PANIC_LOCATION
        .with(|p| p.borrow_mut().take())
        .unwrap_or_default();
    match outcome {
        Ok(Ok(())) => AzctxStatus::Ok,
        Ok(Err(err)) => {
            set_last_error(&err.message);
            err.status
        }
        Err(payload) => {
            let at = if location.is_empty() {
                String::new()
            } else {
                format!(" at {location}")
            };
            set_last_error(&format!(
                "internal error: libazcontext panicked{at}: {}. Please report this.",
                panic_message(payload.as_ref())
            ));
            AzctxStatus::Panic
        }
    }
}

/// Runs a body that produces a value and writes it to `out` only on success, exactly once.
pub fn run_out<T, F>(out: *mut T, body: F) -> AzctxStatus
where
    F: FnOnce() -> FfiResult<T>,
{
    run(|| {
        if out.is_null() {
            return Err(FfiError::new(
                AzctxStatus::NullArgument,
                "the output pointer was NULL",
            ));
        }
        let value = body()?;
        // SAFETY: `out` is non-null (checked above) and the caller guarantees it points to writable,
        // properly aligned storage for a T, as every export's documentation requires.
        unsafe { out.write(value) };
        Ok(())
    })
}

/// [`run_out`] for a function with two outputs: both are checked before any work and written together,
/// only on success.
pub fn run_out2<A, B, F>(out_a: *mut A, out_b: *mut B, body: F) -> AzctxStatus
where
    F: FnOnce() -> FfiResult<(A, B)>,
{
    run(|| {
        if out_a.is_null() || out_b.is_null() {
            return Err(FfiError::new(
                AzctxStatus::NullArgument,
                "an output pointer was NULL",
            ));
        }
        let (a, b) = body()?;
        // SAFETY: both non-null (checked above); the caller guarantees writable, aligned storage.
        unsafe {
            out_a.write(a);
            out_b.write(b);
        }
        Ok(())
    })
}

/// JSON text never holds a raw NUL (the writer escapes it): one there is a bug of the library.
fn nul_in_output() -> FfiError {
    FfiError::from(azcontext_core::Error::Internal(
        "the JSON output contained a NUL character".into(),
    ))
}

/// An owned `char *` for JSON text, or NULL for `None`.
pub fn json_ptr(text: Option<String>) -> FfiResult<*mut c_char> {
    match text {
        Some(t) => Ok(CString::new(t).map_err(|_| nul_in_output())?.into_raw()),
        None => Ok(std::ptr::null_mut()),
    }
}

/// Runs a body producing JSON text and hands it to the caller as an owned `char *`.
pub fn run_json<F>(out: *mut *mut c_char, body: F) -> AzctxStatus
where
    F: FnOnce() -> FfiResult<String>,
{
    run_out(out, || {
        let text = body()?;
        let c = CString::new(text).map_err(|_| nul_in_output())?;
        Ok(c.into_raw())
    })
}

/// A required string argument: NULL and invalid UTF-8 are errors.
pub fn str_arg<'a>(ptr: *const c_char, what: &str) -> FfiResult<&'a str> {
    opt_str_arg(ptr, what)?
        .ok_or_else(|| FfiError::new(AzctxStatus::NullArgument, format!("'{what}' was NULL")))
}

/// An optional string argument: NULL is None, invalid UTF-8 is an error.
pub fn opt_str_arg<'a>(ptr: *const c_char, what: &str) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-null; the caller guarantees a NUL-terminated string that stays valid for the call.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map(Some).map_err(|e| {
        FfiError::new(
            AzctxStatus::InvalidUtf8,
            format!("'{what}' is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}
