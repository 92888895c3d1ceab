//! The core's one door to the operating system below `std`, through the `libc` crate: open flags,
//! `flock`, the effective uid and a liveness probe. The only module of the crate allowed `unsafe`;
//! every block states why it is sound. Everything above it (see [`crate::fsio`]) is safe code.
//!
//! - Files are opened with `O_NOFOLLOW` where a symbolic link must not be followed (the open fails
//!   with `ELOOP` instead), and always with `O_NONBLOCK | O_NOCTTY | O_CLOEXEC`: opening a FIFO for
//!   reading then returns at once instead of waiting for a writer, and a terminal never becomes the
//!   controlling one. `O_NONBLOCK` has no effect on regular files, the only kind read further.
//! - `flock` is the lock .NET takes for `FileShare.None` on Linux (so Az.Accounts and AzContext
//!   exclude each other), `LOCK_SH` the one it takes for shared access.

#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// The two `flock` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// `LOCK_SH`: readers; excludes exclusive holders only.
    Shared,
    /// `LOCK_EX`: one writer, no readers that lock.
    Exclusive,
}

impl LockKind {
    fn op(self) -> libc::c_int {
        match self {
            LockKind::Shared => libc::LOCK_SH,
            LockKind::Exclusive => libc::LOCK_EX,
        }
    }
}

/// Flags every open of this crate adds (see the module documentation).
const ALWAYS: libc::c_int = libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;

/// Opens `path` read-only without waiting on a FIFO; with `follow == false` a symbolic link at the
/// last component fails with `ELOOP` (see [`is_symlink_error`]).
pub fn open_read(path: &Path, follow: bool) -> io::Result<File> {
    let flags = if follow {
        ALWAYS
    } else {
        ALWAYS | libc::O_NOFOLLOW
    };
    OpenOptions::new().read(true).custom_flags(flags).open(path)
}

/// Opens a directory read-only (for `fstat`, `fchmod` and `fsync`); a path that is not a directory
/// fails with `ENOTDIR`.
pub fn open_dir(path: &Path, follow: bool) -> io::Result<File> {
    let flags = ALWAYS | libc::O_DIRECTORY | if follow { 0 } else { libc::O_NOFOLLOW };
    OpenOptions::new().read(true).custom_flags(flags).open(path)
}

/// Whether an open with `follow == false` failed because the path is a symbolic link.
pub fn is_symlink_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// Whether an open of a directory failed because the path is not one.
pub fn is_not_dir_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ENOTDIR)
}

/// Tries to take `kind` on `file` without waiting: `Ok(false)` when another open file description
/// holds a conflicting lock.
pub fn try_lock(file: &File, kind: LockKind) -> io::Result<bool> {
    // SAFETY: `flock` reads no memory of ours; the descriptor is valid for the lifetime of `file`,
    // which the borrow keeps open for the duration of the call.
    let r = unsafe { libc::flock(file.as_raw_fd(), kind.op() | libc::LOCK_NB) };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Takes `kind` on `file`, blocking in the kernel until the holder lets go (a signal that interrupts
/// the wait restarts it).
pub fn lock_blocking(file: &File, kind: LockKind) -> io::Result<()> {
    loop {
        // SAFETY: as in `try_lock`: no memory is passed, the descriptor outlives the call.
        let r = unsafe { libc::flock(file.as_raw_fd(), kind.op()) };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// The effective user id: the owner every store file and folder must have.
pub fn effective_uid() -> u32 {
    // SAFETY: `geteuid` takes no arguments, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

/// Whether a process with this id exists (`kill(pid, 0)`; a process of another user counts). Used to
/// tell a dead writer's temporary file from a live one's.
pub fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that `pid` could be signalled; nothing is sent and no memory of
    // ours is involved. `pid > 0` addresses exactly one process, never a group.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_conflict_across_open_file_descriptions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"x").unwrap();
        let a = open_read(&p, false).unwrap();
        let b = open_read(&p, false).unwrap();
        assert!(try_lock(&a, LockKind::Shared).unwrap());
        assert!(try_lock(&b, LockKind::Shared).unwrap());
        drop(b);
        let c = open_read(&p, false).unwrap();
        assert!(!try_lock(&c, LockKind::Exclusive).unwrap());
        drop(a);
        assert!(try_lock(&c, LockKind::Exclusive).unwrap());
    }

    #[test]
    fn links_are_not_followed_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t");
        std::fs::write(&target, b"x").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = open_read(&link, false).unwrap_err();
        assert!(is_symlink_error(&e), "{e}");
        assert!(open_read(&link, true).is_ok());
        assert!(is_not_dir_error(&open_dir(&target, true).unwrap_err()));
    }

    #[test]
    fn liveness_probe() {
        assert!(process_exists(std::process::id()));
        assert!(!process_exists(0));
        assert!(!process_exists(u32::MAX));
    }
}
