//! Scopes, autosave and the persistent store.
//!
//! # Scopes
//!
//! A [`Session`] is what one PowerShell process (or one `azctx` run) holds. Its *save mode* is decided
//! lazily at first use from `AzureRmContextSettings.json` (created with Mode `CurrentUser` if missing),
//! overridden by the caller's `Azure_Profile_Autosave` value, as Az does at module import.
//!
//! - **CurrentUser mode**: the session's view is the file `AzureRmContext.json` as it is *now*, plus the
//!   session's Process-scoped changes replayed over it (an overlay log). Reads are fresh: a `stat` per
//!   call (device, inode, size, mtime, ctime) and a re-parse only when the file changed. A read takes
//!   no lock while the file parses (AzContext's writers replace it atomically); a file that is empty
//!   or does not parse is read again under a shared `flock` (which waits for a writer holding the
//!   lock: AzContext, or Az.Accounts writing in place), then again whenever it changes for a short
//!   settle window (writers that take no lock), and only then is it corrupt: a session moves it aside
//!   under the exclusive lock, a peek (`azctx current`) only reports it (see `read_settled`).
//!   (Az reads only at import and never sees other processes' changes; seeing them is deliberate.)
//! - **Process mode**: the view is an in-memory profile owned by the session (empty at start).
//!
//! The per-call *effective scope* follows Az (a later rule wins): the save mode, then the caller's
//! `AzContextAutoSave` value (`true` → CurrentUser, `false` → Process), then an explicit scope; a
//! detached session ([`Session::detached`], for `-DefaultProfile`) is always Process.
//!
//! - A **CurrentUser** change is one locked read-modify-write of `AzureRmContext.json`: `flock` on the
//!   file, re-read under the lock, apply the operation, write atomically (skipped when the text is
//!   unchanged). Changes are merged per operation, so another process's contexts are never dropped. In
//!   Process mode the operation is also applied to the in-memory profile (validated there first).
//! - A **Process** change touches memory only: the in-memory profile, or (CurrentUser mode) the overlay
//!   log, which shadows the disk state until autosave is enabled again.
//!
//! # Autosave
//!
//! - [`Session::enable_autosave`]: the scope is Process only if asked for, else CurrentUser (settings
//!   file rewritten with Mode CurrentUser). Either way the session switches to CurrentUser mode and the
//!   in-memory state is **persisted** first (merged into the file; Az discards them,
//!   Azure/azure-powershell#14757), and the returned settings report the scope asked for (Az reports
//!   CurrentUser, #10607): `Mode` is `Process` for `-Scope Process`.
//! - [`Session::disable_autosave`]: the current view is kept as the in-memory profile; CurrentUser scope
//!   writes exactly `settings-after-disable.json`. No file is deleted. The returned settings are what
//!   [`Session::autosave_settings`] then reports (Mode Process, the paths "None").
//!
//! # Store directory
//!
//! The caller's `AZCONTEXT_DIR` value, else `~/.Azure` (see [`crate::settings`]). It is resolved on every
//! call; when it changes, the session starts afresh for the new directory (mode decided again, in-memory
//! state dropped), which is what per-test isolation needs.
//!
//! # Corrupt files
//!
//! A context file that does not parse is moved aside (`AzureRmContext.json.corrupt-<UTC>`) under the
//! lock and reported as [`Error::CorruptFile`]; the next call sees an empty store (public environments
//! included). [`Op::Clear`] in CurrentUser scope always succeeds: it quarantines a corrupt file and
//! writes an empty profile, reporting the quarantined path in [`OpOutput::quarantined`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, ObjectKind, Result};
use crate::fsio::{self, FileStamp};
use crate::model::{self, Profile};
use crate::settings::{self, ContextSettings, StorePaths};

/// Where a change goes (Az's `-Scope`), and a session's save mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Process,
    CurrentUser,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Process => "Process",
            Scope::CurrentUser => "CurrentUser",
        }
    }
}

/// The caller's environment, passed in on every call (the core reads no environment variables; see
/// [`StoreEnv::from_process_env`] for the helper azctx uses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreEnv {
    /// `AZCONTEXT_DIR`: the store directory; `None` or empty → `~/.Azure`.
    pub azcontext_dir: Option<String>,
    /// `AzContextAutoSave`: `true`/`false` (any case) forces the modification scope (`true` →
    /// CurrentUser).
    pub autosave: Option<String>,
    /// `Azure_Profile_Autosave`: `true`/`false` overrides the settings file's Mode when the session
    /// starts (first use, or first use after the store directory changed).
    pub profile_autosave: Option<String>,
    /// Longest wait for the context file's lock; `None` → [`fsio::DEFAULT_LOCK_TIMEOUT`] (15 s).
    pub lock_timeout: Option<Duration>,
    /// The call only looks (-WhatIf): a read that meets a corrupt context file reports it as
    /// [`Error::InvalidProfile`] and leaves it in place instead of moving it aside. A setting of this
    /// call, never of the session: calls of other runspaces sharing the session are unaffected.
    pub what_if: bool,
    /// Which context is current for this caller: the store's default, or one the caller keeps.
    pub current: CallerCurrent,
}

/// Which context is current for the caller of one call.
///
/// A PowerShell session keeps its own current context (Az keeps it in memory): it is decided once,
/// at the session's first use ([`Session::initial_current`]: `AZCONTEXT_NAME`, else the stored
/// default), passed in on every call, and only the caller's own operations change it; each
/// operation reports what it became ([`OpOutput::current`]), by the profile's own rules applied to
/// the caller's view (the session's view with the caller's current as its default). Another
/// process's select never moves it; a context the caller uses that another process removed or
/// renamed stays usable from the session's copy, with a warning the first time
/// ([`Session::current_context_reported`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CallerCurrent {
    /// The store's default: what `azctx` (without `AZCONTEXT_NAME`) and callers that keep no current
    /// context of their own use.
    #[default]
    Stored,
    /// The caller's own current context.
    Own {
        /// Its name; `None`: the caller has no current context.
        name: Option<String>,
        /// The caller's changes never move the stored default (the default for new sessions) unless
        /// the context it named is gone: for runspaces other than a process's main one, whose
        /// Select/Set concern themselves only.
        keep_stored_default: bool,
    },
}

impl StoreEnv {
    /// This call's settings with `current` as the caller's current context (when the caller keeps
    /// its own): what a caller that applied `out` now uses.
    pub fn after(&self, out: &OpOutput) -> StoreEnv {
        let mut env = self.clone();
        if let (CallerCurrent::Own { name, .. }, Some(now)) = (&mut env.current, &out.current) {
            *name = now.clone();
        }
        env
    }
}

/// Environment variable names the store honours (read by callers, not by the core).
pub const ENV_AZCONTEXT_DIR: &str = "AZCONTEXT_DIR";
pub const ENV_AUTOSAVE: &str = "AzContextAutoSave";
pub const ENV_PROFILE_AUTOSAVE: &str = "Azure_Profile_Autosave";
/// `AZCONTEXT_NAME`: the current context of one process (and the processes it starts), like
/// AWS_PROFILE; the stored default is what a process without it starts with.
pub const ENV_CONTEXT_NAME: &str = "AZCONTEXT_NAME";

impl StoreEnv {
    /// Reads `AZCONTEXT_DIR`, `AzContextAutoSave` and `Azure_Profile_Autosave` from this process's
    /// environment. For azctx; the PowerShell module passes its own `$env:` values instead.
    pub fn from_process_env() -> StoreEnv {
        let get = |k: &str| std::env::var(k).ok();
        StoreEnv {
            azcontext_dir: get(ENV_AZCONTEXT_DIR),
            autosave: get(ENV_AUTOSAVE),
            profile_autosave: get(ENV_PROFILE_AUTOSAVE),
            lock_timeout: None,
            what_if: false,
            current: CallerCurrent::Stored,
        }
    }

    fn timeout(&self) -> Duration {
        self.lock_timeout.unwrap_or(fsio::DEFAULT_LOCK_TIMEOUT)
    }

    fn store_dir(&self) -> Result<PathBuf> {
        settings::store_dir(self.azcontext_dir.as_deref())
    }
}

/// A context with the key it is stored under (Az's `PSAzureContext.Name`).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedContext {
    pub name: String,
    /// Shared with the profile it came from (copy-on-write there): a list of 10,000 contexts copies
    /// pointers, not contexts.
    pub context: std::sync::Arc<model::Context>,
}

/// A context-changing operation. Each one is applied as a whole: to the in-memory view, and/or inside
/// one locked read-modify-write of the file.
#[derive(Debug, Clone)]
pub enum Op {
    /// Set-AzContext / Connect-AzAccount: store `context` under `name` (or the key generated from its
    /// identity / the key of an identical context) and make it the default. An existing `name` is
    /// replaced only with `force` (else [`Error::AlreadyExists`]).
    /// `extended_properties` are set on the stored context (`-ExtendedProperty`).
    SetContext {
        context: model::Context,
        name: Option<String>,
        force: bool,
        extended_properties: Vec<(String, String)>,
    },
    /// Select-AzContext: make `name` the default.
    Select { name: String },
    /// Rename-AzContext; `source == target` is a no-op; an existing target needs `force`.
    Rename {
        source: String,
        target: String,
        force: bool,
    },
    /// Remove-AzContext; removing the default needs `force`. A missing name is not an error.
    Remove { name: String, force: bool },
    /// Clear-AzContext: no contexts, default key `Default`.
    Clear,
    /// Import-AzContext: merge `profile` in (contexts under the file's keys, custom environments, the
    /// file's default key when present).
    Import { profile: Profile },
    /// Add-/Set-AzEnvironment.
    AddOrSetEnvironment { environment: model::Environment },
    /// Remove-AzEnvironment.
    RemoveEnvironment { name: String },
    /// Disconnect-AzAccount: remove every context whose account Id matches (ignoring case).
    Disconnect { account_id: String },
    /// Connect-AzAccount after a real sign-in (and Get-AzContext -RefreshContextFromTokenCache): the
    /// contexts [`crate::signin::build`] made, stored by [`crate::signin::apply`]; the default's name
    /// replaces an existing context only with `force`. The value is the resulting default context.
    SignIn {
        sign_in: Box<crate::signin::SignIn>,
        force: bool,
    },
    /// Several operations applied in order as one: one locked read-modify-write of the file, all or
    /// nothing (Get-AzContext -RefreshContextFromTokenCache: the users who left the token cache
    /// disconnected and those without a context signed in, in one write that other processes see
    /// whole). The value is [`OpValue::None`]; the warnings are the operations' own, in order.
    Batch(Vec<Op>),
}

/// What an operation produced.
#[derive(Debug, Clone)]
pub enum OpValue {
    /// SetContext / Select: the resulting default context. Rename: the renamed context. Remove: the
    /// removed context (`None` when the name did not exist).
    Context(Option<NamedContext>),
    /// Import: the resulting profile.
    Profile(Box<Profile>),
    /// Add/Set/Remove environment: the environment.
    Environment(Box<model::Environment>),
    /// Disconnect: the removed contexts (empty when no account matched).
    Contexts(Vec<NamedContext>),
    /// Clear.
    None,
}

#[derive(Debug, Clone)]
pub struct OpOutput {
    pub value: OpValue,
    /// The effective scope the operation was applied in.
    pub scope: Scope,
    /// What the user should be told about the outcome, decided inside the operation (e.g. Az's
    /// warning when the last context of a user account was removed).
    pub warnings: Vec<String>,
    /// Whether `AzureRmContext.json` was rewritten (false also when the text was unchanged).
    pub written: bool,
    /// Set when a corrupt context file was moved aside during the operation (only [`Op::Clear`]
    /// proceeds in that case; other operations fail with [`Error::CorruptFile`]).
    pub quarantined: Option<PathBuf>,
    /// For a caller that keeps its own current context ([`CallerCurrent::Own`]): what its current
    /// context is after the operation (`Some(None)`: none). `None` for other callers.
    pub current: Option<Option<String>>,
}

/// Az's `ContextAutosaveSettings`. Fields are `None` where Az shows null; the Process view of
/// [`Session::autosave_settings`] has the literal `"None"` strings Az shows. Serialized in Az's shape:
/// `{"Mode":…,"ContextDirectory":…,"ContextFile":…,"CacheDirectory":…,"CacheFile":…,"KeyStoreFile":…,
/// "Settings":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AutosaveSettings {
    pub mode: String,
    pub context_directory: Option<String>,
    pub context_file: Option<String>,
    pub cache_directory: Option<String>,
    pub cache_file: Option<String>,
    pub key_store_file: Option<String>,
    #[serde(serialize_with = "crate::jsonio::serialize_pairs")]
    pub settings: Vec<(String, String)>,
}

impl AutosaveSettings {
    fn process_view() -> AutosaveSettings {
        let none = || Some("None".to_owned());
        AutosaveSettings {
            mode: settings::MODE_PROCESS.to_owned(),
            context_directory: none(),
            context_file: none(),
            cache_directory: none(),
            cache_file: none(),
            key_store_file: none(),
            settings: Vec::new(),
        }
    }

    /// The CurrentUser view of a settings file whose mode is not CurrentUser: Mode Process, all else null.
    fn user_disabled() -> AutosaveSettings {
        AutosaveSettings {
            mode: settings::MODE_PROCESS.to_owned(),
            context_directory: None,
            context_file: None,
            cache_directory: None,
            cache_file: None,
            key_store_file: None,
            settings: Vec::new(),
        }
    }

    fn in_use(mode: &str, paths: &StorePaths, s: &ContextSettings) -> AutosaveSettings {
        let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
        AutosaveSettings {
            mode: mode.to_owned(),
            context_directory: Some(paths.context_dir.to_string_lossy().into_owned()),
            context_file: name(&paths.context_file),
            cache_directory: Some(paths.cache_dir.to_string_lossy().into_owned()),
            cache_file: Some(paths.cache_file.clone()),
            key_store_file: name(&paths.keystore_file),
            settings: s.settings_map(),
        }
    }
}

/// A parsed disk profile and the stamp of the file it came from (`None`: no file).
#[derive(Debug, Clone)]
struct DiskCache {
    stamp: Option<FileStamp>,
    /// [`fsio::content_hash`] of the bytes `profile` was parsed from (or written as).
    hash: u64,
    profile: Profile,
}

/// One per session; its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Base {
    /// CurrentUser mode: the file, plus Process-scoped operations replayed over it.
    Disk {
        overlay: Vec<Shadow>,
        cache: Option<DiskCache>,
        /// The overlay replayed over `cache` (valid while the disk stamp and overlay length match).
        view: Option<(Option<FileStamp>, usize, Profile)>,
    },
    /// Process mode: the in-memory profile.
    Memory(Box<Profile>),
}

/// Unique numbers for view generations, across every session of the process.
static NEXT_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_generation() -> u64 {
    NEXT_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[derive(Debug)]
struct State {
    /// Changes whenever the view may have changed (a fresh read, any operation), never repeats.
    generation: u64,
    store_dir: PathBuf,
    settings: ContextSettings,
    paths: StorePaths,
    mode: Scope,
    base: Base,
    /// The contexts callers keep as current, by folded name: the session's copy of each, for when
    /// another process removes or renames it.
    own: std::collections::HashMap<String, OwnCopy>,
}

/// A context a caller keeps as its current one.
#[derive(Debug, Default)]
struct OwnCopy {
    /// The context as last seen stored; `None` when it never was (an `AZCONTEXT_NAME` not stored).
    context: Option<NamedContext>,
    /// Named by `AZCONTEXT_NAME`.
    pinned: bool,
    /// The caller was told that it is no longer stored.
    warned: bool,
}

/// One process's (or runspace's) context state; see the module documentation. `Send`: the C ABI keeps
/// it behind a `Mutex`.
#[derive(Debug)]
pub struct Session {
    /// `Azure_Profile_Autosave` as it was when the session was created (Az reads it at import); a
    /// value in the [`StoreEnv`] of a call takes precedence.
    profile_autosave: Option<String>,
    /// The generation of a detached profile (the state has its own).
    detached_generation: u64,
    forced_mode: Option<Scope>,
    detached: Option<Profile>,
    state: Option<State>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

fn empty_disk_profile() -> Profile {
    Profile::new()
}

fn is_blank(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.iter().all(|c| c.is_ascii_whitespace())
}

/// Parses the context file's bytes. An empty or blank file is not "no contexts" but a file being
/// written (Az.Accounts and `Set-Content` truncate before they write) or a damaged one: an error,
/// like any text that does not parse. Only a missing file is an empty store.
fn parse_disk(bytes: &[u8], path: &Path) -> std::result::Result<Profile, crate::FormatError> {
    if is_blank(bytes) {
        return Err(crate::FormatError {
            source_name: path.to_string_lossy().into_owned(),
            line: 0,
            column: 0,
            message: "the file is empty; a context file holds at least '{}' (an empty file is never taken as an empty store)".into(),
        });
    }
    Profile::parse(bytes, &path.to_string_lossy())
}

/// How long a context file that is empty or does not parse keeps being re-read, after the re-read
/// under the lock, before it is taken as corrupt: the time a writer that takes no lock (`Set-Content`,
/// an editor) may need to finish an in-place rewrite.
const SETTLE_WINDOW: Duration = Duration::from_secs(2);
/// The pause between two looks at such a file during [`SETTLE_WINDOW`].
const SETTLE_POLL: Duration = Duration::from_millis(10);

/// What a careful read of the context file found.
enum DiskRead {
    Parsed(DiskCache),
    /// Still empty or unparsable after the shared lock and the settle window: the last error.
    Bad(crate::FormatError),
}

fn parsed(stamp: Option<FileStamp>, bytes: &[u8], profile: Profile) -> DiskRead {
    DiskRead::Parsed(DiskCache {
        stamp,
        hash: if stamp.is_some() {
            fsio::content_hash(bytes)
        } else {
            0
        },
        profile,
    })
}

fn missing() -> DiskRead {
    parsed(None, b"", empty_disk_profile())
}

/// Reads the context file without acting on a file caught mid-write. Read without a lock first; a file
/// that is empty or does not parse is read again under a shared `flock`, which waits for a writer
/// that holds the lock (AzContext's, and Az.Accounts' `FileShare.None`); if it is still bad, it is read
/// again whenever it changes, for up to [`SETTLE_WINDOW`], for writers that take no lock. Only then
/// is it [`DiskRead::Bad`]. `tighten`: apply the trust rules' mode tightening (see [`fsio::Trust`]).
fn read_settled(path: &Path, timeout: Duration, tighten: bool) -> Result<DiskRead> {
    let trust = fsio::Trust::Store { tighten };
    match fsio::read_file(path, trust)? {
        None => return Ok(missing()),
        Some((stamp, bytes)) => {
            if let Ok(p) = parse_disk(&bytes, path) {
                return Ok(parsed(Some(stamp), &bytes, p));
            }
        }
    }
    let mut last_err;
    let mut last_stamp;
    {
        let Some(mut lock) = fsio::lock_shared(path, timeout)? else {
            return Ok(missing());
        };
        let bytes = lock.read_all()?;
        match parse_disk(&bytes, path) {
            Ok(p) => return Ok(parsed(Some(lock.stamp()), &bytes, p)),
            Err(e) => last_err = e,
        }
        last_stamp = Some(lock.stamp());
    }
    let deadline = std::time::Instant::now() + SETTLE_WINDOW;
    while std::time::Instant::now() < deadline {
        std::thread::sleep(SETTLE_POLL);
        let now = FileStamp::of_path(path)?;
        if now == last_stamp {
            continue;
        }
        match fsio::read_file(path, trust)? {
            None => return Ok(missing()),
            Some((stamp, bytes)) => match parse_disk(&bytes, path) {
                Ok(p) => return Ok(parsed(Some(stamp), &bytes, p)),
                Err(e) => {
                    last_err = e;
                    last_stamp = Some(stamp);
                }
            },
        }
    }
    Ok(DiskRead::Bad(last_err))
}

/// Reads the context file for a session (see [`read_settled`]). A file that is still bad is read once
/// more under the exclusive lock and, if still bad, quarantined ([`Error::CorruptFile`]), or with
/// `leave_corrupt` (-WhatIf) reported and left in place.
fn read_disk(path: &Path, timeout: Duration, leave_corrupt: bool) -> Result<DiskCache> {
    if let DiskRead::Parsed(c) = read_settled(path, timeout, true)? {
        return Ok(c);
    }
    let Some(mut lock) = fsio::lock_exclusive(path, timeout)? else {
        return Ok(DiskCache {
            stamp: None,
            hash: 0,
            profile: empty_disk_profile(),
        });
    };
    let bytes = lock.read_all()?;
    match parse_disk(&bytes, path) {
        Ok(profile) => Ok(DiskCache {
            stamp: Some(lock.stamp()),
            hash: fsio::content_hash(&bytes),
            profile,
        }),
        Err(source) if leave_corrupt => {
            // Asked to change nothing (-WhatIf): report the file, leave it where it is.
            drop(lock);
            Err(Error::InvalidProfile(crate::FormatError {
                message: format!(
                    "{} (the file was left as it is; without -WhatIf it would be moved aside)",
                    source.message
                ),
                ..source
            }))
        }
        Err(source) => {
            let quarantined = fsio::quarantine(path)?;
            drop(lock);
            Err(Error::CorruptFile {
                path: path.to_path_buf(),
                quarantined,
                source,
            })
        }
    }
}

/// Reads the context file for `azctx current`-style callers: no settings write, nothing moved, no mode
/// changed. A file that is still bad after [`read_settled`] is an [`Error::InvalidProfile`].
fn peek_disk(path: &Path) -> Result<Profile> {
    match read_settled(path, fsio::DEFAULT_LOCK_TIMEOUT, false)? {
        DiskRead::Parsed(c) => Ok(c.profile),
        DiskRead::Bad(e) => Err(Error::InvalidProfile(e)),
    }
}

/// The result of one locked read-modify-write.
struct Written {
    value: Applied,
    written: bool,
    quarantined: Option<PathBuf>,
    cache: DiskCache,
}

/// Az's rule for Enable-/Disable-AzContextAutosave: Process only when `-Scope Process` was given.
fn autosave_scope(scope: Option<Scope>) -> Scope {
    if scope == Some(Scope::Process) {
        Scope::Process
    } else {
        Scope::CurrentUser
    }
}

/// One locked read-modify-write of the context file: lock, read, apply `f`, write if changed.
///
/// A missing file is created whole, atomically ([`fsio::create_atomic_stamped`]), never empty; if
/// another writer creates it first, the operation runs again under that file's lock (so `f` may run
/// twice; only the last run's result is kept).
///
/// Under the lock, a file that is empty or does not parse is never taken as "no contexts": it is read
/// again (whenever it changes) for up to [`SETTLE_WINDOW`], for writers that take no lock, and if still
/// bad kept aside ([`fsio::keep_aside`]) and reported as [`Error::CorruptFile`]; only `tolerate_corrupt`
/// (Clear) then goes on, on an empty profile.
///
/// `cached` is the session's last parse of the file: when the locked file is still exactly that file
/// (same stamp), it is used instead of parsing the text again — the text is still read, to skip a
/// write that would change nothing.
fn modify_disk<F>(
    paths: &StorePaths,
    timeout: Duration,
    tolerate_corrupt: bool,
    cached: Option<DiskCache>,
    mut f: F,
) -> Result<Written>
where
    F: FnMut(&mut Profile) -> Result<Applied>,
{
    fsio::ensure_dir(&paths.context_dir)?;
    let path = &paths.context_file;
    let index = index_path(path);
    let mut lock = loop {
        if let Some(lock) = fsio::lock_exclusive(path, timeout)? {
            break lock;
        }
        let mut profile = empty_disk_profile();
        let value = f(&mut profile)?;
        let text = profile.to_az_bytes();
        if let Some(stamp) = fsio::create_atomic_stamped(path, &text)? {
            // No lock is held, but the index is checked against the file's stamp by every reader.
            write_index(&index, stamp, &profile);
            return Ok(Written {
                value,
                written: true,
                quarantined: None,
                cache: DiskCache {
                    stamp: Some(stamp),
                    hash: fsio::content_hash(&text),
                    profile,
                },
            });
        }
        // Another writer created it first: lock theirs.
    };
    // Under the lock no other writer is mid-way: stray index temp files are a dead writer's.
    fsio::sweep_temp_files(&index);
    let mut current = lock.read_all()?;
    let mut quarantined = None;
    // Reused only when the locked file is the very file and the very bytes it was parsed from.
    let reusable = cached.filter(|c| {
        c.stamp == Some(lock.stamp())
            && !current.is_empty()
            && c.hash == fsio::content_hash(&current)
    });
    let mut parsed = match reusable {
        Some(c) => Ok(c.profile),
        None => parse_disk(&current, path),
    };
    if parsed.is_err() {
        // A writer that takes no lock may be half way through an in-place rewrite.
        let deadline = std::time::Instant::now() + SETTLE_WINDOW;
        let mut seen = lock.stamp();
        while parsed.is_err() && std::time::Instant::now() < deadline {
            std::thread::sleep(SETTLE_POLL);
            if FileStamp::of_path(path)? == Some(seen) {
                continue;
            }
            current = lock.read_all()?;
            seen = lock.stamp();
            parsed = parse_disk(&current, path);
        }
    }
    let mut profile = match parsed {
        Ok(p) => p,
        Err(source) => {
            // Kept aside under a new name while the path stays, locked, until the rename below
            // replaces it: no other writer can put a file there in between.
            let q = fsio::keep_aside(path)?;
            if !tolerate_corrupt {
                let empty = empty_disk_profile();
                let stamp = lock.write(&empty.to_az_bytes())?;
                write_index(&index, stamp, &empty);
                return Err(Error::CorruptFile {
                    path: path.clone(),
                    quarantined: q,
                    source,
                });
            }
            quarantined = Some(q);
            empty_disk_profile()
        }
    };
    let value = f(&mut profile)?;
    let text = profile.to_az_bytes();
    let (written, stamp) = if quarantined.is_some() {
        // The corrupt file is kept aside: always write the new one over the path.
        (true, lock.write(&text)?)
    } else if current == text {
        (false, lock.stamp())
    } else {
        (true, lock.write(&text)?)
    };
    // Still under the lock, so the index names exactly the file just locked and written.
    write_index(&index, stamp, &profile);
    drop(lock);
    Ok(Written {
        value,
        written,
        quarantined,
        cache: DiskCache {
            stamp: Some(stamp),
            hash: fsio::content_hash(&text),
            profile,
        },
    })
}

// ---------------------------------------------------------------------------------------------------
// The current-context index: `azctx current` answers from it without parsing a large context file.

/// The index beside the context file: the context file's stamp and its default context's name. It is
/// a cache: written (atomically, 0600) with every locked write of the context file, and trusted only
/// while the context file's stamp still matches, so a write by Az.Accounts or anyone else simply makes
/// readers fall back to parsing until AzContext next writes.
pub fn index_path(context_file: &Path) -> PathBuf {
    let mut name = context_file.file_name().unwrap_or_default().to_os_string();
    name.push(".azctx-index");
    context_file.with_file_name(name)
}

fn stamp_json(stamp: &FileStamp) -> String {
    format!(
        "{{\"dev\":{},\"ino\":{},\"size\":{},\"mtime_ns\":{},\"ctime_ns\":{}}}",
        stamp.dev, stamp.ino, stamp.size, stamp.mtime_ns, stamp.ctime_ns
    )
}

/// Best effort: an index that cannot be written only costs the next `azctx current` a parse.
fn write_index(index: &Path, stamp: FileStamp, profile: &Profile) {
    let mut text = format!(
        "{{\"ContextFile\":{},\"DefaultContext\":",
        stamp_json(&stamp)
    );
    match profile.default_context() {
        Some((name, c)) if !c.is_empty() => crate::jsonio::write_string(&mut text, name),
        _ => text.push_str("null"),
    }
    text.push('}');
    if fsio::write_atomic(index, text.as_bytes()).is_err() {
        let _ = std::fs::remove_file(index);
    }
}

/// The default context's name from a valid index, or `None` when there is no index or it is stale.
/// `Some(None)`: the index says there is no current context.
fn read_index(context_file: &Path, stamp: &FileStamp) -> Option<Option<String>> {
    let (_, bytes) = fsio::read_file(
        &index_path(context_file),
        fsio::Trust::Store { tighten: false },
    )
    .ok()??;
    let value = crate::jsonio::parse(&bytes, "<index>").ok()?;
    let obj = value.as_object()?;
    if obj.get("ContextFile").map(crate::jsonio::to_compact)? != stamp_json(stamp) {
        return None;
    }
    match obj.get("DefaultContext")? {
        crate::jsonio::Value::String(s) => Some(Some(s.clone())),
        crate::jsonio::Value::Null => Some(None),
        _ => None,
    }
}

/// An operation in the overlay of a CurrentUser-mode session: what this session's view shows on top of
/// the file.
#[derive(Debug, Clone)]
struct Shadow {
    op: Op,
    /// Applied to the file too (a CurrentUser operation made while Process-scope changes shadowed the
    /// view). It is replayed in the view only, to keep the view what this session did, and never
    /// applied to the file again: by then the file may hold newer changes of other processes.
    on_disk: bool,
    /// Made by a caller that keeps the default alone ([`CallerCurrent::Own`]'s
    /// `keep_stored_default`): replayed the same way, so the view's default stays where it was.
    keep: bool,
}

/// Replays overlay operations; an operation that no longer applies (its context vanished from the
/// disk, say) is skipped.
fn replay<'a>(profile: &mut Profile, overlay: impl IntoIterator<Item = &'a Shadow>) {
    for s in overlay {
        let mut trial = profile.clone();
        if apply_to_store(&mut trial, &s.op, s.keep).is_ok() {
            *profile = trial;
        }
    }
}

impl Session {
    /// A session whose save mode is decided at first use from the settings file.
    pub fn new() -> Session {
        Session {
            profile_autosave: None,
            detached_generation: next_generation(),
            forced_mode: None,
            detached: None,
            state: None,
        }
    }

    /// A session whose save mode, when first decided, follows `profile_autosave` (the value of
    /// `Azure_Profile_Autosave` at the caller's start: `true`/`false` override the settings file).
    pub fn with_profile_autosave(profile_autosave: Option<String>) -> Session {
        Session {
            profile_autosave,
            ..Session::new()
        }
    }

    /// A session with a fixed save mode (the settings file is still read for the paths, and created
    /// when missing). azctx uses CurrentUser: it works on the persisted store.
    pub fn with_mode(mode: Scope) -> Session {
        Session {
            profile_autosave: None,
            detached_generation: next_generation(),
            forced_mode: Some(mode),
            detached: None,
            state: None,
        }
    }

    /// For `-DefaultProfile`: Process scope only, never touches the disk.
    pub fn detached(profile: Profile) -> Session {
        Session {
            profile_autosave: None,
            detached_generation: next_generation(),
            forced_mode: Some(Scope::Process),
            detached: Some(profile),
            state: None,
        }
    }

    pub fn is_detached(&self) -> bool {
        self.detached.is_some()
    }

    /// The detached profile, or the session state for the store directory of `env` (initialized, or
    /// re-initialized when the directory changed).
    fn state(&mut self, env: &StoreEnv) -> Result<&mut State> {
        let dir = env.store_dir()?;
        let stale = self.state.as_ref().map_or(true, |s| s.store_dir != dir);
        if stale {
            self.state = None;
            let settings = settings::load_or_create(&dir)?;
            let paths = settings::resolve_paths(&settings, &dir, true)?;
            let mode = match self.forced_mode {
                Some(m) => m,
                None => {
                    let on = env
                        .profile_autosave
                        .as_deref()
                        .or(self.profile_autosave.as_deref())
                        .and_then(settings::parse_bool)
                        .unwrap_or_else(|| settings.autosave());
                    if on {
                        Scope::CurrentUser
                    } else {
                        Scope::Process
                    }
                }
            };
            let base = match mode {
                Scope::CurrentUser => Base::Disk {
                    overlay: Vec::new(),
                    cache: None,
                    view: None,
                },
                Scope::Process => Base::Memory(Box::default()),
            };
            self.state = Some(State {
                generation: next_generation(),
                store_dir: dir,
                settings,
                paths,
                mode,
                base,
                own: Default::default(),
            });
        }
        Ok(self.state.as_mut().expect("state initialized above"))
    }

    /// The session's save mode (deciding it now if needed). Detached sessions are Process.
    pub fn mode(&mut self, env: &StoreEnv) -> Result<Scope> {
        if self.detached.is_some() {
            return Ok(Scope::Process);
        }
        Ok(self.state(env)?.mode)
    }

    /// The files in use for `env`.
    pub fn paths(&mut self, env: &StoreEnv) -> Result<StorePaths> {
        Ok(self.state(env)?.paths.clone())
    }

    /// Az's effective-scope rule for a modification, the one place it is decided: a detached session
    /// is always Process; else an explicit `scope`; else the session's save mode overridden by the
    /// caller's `AzContextAutoSave` (`true` → CurrentUser, `false` → Process). Every operation reports
    /// the scope it was applied in ([`OpOutput::scope`]); callers that must know it beforehand (to word
    /// a confirmation) ask here.
    pub fn effective_scope(&mut self, env: &StoreEnv, scope: Option<Scope>) -> Result<Scope> {
        if self.detached.is_some() {
            return Ok(Scope::Process);
        }
        if let Some(explicit) = scope {
            return Ok(explicit);
        }
        let mode = self.state(env)?.mode;
        Ok(
            match env.autosave.as_deref().and_then(settings::parse_bool) {
                Some(true) => Scope::CurrentUser,
                Some(false) => Scope::Process,
                None => mode,
            },
        )
    }

    /// Runs `f` on the current view (fresh from disk in CurrentUser mode).
    fn with_view<T>(&mut self, env: &StoreEnv, f: impl FnOnce(&mut Profile) -> T) -> Result<T> {
        if let Some(p) = self.detached.as_mut() {
            return Ok(f(p));
        }
        let timeout = env.timeout();
        let leave_corrupt = env.what_if;
        let st = self.state(env)?;
        match &mut st.base {
            Base::Memory(p) => Ok(f(p)),
            Base::Disk {
                overlay,
                cache,
                view,
            } => {
                let path = &st.paths.context_file;
                let now = FileStamp::of_path(path)?;
                let fresh = matches!(cache, Some(c) if c.stamp == now && now.is_some())
                    || matches!(cache, Some(c) if now.is_none() && c.stamp.is_none());
                if !fresh {
                    *cache = Some(read_disk(path, timeout, leave_corrupt)?);
                    *view = None;
                    st.generation = next_generation();
                }
                let c = cache.as_mut().expect("cache filled above");
                if overlay.is_empty() {
                    return Ok(f(&mut c.profile));
                }
                let valid = matches!(view, Some((s, n, _)) if *s == c.stamp && *n == overlay.len());
                if !valid {
                    let mut p = c.profile.clone();
                    replay(&mut p, overlay.iter());
                    *view = Some((c.stamp, overlay.len(), p));
                }
                Ok(f(&mut view.as_mut().expect("view filled above").2))
            }
        }
    }

    /// The caller's current context (Get-AzContext), or `None` (no login, or only the empty
    /// placeholder): the default of the view, or for a caller that keeps its own current context,
    /// that context (see [`Session::current_context_reported`]), without a warning.
    pub fn current_context(&mut self, env: &StoreEnv) -> Result<Option<NamedContext>> {
        Ok(self.resolve_current(env, false)?.0)
    }

    /// [`Session::current_context`] with what the caller should be told: for a caller that keeps
    /// its own current context, the context as stored; when it is no longer stored (another process
    /// removed or renamed it), the session's copy and, the first time, a warning saying so. A name
    /// that was never stored (an `AZCONTEXT_NAME` naming no context) is [`Error::NotFound`].
    pub fn current_context_reported(
        &mut self,
        env: &StoreEnv,
    ) -> Result<(Option<NamedContext>, Vec<String>)> {
        self.resolve_current(env, true)
    }

    /// The name of the caller's own current context (`Some(None)`: it has none), or `None` when the
    /// caller uses the view's default (detached sessions always do).
    fn own_current<'e>(&self, env: &'e StoreEnv) -> Option<Option<&'e str>> {
        match &env.current {
            CallerCurrent::Own { name, .. } if self.detached.is_none() => Some(name.as_deref()),
            _ => None,
        }
    }

    /// Keeps the session's copy of a context a caller has as its current one.
    fn remember(&mut self, env: &StoreEnv, nc: NamedContext, pinned: bool) -> Result<()> {
        let own = &mut self.state(env)?.own;
        let copy = own.entry(crate::names::fold_case(&nc.name)).or_default();
        copy.context = Some(nc);
        copy.pinned |= pinned;
        copy.warned = false;
        Ok(())
    }

    fn resolve_current(
        &mut self,
        env: &StoreEnv,
        report: bool,
    ) -> Result<(Option<NamedContext>, Vec<String>)> {
        let Some(name) = self.own_current(env) else {
            return Ok((
                self.with_view(env, |p| {
                    default_named(p).filter(|nc| !nc.context.is_empty())
                })?,
                Vec::new(),
            ));
        };
        let Some(name) = name else {
            return Ok((None, Vec::new()));
        };
        let found = self.with_view(env, |p| get_named(p, name))?;
        let key = crate::names::fold_case(name);
        let own = &mut self.state(env)?.own;
        match found.filter(|nc| !nc.context.is_empty()) {
            Some(nc) => {
                // Refreshed only when it changed (a pointer comparison while it has not).
                let copy = own.entry(key).or_default();
                let same = copy
                    .context
                    .as_ref()
                    .is_some_and(|c| c.name == nc.name && std::sync::Arc::ptr_eq(&c.context, &nc.context));
                if !same {
                    copy.context = Some(nc.clone());
                }
                copy.warned = false;
                Ok((Some(nc), Vec::new()))
            }
            None => match own.get_mut(&key) {
                Some(OwnCopy {
                    context: Some(copy),
                    warned,
                    ..
                }) => {
                    let mut warnings = Vec::new();
                    if report && !*warned {
                        *warned = true;
                        warnings.push(format!(
                            "The context '{}' that this session uses is no longer stored (another process removed or renamed it); this session keeps using its own copy. Select-AzContext or Set-AzContext chooses another.",
                            copy.name
                        ));
                    }
                    Ok((Some(copy.clone()), warnings))
                }
                Some(OwnCopy { pinned: true, .. }) => Err(pin_not_stored(name)),
                _ => Err(Error::NotFound {
                    kind: ObjectKind::Context,
                    name: name.to_owned(),
                    message: format!(
                        "The current context '{name}' is not stored; select a stored context with Select-AzContext."
                    ),
                }),
            },
        }
    }

    /// The current context a caller that keeps its own starts with, decided once at its first use:
    /// `pinned` (its `AZCONTEXT_NAME`), in its stored case, else the view's default (`None`: none).
    /// A pinned name that is not stored is kept as it is: every command that needs the current
    /// context then fails naming it ([`Session::current_context_reported`]), never falling back to
    /// another context; commands that choose one (Select, Set, Connect) still work.
    pub fn initial_current(
        &mut self,
        env: &StoreEnv,
        pinned: Option<&str>,
    ) -> Result<Option<String>> {
        let found = self.with_view(env, |p| match pinned {
            Some(pin) => get_named(p, pin),
            None => default_named(p),
        })?;
        match (found.filter(|nc| !nc.context.is_empty()), pinned) {
            (Some(nc), _) => {
                let name = nc.name.clone();
                if self.detached.is_none() {
                    self.remember(env, nc, pinned.is_some())?;
                }
                Ok(Some(name))
            }
            (None, Some(pin)) => {
                if self.detached.is_none() {
                    let own = &mut self.state(env)?.own;
                    own.entry(crate::names::fold_case(pin)).or_default().pinned = true;
                }
                Ok(Some(pin.to_owned()))
            }
            (None, None) => Ok(None),
        }
    }

    /// The caller's view as a profile: the session's view with the caller's current context as its
    /// default, the session's copy of it added when it is no longer stored (what Save-AzContext
    /// saves, and what sign-in, Set-AzContext -Subscription and Disconnect-AzAccount resolve the
    /// current account from). A current name that was never stored is an error, as in
    /// [`Session::current_context_reported`].
    pub fn caller_profile(&mut self, env: &StoreEnv) -> Result<Profile> {
        if self.own_current(env).is_none() {
            return self.profile(env);
        }
        let (current, _) = self.resolve_current(env, false)?;
        let mut p = self.profile(env)?;
        p.set_current(current.as_ref().map(|nc| (nc.name.as_str(), &nc.context)));
        Ok(p)
    }

    /// The context stored under `name` (case-insensitive), or `None`.
    pub fn get_context(&mut self, env: &StoreEnv, name: &str) -> Result<Option<NamedContext>> {
        self.with_view(env, |p| get_named(p, name))
    }

    /// Every non-empty context, in Az's `-ListAvailable` order.
    pub fn list_contexts(&mut self, env: &StoreEnv) -> Result<Vec<NamedContext>> {
        self.with_view(env, |p| list_named(p))
    }

    /// A copy of the current view.
    pub fn profile(&mut self, env: &StoreEnv) -> Result<Profile> {
        self.with_view(env, |p| p.clone())
    }

    /// A number that changes whenever the view may have changed: after a fresh read of a file another
    /// process wrote, and after every operation. Equal numbers mean an unchanged view, so a caller may
    /// keep what it built from the view (the module keeps its parsed context list).
    pub fn view_version(&mut self, env: &StoreEnv) -> Result<u64> {
        self.with_view(env, |_| ())?;
        Ok(self.generation())
    }

    /// [`Session::list_contexts`] with the [`Session::view_version`] it was taken at.
    pub fn list_contexts_versioned(&mut self, env: &StoreEnv) -> Result<(u64, Vec<NamedContext>)> {
        let list = self.list_contexts(env)?;
        Ok((self.generation(), list))
    }

    fn generation(&self) -> u64 {
        match (&self.detached, &self.state) {
            (Some(_), _) | (None, None) => self.detached_generation,
            (None, Some(st)) => st.generation,
        }
    }

    /// Marks the view as changed.
    fn bump(&mut self) {
        self.detached_generation = next_generation();
        if let Some(st) = self.state.as_mut() {
            st.generation = next_generation();
        }
    }

    /// Applies `op` in the effective scope (`scope: None` → Az's rule, [`Session::effective_scope`]).
    /// For a caller that keeps its own current context, the operation is first applied to the
    /// caller's view (its current as the default): that decides what the caller's current becomes
    /// and whether the operation is allowed (removing the caller's current needs `force`), and the
    /// store gets the operation as confirmed ([`caller_trial`]).
    pub fn apply(&mut self, env: &StoreEnv, op: Op, scope: Option<Scope>) -> Result<OpOutput> {
        let clearing = matches!(op, Op::Clear);
        let (op, current) = match self.own_current(env) {
            Some(name) => {
                let (current, op) = self.with_view(env, |p| caller_trial(p, name, op))??;
                (op, Some(current))
            }
            None => (op, None),
        };
        let out = self.apply_inner(env, op, scope);
        // Even a failed operation may have refreshed or invalidated what the session holds.
        self.bump();
        let mut out = out?;
        out.current = current;
        if let Some(Some(name)) = &out.current {
            // The session's copy of the caller's (possibly new) current context.
            let found = self.with_view(env, |p| get_named(p, name))?;
            if let Some(nc) = found.filter(|nc| !nc.context.is_empty()) {
                self.remember(env, nc, false)?;
            }
        }
        if let Some(q) = &out.quarantined {
            out.warnings.push(format!(
                "The context file did not parse; it was moved aside to '{}' and replaced by an empty one.",
                q.display()
            ));
        }
        if clearing && out.scope == Scope::CurrentUser && !self.is_detached() {
            // Az's Clear-AzContext also clears the key store (service-principal secrets).
            let keystore = self.paths(env)?.keystore_file;
            if keystore.exists() {
                fsio::write_atomic(&keystore, b"[]")?;
            }
        }
        Ok(out)
    }

    fn apply_inner(&mut self, env: &StoreEnv, op: Op, scope: Option<Scope>) -> Result<OpOutput> {
        let scope = self.effective_scope(env, scope)?;
        let keep = matches!(
            env.current,
            CallerCurrent::Own {
                keep_stored_default: true,
                ..
            }
        );
        if let Some(p) = self.detached.as_mut() {
            let applied = apply_op(p, &op)?;
            return Ok(OpOutput {
                value: applied.value,
                scope,
                warnings: applied.warnings,
                written: false,
                quarantined: None,
                current: None,
            });
        }
        let timeout = env.timeout();
        match scope {
            Scope::Process => {
                // Validate and compute the output on the current view first.
                // A caller that keeps the default alone leaves it in memory too: it is what new
                // runspaces start from and what Save-AzContext and enabling autosave write.
                let value = self.with_view(env, |p| {
                    let mut trial = p.clone();
                    apply_to_store(&mut trial, &op, keep).map(|v| (v, trial))
                })??;
                let st = self.state(env)?;
                match &mut st.base {
                    Base::Memory(p) => **p = value.1,
                    Base::Disk {
                        overlay,
                        view,
                        cache,
                    } => {
                        overlay.push(Shadow {
                            op,
                            on_disk: false,
                            keep,
                        });
                        let stamp = cache.as_ref().and_then(|c| c.stamp);
                        *view = Some((stamp, overlay.len(), value.1));
                    }
                }
                Ok(OpOutput {
                    value: value.0.value,
                    scope,
                    warnings: value.0.warnings,
                    written: false,
                    quarantined: None,
                    current: None,
                })
            }
            Scope::CurrentUser => {
                let tolerate = matches!(op, Op::Clear);
                let st = self.state(env)?;
                match &mut st.base {
                    Base::Memory(mem) => {
                        // Memory first (what the caller sees and what must be valid), then the disk.
                        let mut trial: Profile = (**mem).clone();
                        let applied = apply_to_store(&mut trial, &op, keep)?;
                        let w = modify_disk(&st.paths, timeout, tolerate, None, |disk| {
                            apply_to_store(disk, &op, keep)
                        })?;
                        **mem = trial;
                        Ok(OpOutput {
                            value: applied.value,
                            scope,
                            warnings: applied.warnings,
                            written: w.written,
                            quarantined: w.quarantined,
                            current: None,
                        })
                    }
                    Base::Disk {
                        overlay,
                        cache,
                        view,
                    } => {
                        // The session's parse is handed over; on failure it is gone, and the next
                        // read parses the file again.
                        *view = None;
                        let w = modify_disk(&st.paths, timeout, tolerate, cache.take(), |disk| {
                            apply_to_store(disk, &op, keep)
                        })?;
                        *cache = Some(w.cache);
                        *view = None;
                        let Applied {
                            mut value,
                            warnings,
                        } = w.value;
                        if !overlay.is_empty() {
                            overlay.push(Shadow {
                                op,
                                on_disk: true,
                                keep,
                            });
                            // What the caller sees is the view, which the overlay may shadow.
                            if let OpValue::Context(Some(nc)) = &value {
                                let name = nc.name.clone();
                                let c = cache.as_ref().expect("set above");
                                let mut p = c.profile.clone();
                                replay(&mut p, overlay.iter());
                                if let Some(v) = get_named(&p, &name) {
                                    value = OpValue::Context(Some(v));
                                }
                                *view = Some((c.stamp, overlay.len(), p));
                            }
                        }
                        Ok(OpOutput {
                            value,
                            scope,
                            warnings,
                            written: w.written,
                            quarantined: w.quarantined,
                            current: None,
                        })
                    }
                }
            }
        }
    }

    /// Disconnect-AzAccount: resolves `target` on this session's view (the current context, a
    /// context name, an account or a service principal; see [`crate::accounts::disconnect_account`])
    /// and removes every context of that account in the effective scope. `None` when nothing
    /// resolves (no current context, or a service principal with no stored context).
    pub fn disconnect(
        &mut self,
        env: &StoreEnv,
        target: &crate::accounts::DisconnectTarget,
        scope: Option<Scope>,
    ) -> Result<(Option<model::Account>, Option<OpOutput>)> {
        let account = match target {
            crate::accounts::DisconnectTarget::Current => {
                crate::accounts::disconnect_account(&self.caller_profile(env)?, target)?
            }
            _ => self.with_view(env, |p| crate::accounts::disconnect_account(p, target))??,
        };
        let Some(account) = account else {
            return Ok((None, None));
        };
        let account_id = account.id().unwrap_or_default().to_owned();
        let out = self.apply(env, Op::Disconnect { account_id }, scope)?;
        Ok((Some(account), Some(out)))
    }

    /// Get-AzContextAutosaveSetting. `Some(CurrentUser)`: what the settings file says (paths in use when
    /// on). Otherwise the process view: the save mode overridden by `AzContextAutoSave`; when that is
    /// Process, every path field is the literal `"None"`, as Az reports it.
    pub fn autosave_settings(
        &mut self,
        env: &StoreEnv,
        scope: Option<Scope>,
    ) -> Result<AutosaveSettings> {
        if self.detached.is_some() {
            return Ok(AutosaveSettings::process_view());
        }
        if scope == Some(Scope::CurrentUser) {
            let dir = env.store_dir()?;
            let s = settings::load_or_create(&dir)?;
            let paths = s.paths(&dir);
            return Ok(if s.autosave() {
                AutosaveSettings::in_use(settings::MODE_CURRENT_USER, &paths, &s)
            } else {
                AutosaveSettings::user_disabled()
            });
        }
        let effective = self.effective_scope(env, None)?;
        let st = self.state(env)?;
        Ok(match effective {
            Scope::Process => AutosaveSettings::process_view(),
            Scope::CurrentUser => {
                AutosaveSettings::in_use(settings::MODE_CURRENT_USER, &st.paths, &st.settings)
            }
        })
    }

    /// Enable-AzContextAutosave: see the module documentation.
    pub fn enable_autosave(
        &mut self,
        env: &StoreEnv,
        scope: Option<Scope>,
    ) -> Result<AutosaveSettings> {
        self.bump(); // the view changes with the mode
        if self.detached.is_some() {
            return Ok(AutosaveSettings::process_view());
        }
        let asked = autosave_scope(scope);
        let timeout = env.timeout();
        let st = self.state(env)?;
        // Persist what this session holds in memory, merged into the file.
        match &mut st.base {
            Base::Memory(mem) => {
                let mem: Profile = (**mem).clone();
                modify_disk(&st.paths, timeout, false, None, |disk| {
                    persist_memory(disk, &mem);
                    Ok(Applied::from(OpValue::None))
                })?;
            }
            Base::Disk { overlay, .. } if overlay.iter().any(|s| !s.on_disk) => {
                // Only what never reached the file; the overlay is dropped only once this succeeded.
                let ops: Vec<&Shadow> = overlay.iter().filter(|s| !s.on_disk).collect();
                modify_disk(&st.paths, timeout, false, None, |disk| {
                    replay(disk, ops.iter().copied());
                    Ok(Applied::from(OpValue::None))
                })?;
            }
            Base::Disk { .. } => {}
        }
        st.mode = Scope::CurrentUser;
        st.base = Base::Disk {
            overlay: Vec::new(),
            cache: None,
            view: None,
        };
        if asked == Scope::CurrentUser {
            // What the session holds is on disk by now; the settings change only once they are saved.
            let mut enabled = st.settings.clone();
            enabled.enable(&st.store_dir);
            settings::save(&st.store_dir, &enabled)?;
            st.settings = enabled;
            st.paths = settings::resolve_paths(&st.settings, &st.store_dir, true)?;
        }
        Ok(AutosaveSettings::in_use(
            asked.as_str(),
            &st.paths,
            &st.settings,
        ))
    }

    /// Disable-AzContextAutosave: see the module documentation.
    pub fn disable_autosave(
        &mut self,
        env: &StoreEnv,
        scope: Option<Scope>,
    ) -> Result<AutosaveSettings> {
        self.bump(); // the view changes with the mode
        if self.detached.is_some() {
            return Ok(AutosaveSettings::process_view());
        }
        let asked = autosave_scope(scope);
        let current = self.profile(env)?;
        let st = self.state(env)?;
        // The settings file first: when it cannot be written, the session keeps autosaving, as the
        // error says (a session silently in memory would then "clear" contexts that stay on disk).
        if asked == Scope::CurrentUser {
            let disabled = ContextSettings::disabled();
            settings::save(&st.store_dir, &disabled)?;
            st.settings = disabled;
        }
        st.mode = Scope::Process;
        st.base = Base::Memory(Box::new(current));
        // What Get-AzContextAutosaveSetting now reports (Az outputs every field null, which says nothing).
        Ok(AutosaveSettings::process_view())
    }

    /// Save-AzContext: writes `profile` (or the current view) to `path` atomically with mode 0600, in
    /// Az's format with the token-cache member and, with `with_secrets`, SP secrets. When the file exists
    /// and `overwrite` is false: [`Error::AlreadyExists`] and nothing is written. A path that is a
    /// directory, FIFO, socket or device is [`Error::InvalidArgument`] either way (a symbolic link is
    /// replaced itself; its target is never written).
    pub fn save_profile_to(
        &mut self,
        env: &StoreEnv,
        profile: Option<Profile>,
        path: &Path,
        with_secrets: bool,
        overwrite: bool,
    ) -> Result<()> {
        let profile = match profile {
            Some(p) => p,
            None => self.caller_profile(env)?,
        };
        // A directory, FIFO, socket or device is never replaced, with or without `overwrite`.
        fsio::check_replaceable(path)?;
        let bytes = profile.to_az_bytes_with(&model::WriteOptions::export(with_secrets));
        if overwrite {
            fsio::write_atomic(path, &bytes)
        } else if fsio::create_atomic(path, &bytes)? {
            Ok(())
        } else {
            Err(Error::AlreadyExists {
                kind: ObjectKind::File,
                name: path.to_string_lossy().into_owned(),
                message: format!("The file '{}' already exists.", path.display()),
            })
        }
    }
}

/// The current context straight from the files: no lock, no settings write, nothing moved aside, no
/// session. What `azctx current` (shell prompts) uses. The settings file is read only to find the
/// context file; a corrupt file is [`Error::InvalidProfile`].
/// The current context's name as the store on disk says (`azctx current`): from the index when it is
/// valid for the context file as it is now, else by parsing the file. Reads only: no lock, no writes.
pub fn peek_current_name(env: &StoreEnv) -> Result<Option<String>> {
    let context_file = peek_paths(env)?.context_file;
    let Some(stamp) = FileStamp::of_path(&context_file)? else {
        return Ok(None);
    };
    if let Some(name) = read_index(&context_file, &stamp) {
        return Ok(name);
    }
    let profile = peek_disk(&context_file)?;
    Ok(profile
        .default_context()
        .filter(|(_, c)| !c.is_empty())
        .map(|(k, _)| k.to_owned()))
}

/// The current context of a process pinned to `pinned` (its `AZCONTEXT_NAME`): the stored key of that
/// name (ignoring case). A name that is not stored is an error naming it, never a fall-back to another
/// context. Reads only, like [`peek_current_name`].
pub fn peek_pinned_name(env: &StoreEnv, pinned: &str) -> Result<String> {
    let profile = peek_disk(&peek_paths(env)?.context_file)?;
    match profile.get(pinned) {
        Some((key, c)) if !c.is_empty() => Ok(key.to_owned()),
        _ => Err(pin_not_stored(pinned)),
    }
}

/// The current context itself, read as [`peek_current_name`] and [`peek_pinned_name`] read (no lock,
/// nothing written): with `pinned` (a process's `AZCONTEXT_NAME`) that stored context, which must
/// exist; else the stored default, `None` when there is none.
pub fn peek_current(env: &StoreEnv, pinned: Option<&str>) -> Result<Option<NamedContext>> {
    let context_file = peek_paths(env)?.context_file;
    if pinned.is_none() && FileStamp::of_path(&context_file)?.is_none() {
        return Ok(None);
    }
    let profile = peek_disk(&context_file)?;
    match pinned {
        Some(pin) => match get_named(&profile, pin) {
            Some(nc) if !nc.context.is_empty() => Ok(Some(nc)),
            _ => Err(pin_not_stored(pin)),
        },
        None => Ok(default_named(&profile).filter(|nc| !nc.context.is_empty())),
    }
}

fn pin_not_stored(pinned: &str) -> Error {
    Error::NotFound {
        kind: ObjectKind::Context,
        name: pinned.to_owned(),
        message: format!(
            "The context '{pinned}' named by {ENV_CONTEXT_NAME} is not stored; unset {ENV_CONTEXT_NAME} or set it to a stored context (azctx list)."
        ),
    }
}

/// The store's files for `env` as the settings file names them now (the default places when there is
/// none), without creating or writing anything: the one rule for where the user's files are.
pub fn peek_paths(env: &StoreEnv) -> Result<StorePaths> {
    let dir = env.store_dir()?;
    let settings = settings::peek(&dir)?.unwrap_or_else(ContextSettings::disabled);
    settings::resolve_paths(&settings, &dir, false)
}

// ---------------------------------------------------------------------------------------------------
// The one place that maps operations and queries onto the model.

fn to_named(name: &str, context: &std::sync::Arc<model::Context>) -> NamedContext {
    NamedContext {
        name: name.to_owned(),
        context: std::sync::Arc::clone(context),
    }
}

fn default_named(p: &Profile) -> Option<NamedContext> {
    let (key, _) = p.default_context()?;
    p.get_shared(key).map(|(k, c)| to_named(k, c))
}

fn get_named(p: &Profile, name: &str) -> Option<NamedContext> {
    p.get_shared(name).map(|(k, c)| to_named(k, c))
}

fn list_named(p: &Profile) -> Vec<NamedContext> {
    p.list_available()
        .into_iter()
        .filter_map(|(k, _)| p.get_shared(k).map(|(k, c)| to_named(k, c)))
        .collect()
}

fn named_or_missing(p: &Profile, key: &str) -> Result<NamedContext> {
    get_named(p, key).ok_or_else(|| Error::context_not_found(key))
}

/// Merges an in-memory profile into the disk profile (Enable-AzContextAutosave).
fn persist_memory(disk: &mut Profile, mem: &Profile) {
    disk.merge_import(mem);
}

/// What [`apply_op`] produced: the value and what the user should be told.
struct Applied {
    value: OpValue,
    warnings: Vec<String>,
}

impl From<OpValue> for Applied {
    fn from(value: OpValue) -> Applied {
        Applied {
            value,
            warnings: Vec::new(),
        }
    }
}

/// Applies `op` to the store's profile. With `keep_stored_default`, the stored default (what new
/// sessions start with) stays where it was while that context is still stored: the caller's choice
/// of current is its own.
fn apply_to_store(p: &mut Profile, op: &Op, keep_stored_default: bool) -> Result<Applied> {
    let before = keep_stored_default
        .then(|| p.default_key().map(str::to_owned))
        .flatten();
    let applied = apply_op(p, op)?;
    if let Some(key) = before {
        p.keep_default(&key);
    }
    Ok(applied)
}

/// Applies `op` to a copy of the caller's view, `p` with the caller's `current` as its default (no
/// default when it has none or it is not stored). Returns what the caller's current is afterwards —
/// the new default when the operation moved it (Select, Set, Connect, Import, Rename or removal of
/// the current), else `current` unchanged — and the operation the store then gets: a removal the
/// caller confirmed (its own current needs `force`) needs no confirmation there, where the stored
/// default may be that context or another.
fn caller_trial(p: &Profile, current: Option<&str>, op: Op) -> Result<(Option<String>, Op)> {
    let mut trial = p.clone();
    let key = current.and_then(|n| {
        trial
            .get(n)
            .filter(|(_, c)| !c.is_empty())
            .map(|(k, _)| k.to_owned())
    });
    trial.set_current(None);
    if let Some(k) = &key {
        trial.keep_default(k);
    }
    apply_op(&mut trial, &op)?;
    let after = if trial.default_key() != key.as_deref() {
        trial.default_context().map(|(k, _)| k.to_owned())
    } else {
        current.map(str::to_owned)
    };
    let op = match op {
        Op::Remove { name, .. } => Op::Remove { name, force: true },
        other => other,
    };
    Ok((after, op))
}

/// Az's warning when the last context of a User account is removed: the removed context's account,
/// if it is a user's and no context of the same Id (ignoring case) remains in `p`.
fn last_context_of_user_warning(p: &Profile, removed: &model::Context) -> Option<String> {
    let account = removed.account()?;
    let id = account.id().filter(|id| !id.is_empty())?;
    if !account
        .account_type()
        .is_some_and(|t| crate::names::eq_ignore_case(t, "User"))
    {
        return None;
    }
    let remains = p.contexts().any(|(_, c)| {
        c.account()
            .and_then(|a| a.id())
            .is_some_and(|i| crate::names::eq_ignore_case(i, id))
    });
    (!remains).then(|| {
        format!("No contexts remain for user '{id}'; this user has been removed from the shared token cache.")
    })
}

fn apply_op(p: &mut Profile, op: &Op) -> Result<Applied> {
    if let Op::Batch(ops) = op {
        let mut warnings = Vec::new();
        for op in ops {
            warnings.extend(apply_op(p, op)?.warnings);
        }
        return Ok(Applied {
            value: OpValue::None,
            warnings,
        });
    }
    if let Op::Remove { name, force } = op {
        let removed = p.remove(name, *force)?;
        let warnings = removed
            .as_ref()
            .and_then(|(_, c)| last_context_of_user_warning(p, c))
            .into_iter()
            .collect();
        return Ok(Applied {
            value: OpValue::Context(removed.map(|(k, c)| NamedContext {
                name: k,
                context: std::sync::Arc::new(c),
            })),
            warnings,
        });
    }
    if let Op::SignIn { sign_in, force } = op {
        let key = crate::signin::apply(p, sign_in, *force)?;
        let value = match key {
            Some(k) => Some(named_or_missing(p, &k)?),
            None => default_named(p),
        };
        return Ok(Applied {
            value: OpValue::Context(value),
            warnings: sign_in.warnings.clone(),
        });
    }
    Ok(Applied::from(match op {
        Op::SetContext {
            context,
            name,
            force,
            extended_properties,
        } => {
            if let Some(n) = name.as_deref() {
                if !force {
                    if let Some((k, _)) = p.get(n) {
                        return Err(Error::AlreadyExists {
                            kind: ObjectKind::Context,
                            name: k.to_owned(),
                            message: format!(
                                "Are you sure you want to replace existing context '{k}'?"
                            ),
                        });
                    }
                }
            }
            let ext: Vec<(&str, &str)> = extended_properties
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let key = p.set_context(context, name.as_deref(), &ext)?;
            OpValue::Context(Some(named_or_missing(p, &key)?))
        }
        Op::Select { name } => {
            let key = p.select(name)?;
            OpValue::Context(Some(named_or_missing(p, &key)?))
        }
        Op::Rename {
            source,
            target,
            force,
        } => match p.rename(source, target, *force)? {
            Some(key) => OpValue::Context(Some(named_or_missing(p, &key)?)),
            None => OpValue::Context(None),
        },
        Op::Remove { .. } | Op::SignIn { .. } | Op::Batch(_) => unreachable!("handled above"),
        Op::Clear => {
            p.clear();
            OpValue::None
        }
        Op::Import { profile } => {
            p.merge_import(profile);
            OpValue::Profile(Box::new(p.clone()))
        }
        Op::AddOrSetEnvironment { environment } => {
            OpValue::Environment(Box::new(p.set_environment(environment.clone())?.clone()))
        }
        Op::RemoveEnvironment { name } => {
            OpValue::Environment(Box::new(p.remove_environment(name)?))
        }
        Op::Disconnect { account_id } => {
            let matching: Vec<NamedContext> = p
                .contexts_shared()
                .filter(|(_, c)| {
                    c.account()
                        .and_then(|a| a.id())
                        .is_some_and(|id| crate::names::eq_ignore_case(id, account_id))
                })
                .map(|(k, c)| to_named(k, c))
                .collect();
            p.remove_account(account_id);
            OpValue::Contexts(matching)
        }
    }))
}
