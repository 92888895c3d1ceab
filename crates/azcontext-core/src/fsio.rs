//! File primitives of the store: private directories and files, atomic replacement, the cooperative
//! lock on a data file, cheap change detection, quarantine of files that do not parse, and the trust
//! rules every store file and folder must pass. The system calls below `std` live in [`crate::os`].
//!
//! Everything here works on bytes and paths; nothing knows about profiles.
//!
//! - **Permissions.** Directories this module creates are 0700 and every file it writes is 0600, set
//!   explicitly after creation, so the umask does not matter (Az leaves them to the umask).
//! - **Trust** (as ssh's StrictModes): a store file is opened without following a symbolic link
//!   (`O_NOFOLLOW`) and checked on the open handle (`fstat`): it must be a regular file owned by the
//!   effective user, else [`Error::Untrusted`] names it and says what to do; one that is readable or
//!   writable by group or others is tightened to 0600 on the handle (`fchmod`), never through a path.
//!   The store folder is checked the same way and tightened to 0700 ([`secure_dir`]). Nothing here
//!   ever changes the mode or content of a file reached through a link.
//! - **Bounded reads.** Every open adds `O_NONBLOCK`, so a FIFO never blocks the open; only regular
//!   files are read, and at most [`MAX_FILE_LEN`] bytes of them.
//! - **Atomic replacement** ([`write_atomic`]): a temporary file in the same directory, write, `fsync`,
//!   `rename` over the target, `fsync` of the directory. A reader sees the old file or the new one, never
//!   a mixture, and a crash at any point leaves one of the two (Az rewrites the file in place).
//! - **Locking** ([`lock`]): `flock` on the data file itself, which is what .NET's `FileShare.None`
//!   does on Linux, so Az.Accounts and AzContext exclude each other. The file is never created for
//!   locking (a missing file is `None`: see [`create_atomic`]). The wait is bounded and ends in
//!   [`Error::LockTimeout`] naming the path and, when `/proc/locks` tells, the holder's pid. Because
//!   writers replace the file by rename, a waiter may end up holding a lock on an inode that is no
//!   longer at the path: after locking, the locked file's device and inode are compared with the
//!   path's, and on a mismatch the file is reopened and locked again.
//! - **Change detection** ([`FileStamp`]): device, inode, size, mtime and ctime. Equal stamps mean the
//!   file did not change, so a cached parse can be reused without reading.
//! - **Quarantine** ([`quarantine`]): a file that does not parse is moved aside to
//!   `<name>.corrupt-<UTC timestamp>[-n]`, never overwritten or deleted.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::{Error, FormatError, Result};
use crate::os::{self, LockKind};

/// How long [`lock`] waits by default: as long as Az, which retries 31 times 500 ms apart (about
/// 15 s) before it fails. The wait always ends, in an error naming the holder; it never hangs.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(15);

/// Mode of every directory the store creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file the store writes.
pub const FILE_MODE: u32 = 0o600;
/// The most any file is read (64 MiB; 10,000 full contexts take about 30 MiB).
pub const MAX_FILE_LEN: u64 = 64 * 1024 * 1024;

/// Identity and version of a file: equal stamps mean "same file, unchanged" for our purposes.
/// Atomic replacement always changes the inode; an in-place writer (Az) changes size or times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
}

impl FileStamp {
    pub fn of(meta: &fs::Metadata) -> FileStamp {
        FileStamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
        }
    }

    /// The stamp of what is at `path` itself (a link is not followed), or `None` when nothing is.
    pub fn of_path(path: &Path) -> Result<Option<FileStamp>> {
        match fs::symlink_metadata(path) {
            Ok(m) => Ok(Some(FileStamp::of(&m))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading the attributes of", path, e)),
        }
    }

    /// Same file (device and inode), whatever its content.
    pub fn same_file(&self, other: &FileStamp) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }
}

/// A fast 64-bit hash of file content, to tell whether bytes read under the lock are exactly the bytes a
/// cached parse came from (file times alone can miss an in-place rewrite within one clock tick).
/// Not cryptographic: it guards against accidents, not adversaries.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ v).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 32)
}

/// How a file to read is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// A file of the store: no link followed, owned by the effective user, a regular file; with
    /// `tighten`, a mode open to group or others is set to 0600 on the handle.
    Store { tighten: bool },
    /// A path the user named (Import-AzContext -Path): links followed, any owner, but only a regular
    /// file is read.
    UserPath,
}

/// "a FIFO (named pipe)", "a directory", …: what a file type is, for messages.
pub fn type_name(ft: &fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

fn untrusted(path: &Path, problem: impl Into<String>, fix: impl Into<String>) -> Error {
    Error::Untrusted {
        path: path.to_path_buf(),
        problem: problem.into(),
        fix: fix.into(),
    }
}

fn symlink_refused(path: &Path) -> Error {
    untrusted(
        path,
        "is a symbolic link, and AzContext follows no link inside the store folder",
        "replace the link with the file itself (or remove it), or set AZCONTEXT_DIR to the folder it points into",
    )
}

/// Refuses what the effective user does not own (root included: its files must be root's).
fn check_owner(meta: &fs::Metadata, path: &Path) -> Result<()> {
    let me = os::effective_uid();
    if meta.uid() == me {
        return Ok(());
    }
    Err(untrusted(
        path,
        format!("is owned by user {}, not by you (user {me})", meta.uid()),
        format!(
            "AzContext uses only files and folders you own: remove it, or take it over with `chown {me} '{}'`, or set AZCONTEXT_DIR to a folder of your own",
            path.display()
        ),
    ))
}

/// The trust checks of a store file, on its open handle: a regular file, owned by the effective user,
/// mode tightened to 0600 when `tighten` and open to group or others.
fn check_store_file(file: &File, meta: &fs::Metadata, path: &Path, tighten: bool) -> Result<()> {
    if !meta.is_file() {
        return Err(untrusted(
            path,
            format!("is {}, not a regular file", type_name(&meta.file_type())),
            "remove it; AzContext creates the file when it needs one",
        ));
    }
    check_owner(meta, path)?;
    if tighten && meta.mode() & 0o077 != 0 {
        file.set_permissions(fs::Permissions::from_mode(FILE_MODE))
            .map_err(|e| Error::io("setting the permissions of", path, e))?;
    }
    Ok(())
}

/// Opens `path` for reading under the rules of `trust`; `Ok(None)` when nothing is there.
fn open_checked(path: &Path, trust: Trust) -> Result<Option<(File, fs::Metadata)>> {
    let follow = trust == Trust::UserPath;
    let file = match os::open_read(path, follow) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if !follow && os::is_symlink_error(&e) => return Err(symlink_refused(path)),
        Err(e) => return Err(Error::io("opening", path, e)),
    };
    let meta = file
        .metadata()
        .map_err(|e| Error::io("reading the attributes of", path, e))?;
    match trust {
        Trust::Store { tighten } => check_store_file(&file, &meta, path, tighten)?,
        Trust::UserPath if !meta.is_file() => {
            return Err(Error::InvalidArgument(format!(
                "'{}' is {}, not a regular file; give the path of a file saved by Save-AzContext",
                path.display(),
                type_name(&meta.file_type())
            )))
        }
        Trust::UserPath => {}
    }
    Ok(Some((file, meta)))
}

fn too_large(path: &Path, len: u64) -> Error {
    Error::InvalidProfile(FormatError {
        source_name: path.display().to_string(),
        line: 0,
        column: 0,
        message: format!(
            "the file is {len} bytes or more; AzContext reads at most {MAX_FILE_LEN} bytes (64 MiB)"
        ),
    })
}

/// Reads an open regular file from its start, at most [`MAX_FILE_LEN`] bytes (a larger file is an
/// error naming it, even if it grew while being read).
fn read_capped(file: &mut File, path: &Path, size_hint: u64) -> Result<Vec<u8>> {
    if size_hint > MAX_FILE_LEN {
        return Err(too_large(path, size_hint));
    }
    let mut buf = Vec::with_capacity(size_hint as usize);
    file.take(MAX_FILE_LEN + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("reading", path, e))?;
    if buf.len() as u64 > MAX_FILE_LEN {
        return Err(too_large(path, buf.len() as u64));
    }
    Ok(buf)
}

/// Checks (and, for the store folder, tightens) a directory: it must be a directory owned by the
/// effective user. With `tighten`, a mode open to group or others becomes 0700 (on the open handle);
/// without, a folder writable by group or others is refused (a folder the settings file points to
/// is never changed).
pub fn secure_dir(dir: &Path, tighten: bool) -> Result<()> {
    let d = match os::open_dir(dir, true) {
        Ok(d) => d,
        Err(e) if os::is_not_dir_error(&e) => {
            return Err(untrusted(
                dir,
                "is not a directory",
                "set AZCONTEXT_DIR (or the settings file's ContextDirectory) to a folder",
            ))
        }
        Err(e) => return Err(Error::io("opening the directory", dir, e)),
    };
    let meta = d
        .metadata()
        .map_err(|e| Error::io("reading the attributes of", dir, e))?;
    check_owner(&meta, dir)?;
    let mode = meta.mode() & 0o7777;
    if mode & 0o077 != 0 {
        if tighten {
            d.set_permissions(fs::Permissions::from_mode(DIR_MODE))
                .map_err(|e| Error::io("setting the permissions of", dir, e))?;
        } else if mode & 0o022 != 0 {
            return Err(untrusted(
                dir,
                format!("is writable by group or others (mode {mode:04o})"),
                format!("run `chmod 700 '{}'`", dir.display()),
            ));
        }
    }
    Ok(())
}

/// Applies the store trust rules to the file at `path` if there is one (tightening its mode), without
/// reading it: for files a session will use later (the key store, the index).
pub fn secure_existing_file(path: &Path) -> Result<()> {
    open_checked(path, Trust::Store { tighten: true }).map(|_| ())
}

/// Refuses a path that `rename` must not replace: a directory, FIFO, socket or device (a regular file,
/// a symbolic link, which `rename` replaces itself, and nothing at all are fine).
pub fn check_replaceable(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() || m.file_type().is_symlink() => Ok(()),
        Ok(m) => Err(Error::InvalidArgument(format!(
            "'{}' is {}, not a regular file; nothing was written: choose the path of a file",
            path.display(),
            type_name(&m.file_type())
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("reading the attributes of", path, e)),
    }
}

/// Creates `dir` and any missing parents; every directory created here gets mode 0700.
/// Existing directories are left as they are.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    // Create parents one by one so each new one can be given 0700 explicitly.
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.is_dir() {
            break;
        }
        missing.push(d);
        cur = d.parent();
    }
    for d in missing.into_iter().rev() {
        match fs::DirBuilder::new().mode(DIR_MODE).create(d) {
            Ok(()) => fs::set_permissions(d, fs::Permissions::from_mode(DIR_MODE))
                .map_err(|e| Error::io("setting the permissions of", d, e))?,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => return Err(Error::io("creating the directory", d, e)),
        }
    }
    Ok(())
}

/// Reads the whole file under the rules of `trust`, or `None` when it does not exist. No lock is
/// taken. The stamp is taken from the open handle, so it describes exactly the bytes returned.
pub fn read_file(path: &Path, trust: Trust) -> Result<Option<(FileStamp, Vec<u8>)>> {
    let Some((mut f, meta)) = open_checked(path, trust)? else {
        return Ok(None);
    };
    let buf = read_capped(&mut f, path, meta.len())?;
    Ok(Some((FileStamp::of(&meta), buf)))
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_path_for(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = format!(".{name}.tmp-{}-{n}-{nanos:x}", std::process::id());
    match path.parent() {
        Some(p) => p.join(tmp),
        None => PathBuf::from(tmp),
    }
}

/// Creates a new 0600 temporary file next to `path`, writes `bytes` and fsyncs it; the handle stays
/// open so the caller can stamp the file after renaming it.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<(PathBuf, File)> {
    let tmp = temp_path_for(path);
    let result = (|| -> io::Result<File> {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(&tmp)?;
        // The umask can only remove bits from 0600, but be explicit anyway.
        f.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        Ok(f)
    })();
    match result {
        Ok(f) => Ok((tmp, f)),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(Error::io("writing", path, e))
        }
    }
}

/// Removes temporary files of `path` left by writers that died mid-write: the writer's pid is part of
/// the name, and a file is removed only when no process of that id exists (a writer creating the
/// file without the lock, see [`create_atomic`], may be alive and mid-way).
pub fn sweep_temp_files(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.tmp-");
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let file_name = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = file_name.strip_prefix(&prefix) else {
                continue;
            };
            let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
            if matches!(pid, Some(p) if p != std::process::id() && !os::process_exists(p)) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Fsyncs the directory containing `path`, so a completed rename survives a power cut.
pub fn sync_parent(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let d = File::open(dir).map_err(|e| Error::io("opening the directory", dir, e))?;
    d.sync_all()
        .map_err(|e| Error::io("syncing the directory", dir, e))
}

/// Replaces (or creates) `path` with `bytes` atomically: temp file in the same directory, fsync,
/// rename, fsync of the directory. The result is mode 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_stamped(path, bytes).map(|_| ())
}

/// [`write_atomic`], returning the stamp of the file written (taken from its handle after the rename,
/// so it is exactly that version even if another writer replaces it right after).
pub fn write_atomic_stamped(path: &Path, bytes: &[u8]) -> Result<FileStamp> {
    let (tmp, file) = write_temp(path, bytes)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io("replacing", path, e));
    }
    let meta = file
        .metadata()
        .map_err(|e| Error::io("reading the attributes of", path, e))?;
    sync_parent(path)?;
    Ok(FileStamp::of(&meta))
}

/// Creates `path` with `bytes` only if nothing exists there (atomically: the file appears complete or
/// not at all). Returns `false`, writing nothing, when the path already exists.
pub fn create_atomic(path: &Path, bytes: &[u8]) -> Result<bool> {
    create_atomic_stamped(path, bytes).map(|s| s.is_some())
}

/// [`create_atomic`], returning the stamp of the file created (`None`: something was already there).
/// This is how a missing store file comes to exist: never empty, so that no reader or writer can
/// mistake a file being created for an empty store.
pub fn create_atomic_stamped(path: &Path, bytes: &[u8]) -> Result<Option<FileStamp>> {
    let (tmp, file) = write_temp(path, bytes)?;
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            let meta = file
                .metadata()
                .map_err(|e| Error::io("reading the attributes of", path, e))?;
            sync_parent(path)?;
            Ok(Some(FileStamp::of(&meta)))
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(Error::io("creating", path, e)),
    }
}

/// A `flock` on a data file, held until dropped. The locked file is the one at the path at the moment
/// of locking (checked by device and inode).
#[derive(Debug)]
pub struct LockedFile {
    file: File,
    path: PathBuf,
    stamp: FileStamp,
}

impl LockedFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stamp of the locked file as it was when the lock was taken.
    pub fn stamp(&self) -> FileStamp {
        self.stamp
    }

    /// Reads the locked file's whole content (which no cooperating writer can change while we hold it),
    /// at most [`MAX_FILE_LEN`] bytes. The stamp is refreshed to the file as read.
    pub fn read_all(&mut self) -> Result<Vec<u8>> {
        use std::io::Seek;
        self.file
            .seek(io::SeekFrom::Start(0))
            .map_err(|e| Error::io("reading", &self.path, e))?;
        let meta = self
            .file
            .metadata()
            .map_err(|e| Error::io("reading the attributes of", &self.path, e))?;
        self.stamp = FileStamp::of(&meta);
        read_capped(&mut self.file, &self.path, meta.len())
    }

    /// Replaces the file's content atomically with `bytes`, unless `current` (what was read under this
    /// lock) is already equal, in which case nothing is written (size, mtime and inode stay unchanged).
    /// Returns whether a write happened. After a write the lock still covers the old inode, which is no
    /// longer at the path; keep holding it until done so that waiters on the old inode re-check and
    /// move to the new one.
    pub fn replace(&mut self, current: &[u8], bytes: &[u8]) -> Result<bool> {
        if current == bytes {
            return Ok(false);
        }
        self.write(bytes)?;
        Ok(true)
    }

    /// Replaces the file's content atomically with `bytes` (no comparison), sweeping temporary files
    /// of writers that died mid-write first. Returns the stamp of the new file.
    pub fn write(&mut self, bytes: &[u8]) -> Result<FileStamp> {
        sweep_temp_files(&self.path);
        write_atomic_stamped(&self.path, bytes)
    }
}

/// Waits up to `timeout` for `kind` on `file`, blocking in the kernel (so the wait ends as soon as the
/// holder lets go, instead of at the next poll). The blocking call runs on a helper thread holding a
/// duplicate of the descriptor; `flock` belongs to the open file description, so the lock it takes is
/// ours. If the wait times out, the helper keeps waiting and, once it gets the lock, releases it at
/// once by closing its duplicate (ours is gone by then).
fn wait_lock(file: &File, kind: LockKind, timeout: Duration) -> io::Result<bool> {
    if timeout.is_zero() {
        return Ok(false);
    }
    let dup = file.try_clone()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("azcontext-lock-wait".into())
        .spawn(move || {
            let r = os::lock_blocking(&dup, kind);
            let _ = tx.send(r);
            drop(dup);
        })?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(())) => Ok(true),
        Ok(Err(e)) => Err(e),
        Err(_) => Ok(false),
    }
}

/// Opens the store file at `path` (trust rules applied, see the module documentation) and takes `kind`
/// on it, waiting at most `timeout`. `Ok(None)` when there is no file: nothing is created. Fails with
/// [`Error::LockTimeout`] when another process keeps a conflicting lock longer than that.
pub fn lock(path: &Path, kind: LockKind, timeout: Duration) -> Result<Option<LockedFile>> {
    let start = Instant::now();
    loop {
        let Some((file, _)) = open_checked(path, Trust::Store { tighten: true })? else {
            return Ok(None);
        };
        let got = match os::try_lock(&file, kind) {
            Ok(true) => true,
            Ok(false) => {
                let remaining = timeout.saturating_sub(start.elapsed());
                wait_lock(&file, kind, remaining).map_err(|e| Error::io("locking", path, e))?
            }
            Err(e) => return Err(Error::io("locking", path, e)),
        };
        if !got {
            let holder = lock_holder_pid(&file);
            return Err(Error::LockTimeout {
                path: path.to_path_buf(),
                waited_ms: start.elapsed().as_millis() as u64,
                holder_pid: holder,
            });
        }
        let meta = file
            .metadata()
            .map_err(|e| Error::io("reading the attributes of", path, e))?;
        let locked = FileStamp::of(&meta);
        // The path may have been replaced (rename) or removed while we waited: then we hold a lock on
        // a file nobody will read again. Let go and lock whatever is at the path now.
        match FileStamp::of_path(path)? {
            Some(now) if now.same_file(&locked) => {
                return Ok(Some(LockedFile {
                    file,
                    path: path.to_path_buf(),
                    stamp: locked,
                }));
            }
            _ => continue,
        }
    }
}

/// [`lock`] with `LOCK_EX`: the writer's lock.
pub fn lock_exclusive(path: &Path, timeout: Duration) -> Result<Option<LockedFile>> {
    lock(path, LockKind::Exclusive, timeout)
}

/// [`lock`] with `LOCK_SH`: waits for a writer that holds `LOCK_EX` (Az.Accounts, or AzContext).
pub fn lock_shared(path: &Path, timeout: Duration) -> Result<Option<LockedFile>> {
    lock(path, LockKind::Shared, timeout)
}

/// The pid holding a `flock` on this file's inode, from `/proc/locks` (Linux only; `None` elsewhere or
/// when it cannot be told). Best effort: the pid recorded is the one that took the lock.
fn lock_holder_pid(file: &File) -> Option<u32> {
    let meta = file.metadata().ok()?;
    let text = fs::read_to_string("/proc/locks").ok()?;
    holder_from_proc_locks(&text, meta.dev(), meta.ino())
}

/// Parses `/proc/locks` lines such as `1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF`
/// (major:minor in hex, inode in decimal); blocked waiters (`->`) are skipped.
pub(crate) fn holder_from_proc_locks(text: &str, dev: u64, ino: u64) -> Option<u32> {
    // Linux's dev_t encoding (glibc gnu_dev_major/minor).
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 6 || fields.get(1) == Some(&"->") {
            continue;
        }
        if fields[1] != "FLOCK" || fields[3] != "WRITE" {
            continue;
        }
        let mut parts = fields[5].split(':');
        let (Some(ma), Some(mi), Some(inode)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let matches = u64::from_str_radix(ma, 16).ok() == Some(major)
            && u64::from_str_radix(mi, 16).ok() == Some(minor)
            && inode.parse::<u64>().ok() == Some(ino);
        if matches {
            return fields[4].parse().ok();
        }
    }
    None
}

/// `YYYYMMDDTHHMMSSZ` for a time since the Unix epoch (UTC, proleptic Gregorian).
pub fn utc_timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Moves `path` aside to `<name>.corrupt-<UTC timestamp>` (with `-2`, `-3`, … appended if that name is
/// taken) and returns the new path. The file is linked under the new name first and only then unlinked
/// from the old one, so it is never lost and no existing file is overwritten. The quarantined file keeps
/// its content; its mode is tightened to 0600.
pub fn quarantine(path: &Path) -> Result<PathBuf> {
    let kept = keep_aside(path)?;
    fs::remove_file(path).map_err(|e| Error::io("moving aside", path, e))?;
    sync_parent(path)?;
    Ok(kept)
}

/// Links the file at `path` to a new `<name>.corrupt-<utc-timestamp>` beside it and leaves `path` in
/// place, for a caller holding the lock that replaces `path` next (by rename): the path never goes
/// missing, so no other writer can slip a new file in between.
pub fn keep_aside(path: &Path) -> Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(m) if m.file_type().is_symlink() => return Err(symlink_refused(path)),
        Ok(m) => {
            return Err(untrusted(
                path,
                format!("is {}, not a regular file", type_name(&m.file_type())),
                "remove it; AzContext creates the file when it needs one",
            ))
        }
        Err(e) => return Err(Error::io("moving aside", path, e)),
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let base = format!("{name}.corrupt-{}", utc_timestamp(SystemTime::now()));
    let dir = path.parent().unwrap_or_else(|| Path::new(""));
    for n in 1u32.. {
        let candidate = if n == 1 {
            dir.join(&base)
        } else {
            dir.join(format!("{base}-{n}"))
        };
        match fs::hard_link(path, &candidate) {
            Ok(()) => {
                // On the handle of the new name, opened without following a link: the mode of a
                // file outside the store can never change here.
                if let Ok(f) = os::open_read(&candidate, false) {
                    if f.metadata().is_ok_and(|m| m.is_file()) {
                        let _ = f.set_permissions(fs::Permissions::from_mode(FILE_MODE));
                    }
                }
                sync_parent(path)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("moving aside", path, e)),
        }
    }
    unreachable!("u32 range exhausted while naming a quarantine file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_is_utc_civil_time() {
        assert_eq!(utc_timestamp(UNIX_EPOCH), "19700101T000000Z");
        // 2026-11-24T20:15:00Z
        let t = UNIX_EPOCH + Duration::from_secs(1_795_551_300);
        assert_eq!(utc_timestamp(t), "20261124T201500Z");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(utc_timestamp(t), "20000229T000000Z");
    }

    #[test]
    fn proc_locks_parsing() {
        // dev 0x801 = major 8, minor 1
        let text = "1: POSIX  ADVISORY  WRITE 11 08:01:99 0 EOF\n\
                    2: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF\n\
                    2: -> FLOCK  ADVISORY  WRITE 4343 08:01:1234 0 EOF\n";
        assert_eq!(holder_from_proc_locks(text, 0x801, 1234), Some(4242));
        assert_eq!(holder_from_proc_locks(text, 0x801, 99), None);
        assert_eq!(holder_from_proc_locks(text, 0x802, 1234), None);
    }

    #[test]
    fn atomic_write_create_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        ensure_dir(&sub).unwrap();
        for d in [dir.path().join("a"), sub.clone()] {
            assert_eq!(
                fs::metadata(&d).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        let f = sub.join("x.json");
        write_atomic(&f, b"one").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(!create_atomic(&f, b"two").unwrap());
        assert_eq!(fs::read(&f).unwrap(), b"one");
        let g = sub.join("y.json");
        assert!(create_atomic(&g, b"two").unwrap());
        assert_eq!(fs::read(&g).unwrap(), b"two");
        // no temp files left behind
        let names: Vec<_> = fs::read_dir(&sub)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn lock_replace_skips_identical_and_detects_replacement() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("AzureRmContext.json");
        // Locking never creates the file.
        assert!(lock_exclusive(&f, DEFAULT_LOCK_TIMEOUT).unwrap().is_none());
        assert!(!f.exists());
        assert!(create_atomic(&f, b"[]").unwrap());
        {
            let mut l = lock_exclusive(&f, DEFAULT_LOCK_TIMEOUT).unwrap().unwrap();
            let cur = l.read_all().unwrap();
            assert_eq!(cur, b"[]");
            assert!(l.replace(&cur, b"{}").unwrap());
        }
        let before = FileStamp::of_path(&f).unwrap().unwrap();
        {
            let mut l = lock_exclusive(&f, DEFAULT_LOCK_TIMEOUT).unwrap().unwrap();
            assert!(l.stamp().same_file(&before));
            let cur = l.read_all().unwrap();
            assert!(!l.replace(&cur, b"{}").unwrap());
        }
        assert_eq!(FileStamp::of_path(&f).unwrap().unwrap(), before);
    }

    #[test]
    fn lock_times_out_naming_path_and_holder() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("AzureRmContext.json");
        fs::write(&f, b"{}").unwrap();
        let _held = lock_exclusive(&f, DEFAULT_LOCK_TIMEOUT).unwrap();
        // A second open file description contends with the first, even in one process.
        let err = lock_exclusive(&f, Duration::from_millis(50)).unwrap_err();
        match &err {
            Error::LockTimeout {
                path, holder_pid, ..
            } => {
                assert_eq!(path, &f);
                if Path::new("/proc/locks").exists() {
                    assert_eq!(*holder_pid, Some(std::process::id()));
                }
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("AzureRmContext.json"));
        // A shared lock waits for the exclusive holder too, and shared holders do not exclude each other.
        assert!(matches!(
            lock_shared(&f, Duration::from_millis(50)),
            Err(Error::LockTimeout { .. })
        ));
        drop(_held);
        let _a = lock_shared(&f, DEFAULT_LOCK_TIMEOUT).unwrap().unwrap();
        let _b = lock_shared(&f, Duration::from_millis(50)).unwrap().unwrap();
    }

    #[test]
    fn store_files_follow_no_link_and_read_only_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::write(&outside, b"{}").unwrap();
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("AzureRmContext.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let tight = Trust::Store { tighten: true };
        for r in [
            read_file(&link, tight).map(|_| ()),
            lock_exclusive(&link, DEFAULT_LOCK_TIMEOUT).map(|_| ()),
            keep_aside(&link).map(|_| ()),
            secure_existing_file(&link),
        ] {
            let e = r.unwrap_err();
            assert!(matches!(e, Error::Untrusted { .. }), "{e}");
            assert!(e.to_string().contains(&*link.to_string_lossy()), "{e}");
            assert!(e.to_string().contains("symbolic link"), "{e}");
        }
        // The target is untouched: mode and content.
        assert_eq!(mode_of(&outside), 0o644);
        assert_eq!(fs::read(&outside).unwrap(), b"{}");
        // A dangling link: locking creates nothing through it.
        let gone = dir.path().join("gone");
        let dangling = dir.path().join("d.json");
        std::os::unix::fs::symlink(&gone, &dangling).unwrap();
        assert!(lock_exclusive(&dangling, DEFAULT_LOCK_TIMEOUT).is_err());
        assert!(!gone.exists());
        // A path the user names may be a link, but only a regular file is read.
        assert_eq!(read_file(&link, Trust::UserPath).unwrap().unwrap().1, b"{}");
        let e = read_file(dir.path(), Trust::UserPath).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
    }

    fn mode_of(p: &Path) -> u32 {
        fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn too_open_files_and_folders_are_tightened_and_foreign_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        fs::create_dir(&store).unwrap();
        fs::set_permissions(&store, fs::Permissions::from_mode(0o1777)).unwrap();
        secure_dir(&store, true).unwrap();
        assert_eq!(mode_of(&store), 0o700);
        let ks = store.join("keystore.cache");
        fs::write(&ks, b"[]").unwrap();
        fs::set_permissions(&ks, fs::Permissions::from_mode(0o666)).unwrap();
        secure_existing_file(&ks).unwrap();
        assert_eq!(mode_of(&ks), 0o600);
        // Without tightening (a folder the settings file points to), a writable folder is refused.
        let other = dir.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::set_permissions(&other, fs::Permissions::from_mode(0o777)).unwrap();
        let e = secure_dir(&other, false).unwrap_err();
        assert!(e.to_string().contains("chmod 700"), "{e}");
        assert_eq!(mode_of(&other), 0o777);
        if os::effective_uid() == 0 {
            // Root can give files away: a file of another user is refused, and left as it is.
            std::os::unix::fs::chown(&ks, Some(65534), None).unwrap();
            fs::set_permissions(&ks, fs::Permissions::from_mode(0o644)).unwrap();
            let e = secure_existing_file(&ks).unwrap_err();
            assert!(e.to_string().contains("owned by user 65534"), "{e}");
            assert!(e.to_string().contains("chown 0"), "{e}");
            assert_eq!(mode_of(&ks), 0o644);
            std::os::unix::fs::chown(&store, Some(65534), None).unwrap();
            assert!(secure_dir(&store, true).is_err());
        }
    }

    #[test]
    fn special_files_never_block_and_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(ok.success());
        // Opening a FIFO without a writer would block: it returns at once and is refused.
        let e = read_file(&fifo, Trust::UserPath).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        let e = read_file(&fifo, Trust::Store { tighten: true }).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        assert!(check_replaceable(&fifo).is_err());
        assert!(check_replaceable(Path::new("/dev/null")).is_err());
        assert!(check_replaceable(dir.path()).is_err());
        assert!(check_replaceable(&dir.path().join("new.json")).is_ok());
        let e = read_file(Path::new("/dev/zero"), Trust::UserPath).unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
    }

    #[test]
    fn quarantine_keeps_every_copy() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("AzureRmContext.json");
        fs::write(&f, b"{ broken").unwrap();
        let q1 = quarantine(&f).unwrap();
        fs::write(&f, b"{ broken again").unwrap();
        let q2 = quarantine(&f).unwrap();
        assert_ne!(q1, q2);
        assert!(!f.exists());
        assert_eq!(fs::read(&q1).unwrap(), b"{ broken");
        assert_eq!(fs::read(&q2).unwrap(), b"{ broken again");
        let n1 = q1.file_name().unwrap().to_string_lossy().into_owned();
        assert!(n1.starts_with("AzureRmContext.json.corrupt-"), "{n1}");
    }
}
