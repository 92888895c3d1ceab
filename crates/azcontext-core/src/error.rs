//! The one error type of the core. Every variant maps to one C ABI status (see `Error::kind`), so the
//! status never depends on message text. Messages never echo secrets or raw input values.

use std::path::PathBuf;

/// A JSON text (a file or a string handed in) that does not have the expected shape.
/// `source_name` is the file path, or a label such as `<input>` for text that came from the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: line {line}, column {column}: {message}")]
pub struct FormatError {
    pub source_name: String,
    /// 1-based; 0 when the problem is not at one place (e.g. the file is too large).
    pub line: usize,
    /// 1-based, counted in characters.
    pub column: usize,
    /// What was wrong and what was expected, e.g. "expected a string or null for 'Account.Id', found a number".
    pub message: String,
}

/// What kind of named object an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Context,
    Environment,
    Account,
    File,
    /// A subscription (or tenant) looked up among the stored contexts.
    Subscription,
}

impl std::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ObjectKind::Context => "context",
            ObjectKind::Environment => "environment",
            ObjectKind::Account => "account",
            ObjectKind::File => "file",
            ObjectKind::Subscription => "subscription",
        })
    }
}

/// The category of an [`Error`]; the C ABI maps each to one status code, so what was not found or
/// already exists (a context, an environment, a file) survives to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidArgument,
    /// A context (or an account) that is not stored.
    NotFound,
    EnvironmentNotFound,
    FileNotFound,
    /// No stored subscription or tenant matches (Set-AzContext -Subscription/-Tenant, offline).
    SubscriptionNotFound,
    /// A context name that is taken.
    AlreadyExists,
    FileAlreadyExists,
    InvalidName,
    InvalidProfile,
    ReadOnly,
    LoginRequired,
    Io,
    PermissionDenied,
    LockTimeout,
    CorruptFile,
    NotSupported,
    /// A rule of the library itself was broken (a bug), never the caller's input.
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A caller-supplied value is not acceptable (not a name; see `InvalidName`).
    #[error("{0}")]
    InvalidArgument(String),

    /// The message is Az's where Az has one (e.g. `The environment name '{0}' is not found.`).
    #[error("{message}")]
    NotFound {
        kind: ObjectKind,
        name: String,
        message: String,
    },

    #[error("{message}")]
    AlreadyExists {
        kind: ObjectKind,
        name: String,
        message: String,
    },

    /// A context or environment name that cannot be stored (empty, NUL, the reserved `Default`).
    #[error("invalid {kind} name: {reason}")]
    InvalidName {
        kind: ObjectKind,
        name: String,
        reason: String,
    },

    /// JSON that is not a valid profile, settings file or context record.
    #[error(transparent)]
    InvalidProfile(#[from] FormatError),

    /// Public environments cannot be changed or removed; the message is Az's.
    #[error("{message}")]
    ReadOnly { name: String, message: String },

    /// Az's `Run Connect-AzAccount to login.` and relatives: an operation needs a signed-in default context.
    #[error("{0}")]
    LoginRequired(String),

    /// The operating system's error is said in words ([`io_words`]); it is not a `source()`, so no
    /// caller appends its Rust text ("Is a directory (os error 21)") after the message.
    #[error("{action} '{}' failed: {}", .path.display(), io_words(.cause))]
    Io {
        action: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },

    #[error("access to '{}' was denied ({action}): {}", .path.display(), io_words(.cause))]
    PermissionDenied {
        action: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },

    /// A store file or folder AzContext refuses to use, as ssh's StrictModes does: owned by another
    /// user, a symbolic link, or not a regular file (a folder: not a directory). `problem` says what is
    /// wrong, `fix` what to do. Nothing was read from it or changed.
    #[error("'{}' {problem}; {fix}", .path.display())]
    Untrusted {
        path: PathBuf,
        problem: String,
        fix: String,
    },

    /// Another process held the lock on `path` longer than the wait limit.
    #[error("{}", lock_timeout_message(.path, .waited_ms, .holder_pid))]
    LockTimeout {
        path: PathBuf,
        waited_ms: u64,
        holder_pid: Option<u32>,
    },

    /// A stored file did not parse. It was moved aside to `quarantined` and is kept there.
    #[error("the file '{}' is corrupt and was moved aside to '{}'; nothing in it was lost or changed", .path.display(), .quarantined.display())]
    CorruptFile {
        path: PathBuf,
        quarantined: PathBuf,
        #[source]
        source: FormatError,
    },

    /// A feature that needs the network or a platform service that AzContext does not have yet.
    #[error("{0}")]
    NotSupported(String),

    /// An invariant of the library did not hold (a bug): reported, never guessed around.
    #[error("internal error: {0}. Please report this.")]
    Internal(String),
}

fn lock_timeout_message(path: &std::path::Path, waited_ms: &u64, holder: &Option<u32>) -> String {
    // Az's text first, so scripts matching it keep working, then what Az never said: the wait and the holder.
    let mut s = format!(
        "Could not acquire access to file '{}' please try again in a few minutes. (waited {} ms for the lock",
        path.display(),
        waited_ms
    );
    if let Some(pid) = holder {
        s.push_str(&format!("; held by process {pid}"));
    }
    s.push(')');
    s
}

/// An operating-system error in lower-case words, without Rust's " (os error N)" suffix: "is a
/// directory", "permission denied", "no such file or directory".
pub fn io_words(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => format!("{:?}", e.kind()),
    }
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidArgument(_) => ErrorKind::InvalidArgument,
            Error::NotFound { kind, .. } => match kind {
                ObjectKind::Environment => ErrorKind::EnvironmentNotFound,
                ObjectKind::File => ErrorKind::FileNotFound,
                ObjectKind::Subscription => ErrorKind::SubscriptionNotFound,
                ObjectKind::Context | ObjectKind::Account => ErrorKind::NotFound,
            },
            Error::AlreadyExists { kind, .. } => match kind {
                ObjectKind::File => ErrorKind::FileAlreadyExists,
                _ => ErrorKind::AlreadyExists,
            },
            Error::InvalidName { .. } => ErrorKind::InvalidName,
            Error::InvalidProfile(_) => ErrorKind::InvalidProfile,
            Error::ReadOnly { .. } => ErrorKind::ReadOnly,
            Error::LoginRequired(_) => ErrorKind::LoginRequired,
            Error::Io { .. } => ErrorKind::Io,
            Error::PermissionDenied { .. } | Error::Untrusted { .. } => ErrorKind::PermissionDenied,
            Error::LockTimeout { .. } => ErrorKind::LockTimeout,
            Error::CorruptFile { .. } => ErrorKind::CorruptFile,
            Error::NotSupported(_) => ErrorKind::NotSupported,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// An I/O error on `path`, classified by its kind: permission problems get their own variant, a
    /// missing file is [`Error::NotFound`] of a file, the rest [`Error::Io`] in words a user understands.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, cause: std::io::Error) -> Error {
        let path = path.into();
        if cause.kind() == std::io::ErrorKind::NotFound {
            let message = format!("{action} '{}' failed: {}", path.display(), io_words(&cause));
            return Error::NotFound {
                kind: ObjectKind::File,
                name: path.to_string_lossy().into_owned(),
                message,
            };
        }
        if cause.kind() == std::io::ErrorKind::PermissionDenied {
            Error::PermissionDenied {
                action,
                path,
                cause,
            }
        } else {
            Error::Io {
                action,
                path,
                cause,
            }
        }
    }

    pub fn context_not_found(name: &str) -> Error {
        Error::NotFound {
            kind: ObjectKind::Context,
            name: name.to_owned(),
            message: format!("The context '{name}' was not found."),
        }
    }

    pub fn environment_not_found(name: &str) -> Error {
        Error::NotFound {
            kind: ObjectKind::Environment,
            name: name.to_owned(),
            message: format!("The environment name '{name}' is not found."),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_said_in_words_without_the_os_error_number() {
        let dir = std::io::Error::from_raw_os_error(21); // EISDIR
        let e = Error::io("writing", "/tmp/x", dir);
        let text = e.to_string();
        assert_eq!(text, "writing '/tmp/x' failed: is a directory");
        assert!(std::error::Error::source(&e).is_none());
        let denied = Error::io("reading", "/tmp/y", std::io::Error::from_raw_os_error(13));
        assert_eq!(denied.kind(), ErrorKind::PermissionDenied);
        assert_eq!(
            denied.to_string(),
            "access to '/tmp/y' was denied (reading): permission denied"
        );
        let custom = std::io::Error::new(std::io::ErrorKind::Other, "Disk on fire");
        assert_eq!(io_words(&custom), "disk on fire");
    }
}
