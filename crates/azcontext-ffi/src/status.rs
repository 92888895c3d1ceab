//! Status codes: the one return type of every fallible export.

use azcontext_core::error::ErrorKind;

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
    /// The named context, environment or file does not exist.
    NotFound = 100,
    /// The target name exists and overwriting was not requested.
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
}

impl From<ErrorKind> for AzctxStatus {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidArgument => AzctxStatus::InvalidArgument,
            ErrorKind::NotFound => AzctxStatus::NotFound,
            ErrorKind::AlreadyExists => AzctxStatus::AlreadyExists,
            ErrorKind::InvalidName => AzctxStatus::InvalidName,
            ErrorKind::InvalidProfile => AzctxStatus::InvalidProfile,
            ErrorKind::ReadOnly => AzctxStatus::ReadOnly,
            ErrorKind::LoginRequired => AzctxStatus::LoginRequired,
            ErrorKind::NotSupported => AzctxStatus::NotSupported,
            ErrorKind::Io => AzctxStatus::Io,
            ErrorKind::PermissionDenied => AzctxStatus::PermissionDenied,
            ErrorKind::LockTimeout => AzctxStatus::LockTimeout,
            ErrorKind::CorruptFile => AzctxStatus::CorruptFile,
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
