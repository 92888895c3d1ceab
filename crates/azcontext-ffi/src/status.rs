//! Status codes: the one return type of every fallible export.

use std::ffi::c_char;

use azcontext_core::error::ErrorKind;
use azcontext_core::store::Scope;

use crate::boundary::{FfiError, FfiResult};

/// The result of an azctx_ call. Values are explicit, grouped and never reused: a retired value stays
/// here as a comment. C sees a `uint32_t`.
///
/// 0 success; 1–99 the caller's mistake; 100–199 domain errors; 200–299 the store on disk;
/// 900–999 faults inside the library.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AzctxStatus {
    /// Success: out-parameters were written.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL (outputs included).
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// An argument had a value the function does not accept (an unknown scope, malformed JSON, ...).
    InvalidArgument = 3,
    /// The named context (or account) does not exist.
    NotFound = 100,
    /// The context name exists and overwriting was not requested.
    AlreadyExists = 101,
    /// A context or environment name that cannot be stored (empty, NUL, the reserved "Default").
    InvalidName = 102,
    /// A profile, context record or settings file that is not valid (message names line and column).
    InvalidProfile = 103,
    /// A public environment cannot be changed or removed.
    ReadOnly = 104,
    /// The operation needs a signed-in default context ("Run Connect-AzAccount to login.").
    LoginRequired = 105,
    /// The operation needs the network or a service that this version does not have.
    NotSupported = 106,
    /// The named environment does not exist.
    EnvironmentNotFound = 107,
    /// The file does not exist (the message names it).
    FileNotFound = 108,
    /// The file exists and overwriting was not requested.
    FileAlreadyExists = 109,
    /// No stored subscription or tenant matches ("Please provide a valid tenant or a valid subscription.").
    SubscriptionNotFound = 110,
    /// Reading or writing a file failed.
    Io = 200,
    /// The operating system denied access to a file or directory.
    PermissionDenied = 201,
    /// Another process held the store's lock past the wait limit.
    LockTimeout = 202,
    /// A stored file did not parse; it was moved aside (the message names both paths).
    CorruptFile = 203,
    /// The library panicked; the call had no effect that can be relied on. The message says where.
    Panic = 900,
    /// The session was in use by a call that panicked; free it and create a new one.
    SessionPoisoned = 901,
    /// A rule of the library itself did not hold (a bug); the message says which. Please report it.
    Internal = 902,
}

impl From<ErrorKind> for AzctxStatus {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidArgument => AzctxStatus::InvalidArgument,
            ErrorKind::NotFound => AzctxStatus::NotFound,
            ErrorKind::EnvironmentNotFound => AzctxStatus::EnvironmentNotFound,
            ErrorKind::FileNotFound => AzctxStatus::FileNotFound,
            ErrorKind::SubscriptionNotFound => AzctxStatus::SubscriptionNotFound,
            ErrorKind::AlreadyExists => AzctxStatus::AlreadyExists,
            ErrorKind::FileAlreadyExists => AzctxStatus::FileAlreadyExists,
            ErrorKind::InvalidName => AzctxStatus::InvalidName,
            ErrorKind::InvalidProfile => AzctxStatus::InvalidProfile,
            ErrorKind::ReadOnly => AzctxStatus::ReadOnly,
            ErrorKind::LoginRequired => AzctxStatus::LoginRequired,
            ErrorKind::NotSupported => AzctxStatus::NotSupported,
            ErrorKind::Io => AzctxStatus::Io,
            ErrorKind::PermissionDenied => AzctxStatus::PermissionDenied,
            ErrorKind::LockTimeout => AzctxStatus::LockTimeout,
            ErrorKind::CorruptFile => AzctxStatus::CorruptFile,
            ErrorKind::Internal => AzctxStatus::Internal,
        }
    }
}

/// Which profile an operation changes. C passes a `uint32_t`; unknown values are rejected.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AzctxScope {
    /// No -Scope given: Az's rule decides (process autosave mode, then AzContextAutoSave).
    Default = 0,
    /// This session only; nothing is written to disk.
    Process = 1,
    /// The user's store on disk (and this session).
    CurrentUser = 2,
}

impl From<Scope> for AzctxScope {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::Process => AzctxScope::Process,
            Scope::CurrentUser => AzctxScope::CurrentUser,
        }
    }
}

/// `azctx_call.flags`: the command only looks (-WhatIf). A read that meets a corrupt context file
/// then reports AZCTX_STATUS_INVALID_PROFILE and leaves the file in place instead of moving it aside.
pub const AZCTX_CALL_WHAT_IF: u32 = 1;

/// `azctx_call.flags`: the caller keeps its own current context, named by `azctx_call.current`
/// (NULL: it has none), instead of the store's default: "current" means that context in every
/// answer, and the envelope of every change reports in "Current" what it became. Decide the first
/// one with azctx_current_initial().
pub const AZCTX_CALL_CURRENT: u32 = 2;

/// `azctx_call.flags`, with AZCTX_CALL_CURRENT: the caller's changes leave the stored default (what
/// new sessions start with) where it is while that context is stored (a runspace other than the
/// process's main one: its Select/Set concern itself only).
pub const AZCTX_CALL_KEEP_STORED_DEFAULT: u32 = 4;

/// Every flag this library knows; a call with any other bit set is AZCTX_STATUS_INVALID_ARGUMENT.
pub const AZCTX_CALL_KNOWN_FLAGS: u32 =
    AZCTX_CALL_WHAT_IF | AZCTX_CALL_CURRENT | AZCTX_CALL_KEEP_STORED_DEFAULT;

/// The settings of one call: what belongs to the command, not to the session (the session is shared
/// by every runspace of a process, so nothing per command is ever stored on it). Pass NULL for every
/// default. Set `size` to `sizeof(azctx_call)`: fields added at the end in later versions are then read
/// only when the caller's size includes them, and are absent (zero, NULL) otherwise.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct AzctxCall {
    /// `sizeof(azctx_call)` as the caller was compiled with.
    pub size: u32,
    /// AZCTX_CALL_* bits.
    pub flags: u32,
    /// The caller's AZCONTEXT_DIR (NULL when unset): the store folder instead of ~/.Azure.
    pub azcontext_dir: *const c_char,
    /// The caller's AzContextAutoSave (NULL when unset): `true`/`false` force the change's scope.
    pub autosave: *const c_char,
    /// With AZCTX_CALL_CURRENT: the name of the caller's current context (NULL: none). Added in a
    /// later version: read only when `size` includes it.
    pub current: *const c_char,
}

impl AzctxCall {
    /// The size of the first version of the struct (`size`, `flags`, `azcontext_dir`, `autosave`):
    /// a smaller `size` is refused.
    const MIN_SIZE: usize =
        2 * std::mem::size_of::<u32>() + 2 * std::mem::size_of::<*const c_char>();

    /// Reads the caller's struct (NULL: every default), at most `size` bytes of it.
    // The pointer comes from C: checked for NULL first; the contract is the export's documentation.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn read(ptr: *const AzctxCall) -> FfiResult<AzctxCall> {
        let mut call = AzctxCall {
            size: 0,
            flags: 0,
            azcontext_dir: std::ptr::null(),
            autosave: std::ptr::null(),
            current: std::ptr::null(),
        };
        if ptr.is_null() {
            return Ok(call);
        }
        // SAFETY: non-null; the caller guarantees it points to an azctx_call whose `size` member is
        // readable (the first member, 4 bytes, aligned as the struct is).
        let size = unsafe { std::ptr::addr_of!((*ptr).size).read() } as usize;
        if size < Self::MIN_SIZE {
            return Err(FfiError::new(
                AzctxStatus::InvalidArgument,
                format!(
                    "azctx_call.size is {size}; set it to sizeof(azctx_call) ({} or more)",
                    Self::MIN_SIZE
                ),
            ));
        }
        let full = std::mem::size_of::<AzctxCall>();
        // The first version of the struct ends before `current`; any size between that one and ours
        // would copy part of a pointer.
        if size > Self::MIN_SIZE && size < full {
            return Err(FfiError::new(
                AzctxStatus::InvalidArgument,
                format!(
                    "azctx_call.size is {size}; set it to sizeof(azctx_call) ({full}, or {} for the first version)",
                    Self::MIN_SIZE
                ),
            ));
        }
        let n = size.min(full);
        // SAFETY: the caller guarantees `size` readable bytes at `ptr`; at most that many, and at most
        // the size of our struct, are copied into a properly initialized local.
        unsafe {
            std::ptr::copy_nonoverlapping(
                ptr as *const u8,
                std::ptr::addr_of_mut!(call) as *mut u8,
                n,
            )
        };
        if n < full && call.flags & AZCTX_CALL_CURRENT != 0 {
            return Err(FfiError::new(
                AzctxStatus::InvalidArgument,
                format!("azctx_call.flags has AZCTX_CALL_CURRENT, but azctx_call.size ({size}) ends before `current`"),
            ));
        }
        Ok(call)
    }
}
