//! `AzureRmContextSettings.json` (Az's autosave settings: `Mode`, `ContextDirectory`, `ContextFile`,
//! `KeyStoreFile`, …) and where the store's files live.
//!
//! - The store directory is the caller's `AZCONTEXT_DIR` value when it is set and not empty, else
//!   `~/.Azure`. The settings file always sits directly in it; its `ContextDirectory`, `ContextFile` and
//!   `KeyStoreFile` relocate the context file and the keystore, as in Az. Nothing here reads the
//!   environment or caches a path: callers pass the values in on every call.
//! - The file is compact JSON on one line without a BOM, fields in Az's order (`Mode`,
//!   `ContextDirectory`, `ContextFile`, `CacheDirectory`, `CacheFile`, `KeyStoreFile`, `Settings`).
//!   Unknown members are preserved when we rewrite it.
//! - `Mode` turns autosave on only when it is exactly the string `CurrentUser`; anything else (including
//!   `currentuser`, `null` or a missing member) means Process. Null or missing paths fall back to the
//!   defaults.
//! - Trust: the store folder and the settings file pass the rules of [`crate::fsio`] (owned by the
//!   user, no link, too-open modes tightened) before anything in the file is used. Its
//!   `ContextDirectory` must then be a folder the user owns that group and others cannot write (it is
//!   checked, never changed), and `ContextFile`/`KeyStoreFile` plain file names in it
//!   ([`resolve_paths`]); anything else is refused with [`Error::Untrusted`] naming the settings file.
//! - A settings file that does not parse is moved aside (see [`crate::fsio::quarantine`]) and reported
//!   as [`Error::CorruptFile`]; the next use creates a fresh one.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsio;
use crate::jsonio::{self, Object, Value};

pub const SETTINGS_FILE: &str = "AzureRmContextSettings.json";
pub const DEFAULT_CONTEXT_FILE: &str = "AzureRmContext.json";
pub const DEFAULT_KEYSTORE_FILE: &str = "keystore.cache";
pub const DEFAULT_CACHE_FILE: &str = "msal.cache.cae";
/// The `Mode` value that means "autosave on".
pub const MODE_CURRENT_USER: &str = "CurrentUser";
pub const MODE_PROCESS: &str = "Process";

/// Exactly what `Disable-AzContextAutosave -Scope CurrentUser` writes (`settings-after-disable.json`).
pub const DISABLED_SETTINGS_TEXT: &str = "{\"Mode\":\"Process\",\"ContextDirectory\":null,\"ContextFile\":null,\"CacheDirectory\":null,\"CacheFile\":null,\"KeyStoreFile\":null,\"Settings\":{}}";

/// .NET `bool.TryParse`: `true`/`false` in any case, surrounding whitespace ignored.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The store directory: `azcontext_dir` (the caller's `AZCONTEXT_DIR` value) when set and not empty,
/// made absolute against the current directory; otherwise `~/.Azure`.
pub fn store_dir(azcontext_dir: Option<&str>) -> Result<PathBuf> {
    if let Some(d) = azcontext_dir.filter(|d| !d.is_empty()) {
        let p = PathBuf::from(d);
        if p.is_absolute() {
            return Ok(p);
        }
        let cwd = std::env::current_dir().map_err(|e| Error::io("resolving", &p, e))?;
        return Ok(cwd.join(p));
    }
    match dirs::home_dir() {
        Some(h) => Ok(h.join(".Azure")),
        None => Err(Error::InvalidArgument(
            "cannot find the home directory for ~/.Azure; set AZCONTEXT_DIR to choose the store directory"
                .into(),
        )),
    }
}

/// Where MSAL keeps its token cache (Az overwrites `CacheDirectory` with this value since 2024).
pub fn default_cache_dir() -> PathBuf {
    dirs::data_local_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join(".IdentityService")
}

/// The parsed settings file: Az's members in Az's order, then every other member as it was read, so
/// unknown members survive a rewrite (see [`Member`] for absent and null members). Members of an
/// unexpected type are kept as they are and read as unset.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextSettings {
    #[serde(default, skip_serializing_if = "Member::is_absent")]
    mode: Member,
    #[serde(default, skip_serializing_if = "Member::is_absent")]
    context_directory: Member,
    #[serde(default, skip_serializing_if = "Member::is_absent")]
    context_file: Member,
    #[serde(default, skip_serializing_if = "Member::is_absent")]
    cache_directory: Member,
    #[serde(default, skip_serializing_if = "Member::is_absent")]
    cache_file: Member,
    #[serde(default, skip_serializing_if = "Member::is_absent")]
    key_store_file: Member,
    #[serde(default, skip_serializing_if = "Member::is_absent")]
    settings: Member,
    #[serde(flatten)]
    other: Object,
}

/// A member of the settings: `None` when absent (then not written), `Some(Value::Null)` when null
/// (serde reads `null` into an `Option` as `None`, which would drop the member on a rewrite).
#[derive(Debug, Clone, PartialEq, Default)]
struct Member(Option<Value>);

impl Member {
    fn is_absent(&self) -> bool {
        self.0.is_none()
    }
    fn text(s: String) -> Member {
        Member(Some(Value::String(s)))
    }
    fn as_str(&self) -> Option<&str> {
        self.0.as_ref().and_then(Value::as_str)
    }
}

impl serde::Serialize for Member {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Member {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Member, D::Error> {
        Value::deserialize(d).map(|v| Member(Some(v)))
    }
}

/// The files in use, resolved from the store directory and the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePaths {
    pub store_dir: PathBuf,
    pub settings_file: PathBuf,
    pub context_dir: PathBuf,
    pub context_file: PathBuf,
    pub keystore_file: PathBuf,
    pub cache_dir: PathBuf,
    pub cache_file: String,
}

fn non_empty_str(v: &Member) -> Option<&str> {
    v.as_str().filter(|s| !s.is_empty())
}

impl ContextSettings {
    /// Parses settings text. Only text that is not a JSON object is an error.
    pub fn parse(bytes: &[u8], source_name: &str) -> std::result::Result<Self, crate::FormatError> {
        jsonio::from_slice(bytes, source_name)
    }

    /// A fresh file as Az writes it at first import: autosave on, the paths in use, a new InstallationId.
    pub fn new_current_user(store_dir: &Path) -> Self {
        let mut s = ContextSettings::default();
        s.enable(store_dir);
        s
    }

    /// `settings-after-disable.json`.
    pub fn disabled() -> Self {
        ContextSettings::parse(DISABLED_SETTINGS_TEXT.as_bytes(), SETTINGS_FILE)
            .expect("the built-in disabled settings parse")
    }

    /// The raw `Mode` member, if it is a string.
    pub fn mode(&self) -> Option<&str> {
        self.mode.as_str()
    }

    /// Autosave on: `Mode` is exactly `CurrentUser` (ordinal, case-sensitive, as Az compares it).
    pub fn autosave(&self) -> bool {
        self.mode() == Some(MODE_CURRENT_USER)
    }

    /// Installation id from `Settings`, if any.
    pub fn installation_id(&self) -> Option<&str> {
        self.settings
            .0
            .as_ref()
            .and_then(Value::as_object)
            .and_then(|o| o.get("InstallationId"))
            .and_then(Value::as_str)
    }

    /// The `Settings` map's string entries (e.g. `InstallationId`), in file order.
    pub fn settings_map(&self) -> Vec<(String, String)> {
        match &self.settings.0 {
            Some(Value::Object(o)) => o
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.to_owned(), s.to_owned())))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Resolves the files in use. Null, missing or empty members fall back to the defaults; a relative
    /// `ContextDirectory` is taken relative to the store directory.
    pub fn paths(&self, store_dir: &Path) -> StorePaths {
        let context_dir = match non_empty_str(&self.context_directory) {
            Some(d) => store_dir.join(d), // join keeps an absolute d as is
            None => store_dir.to_path_buf(),
        };
        let context_file = non_empty_str(&self.context_file).unwrap_or(DEFAULT_CONTEXT_FILE);
        let keystore_file = non_empty_str(&self.key_store_file).unwrap_or(DEFAULT_KEYSTORE_FILE);
        StorePaths {
            store_dir: store_dir.to_path_buf(),
            settings_file: store_dir.join(SETTINGS_FILE),
            context_file: context_dir.join(context_file),
            keystore_file: context_dir.join(keystore_file),
            cache_dir: self.cache_dir(store_dir, &context_dir),
            cache_file: self.cache_file(),
            context_dir,
        }
    }

    /// The MSAL token cache folder. `CacheDirectory` when it names one MSAL can use; else, for the
    /// default store (`~/.Azure`), Az's own folder ([`default_cache_dir`]); for a relocated store,
    /// `.IdentityService` inside it, so that a store relocated per test or per CI job never reads or
    /// writes the user's real tokens (then a `CacheDirectory` naming Az's default folder is ignored too).
    /// Values Az maps back to its default are ignored as Az does: the context folder (older files) and
    /// `~/.IdentityService` (recorded by older releases on Linux, never used by MSAL).
    fn cache_dir(&self, store_dir: &Path, context_dir: &Path) -> PathBuf {
        let home = dirs::home_dir();
        let relocated = home.as_ref().map(|h| h.join(".Azure")).as_deref() != Some(store_dir);
        let fallback = if relocated {
            store_dir.join(".IdentityService")
        } else {
            default_cache_dir()
        };
        let Some(named) = non_empty_str(&self.cache_directory).map(PathBuf::from) else {
            return fallback;
        };
        let legacy_home = home.map(|h| h.join(".IdentityService"));
        let ignored = !named.is_absolute()
            || named == context_dir
            || Some(&named) == legacy_home.as_ref()
            || (relocated && named == default_cache_dir());
        if ignored {
            fallback
        } else {
            named
        }
    }

    /// The MSAL token cache file: `CacheFile` when it is a suffixed MSAL cache name
    /// (`msal.cache.cae`, `msal.cache.nocae`); older values (`msal.cache`, `TokenCache.dat`) map to
    /// the default, as in Az.
    fn cache_file(&self) -> String {
        match non_empty_str(&self.cache_file) {
            Some(f) if f.starts_with("msal.cache.") && !f.contains(['/', '\\']) => f.to_owned(),
            _ => DEFAULT_CACHE_FILE.to_owned(),
        }
    }

    /// What `Enable-AzContextAutosave -Scope CurrentUser` writes: Mode CurrentUser and the paths in use,
    /// in Az's field order; unknown members and `Settings` entries are kept, an InstallationId is added
    /// when missing.
    pub fn enable(&mut self, store_dir: &Path) {
        let paths = self.paths(store_dir);
        let mut settings = match self.settings.0.take() {
            Some(Value::Object(o)) => o,
            _ => Object::new(),
        };
        if !settings
            .get("InstallationId")
            .is_some_and(|v| v.as_str().is_some())
        {
            settings.insert(
                "InstallationId",
                Value::from(uuid::Uuid::new_v4().to_string()),
            );
        }
        let keystore_name = paths
            .keystore_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| DEFAULT_KEYSTORE_FILE.to_owned());
        let context_name = paths
            .context_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| DEFAULT_CONTEXT_FILE.to_owned());
        self.mode = Member::text(MODE_CURRENT_USER.to_owned());
        self.context_directory = Member::text(paths.context_dir.to_string_lossy().into_owned());
        self.context_file = Member::text(context_name);
        self.cache_directory = Member::text(paths.cache_dir.to_string_lossy().into_owned());
        self.cache_file = Member::text(paths.cache_file);
        self.key_store_file = Member::text(keystore_name);
        self.settings = Member(Some(Value::Object(settings)));
    }

    /// The file's text: compact, one line, no BOM, no final newline.
    pub fn to_text(&self) -> String {
        jsonio::to_compact(self)
    }
}

/// Reads the settings file without creating or moving anything. `Ok(None)` when there is none.
/// A file that does not parse is reported as [`Error::InvalidProfile`] (nothing is moved aside).
pub fn peek(store_dir: &Path) -> Result<Option<ContextSettings>> {
    let path = store_dir.join(SETTINGS_FILE);
    match fsio::read_file(&path, fsio::Trust::Store { tighten: false })? {
        None => Ok(None),
        Some((_, bytes)) => Ok(Some(ContextSettings::parse(
            &bytes,
            &path.to_string_lossy(),
        )?)),
    }
}

/// Reads the settings file, creating the store directory (0700) and, when missing, a fresh file with
/// Mode CurrentUser (0600, created atomically: concurrent first uses agree on one file). A file that
/// does not parse is read again a few times over ~100 ms (Az.Accounts rewrites it with
/// `File.WriteAllText`, which truncates first, so a reader can catch it empty or half written); if it
/// still does not parse, it is quarantined and reported as [`Error::CorruptFile`].
pub fn load_or_create(store_dir: &Path) -> Result<ContextSettings> {
    fsio::ensure_dir(store_dir)?;
    fsio::secure_dir(store_dir, true)?;
    let path = store_dir.join(SETTINGS_FILE);
    let mut retries_left = 5;
    loop {
        match fsio::read_file(&path, fsio::Trust::Store { tighten: true })? {
            Some((_, bytes)) => {
                return match ContextSettings::parse(&bytes, &path.to_string_lossy()) {
                    Ok(s) => Ok(s),
                    Err(_) if retries_left > 0 => {
                        retries_left -= 1;
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        continue;
                    }
                    Err(source) => {
                        let quarantined = fsio::quarantine(&path)?;
                        Err(Error::CorruptFile {
                            path,
                            quarantined,
                            source,
                        })
                    }
                };
            }
            None => {
                let fresh = ContextSettings::new_current_user(store_dir);
                if fsio::create_atomic(&path, fresh.to_text().as_bytes())? {
                    return Ok(fresh);
                }
                // Another process created it first: read theirs.
            }
        }
    }
}

/// A file name the settings file gives (`ContextFile`, `KeyStoreFile`) must name a file directly in the
/// context folder: no separator, not `.` or `..`.
fn plain_file_name(name: &str) -> bool {
    !name.contains('/') && !name.contains('\0') && name != "." && name != ".."
}

/// [`ContextSettings::paths`], checked: the file names are plain names, and a context folder other
/// than the store folder exists (created 0700 when missing) as a folder the user owns that group and
/// others cannot write; the files the session will use, when present, pass the store's trust rules
/// (with `tighten`, their modes are tightened to 0600). `tighten == false` changes nothing on disk
/// (for the read-only `azctx current`).
pub fn resolve_paths(
    settings: &ContextSettings,
    store_dir: &Path,
    tighten: bool,
) -> Result<StorePaths> {
    let paths = settings.paths(store_dir);
    for (member, value) in [
        ("ContextFile", &settings.context_file),
        ("KeyStoreFile", &settings.key_store_file),
    ] {
        if let Some(name) = non_empty_str(value) {
            if !plain_file_name(name) {
                return Err(Error::Untrusted {
                    path: paths.settings_file.clone(),
                    problem: format!(
                        "gives {member} '{name}', which is not a plain file name in the context folder"
                    ),
                    fix: format!(
                        "set {member} to a file name such as '{}', or remove the settings file to start with the defaults",
                        if member == "ContextFile" {
                            DEFAULT_CONTEXT_FILE
                        } else {
                            DEFAULT_KEYSTORE_FILE
                        }
                    ),
                });
            }
        }
    }
    if paths.context_dir != store_dir {
        if tighten {
            fsio::ensure_dir(&paths.context_dir)?;
        }
        if paths.context_dir.exists() {
            fsio::secure_dir(&paths.context_dir, false)?;
        }
    }
    if tighten {
        for file in [
            &paths.context_file,
            &paths.keystore_file,
            &crate::store::index_path(&paths.context_file),
        ] {
            fsio::secure_existing_file(file)?;
        }
    }
    Ok(paths)
}

/// Writes the settings file atomically (0600).
pub fn save(store_dir: &Path, settings: &ContextSettings) -> Result<()> {
    fsio::ensure_dir(store_dir)?;
    fsio::write_atomic(
        &store_dir.join(SETTINGS_FILE),
        settings.to_text().as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/az-accounts"
    );

    /// The fixtures are part of the repository (tests/fixtures): a missing one fails
    /// the test rather than skipping it.
    fn fixture(name: &str) -> Option<Vec<u8>> {
        let path = Path::new(FIXTURES).join(name);
        Some(std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display())))
    }

    #[test]
    fn disabled_text_matches_fixture() {
        assert_eq!(
            ContextSettings::disabled().to_text(),
            DISABLED_SETTINGS_TEXT
        );
        if let Some(f) = fixture("settings-after-disable.json") {
            assert_eq!(DISABLED_SETTINGS_TEXT.as_bytes(), f.as_slice());
        }
        assert!(!ContextSettings::disabled().autosave());
    }

    #[test]
    fn fresh_settings_have_fixture_shape() {
        let s = ContextSettings::new_current_user(Path::new("/home/alice/.Azure"));
        let text = s.to_text();
        assert!(!text.contains('\n') && !text.starts_with('\u{feff}'));
        let v = jsonio::parse(text.as_bytes(), "x").unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().collect();
        if let Some(f) = fixture("settings-currentuser.json") {
            let fv = jsonio::parse(&f, "fixture").unwrap();
            let fkeys: Vec<&str> = fv.as_object().unwrap().keys().collect();
            assert_eq!(keys, fkeys);
        }
        assert_eq!(
            keys,
            [
                "Mode",
                "ContextDirectory",
                "ContextFile",
                "CacheDirectory",
                "CacheFile",
                "KeyStoreFile",
                "Settings"
            ]
        );
        assert!(s.autosave());
        let id = s.installation_id().unwrap();
        let u = uuid::Uuid::parse_str(id).unwrap();
        assert_eq!(u.get_version_num(), 4);
        assert!(text.starts_with("{\"Mode\":\"CurrentUser\",\"ContextDirectory\":\"/home/alice/.Azure\",\"ContextFile\":\"AzureRmContext.json\",\"CacheDirectory\":"));
    }

    #[test]
    fn token_cache_follows_a_relocated_store_unless_the_settings_name_another() {
        let parse = |t: &str| ContextSettings::parse(t.as_bytes(), "s").unwrap();
        let store = Path::new("/tmp/ci-job/store");
        // A relocated store keeps its tokens inside it, even when the file names Az's default folder.
        for text in [
            "{}".to_owned(),
            format!(
                r#"{{"CacheDirectory":{}}}"#,
                serde_json::to_string(&default_cache_dir().to_string_lossy().into_owned()).unwrap()
            ),
            r#"{"CacheDirectory":"relative/dir","CacheFile":"TokenCache.dat"}"#.to_owned(),
            r#"{"CacheDirectory":"/tmp/ci-job/store","CacheFile":"msal.cache"}"#.to_owned(),
        ] {
            let p = parse(&text).paths(store);
            assert_eq!(p.cache_dir, store.join(".IdentityService"), "{text}");
            assert_eq!(p.cache_file, DEFAULT_CACHE_FILE, "{text}");
        }
        // Another folder and a suffixed name are honoured.
        let p = parse(r#"{"CacheDirectory":"/srv/tokens","CacheFile":"msal.cache.nocae"}"#)
            .paths(store);
        assert_eq!(p.cache_dir, Path::new("/srv/tokens"));
        assert_eq!(p.cache_file, "msal.cache.nocae");
        // The default store uses Az's folder.
        if let Some(home) = dirs::home_dir() {
            let p = parse("{}").paths(&home.join(".Azure"));
            assert_eq!(p.cache_dir, default_cache_dir());
            let legacy = format!(
                r#"{{"CacheDirectory":{}}}"#,
                serde_json::to_string(
                    &home.join(".IdentityService").to_string_lossy().into_owned()
                )
                .unwrap()
            );
            assert_eq!(
                parse(&legacy).paths(&home.join(".Azure")).cache_dir,
                default_cache_dir()
            );
        }
    }

    #[test]
    fn mode_is_exact_and_nulls_fall_back() {
        for (text, on) in [
            (r#"{"Mode":"CurrentUser"}"#, true),
            (r#"{"Mode":"currentuser"}"#, false),
            (r#"{"Mode":null}"#, false),
            (r#"{"Mode":"Process"}"#, false),
            (r#"{}"#, false),
            (r#"{"Mode":1}"#, false),
        ] {
            assert_eq!(
                ContextSettings::parse(text.as_bytes(), "s")
                    .unwrap()
                    .autosave(),
                on,
                "{text}"
            );
        }
        let s = ContextSettings::disabled();
        let p = s.paths(Path::new("/x/.Azure"));
        assert_eq!(p.context_file, Path::new("/x/.Azure/AzureRmContext.json"));
        assert_eq!(p.keystore_file, Path::new("/x/.Azure/keystore.cache"));
        assert_eq!(
            p.settings_file,
            Path::new("/x/.Azure/AzureRmContextSettings.json")
        );
        let s = ContextSettings::parse(
            br#"{"Mode":"CurrentUser","ContextDirectory":"/y","ContextFile":"c.json","KeyStoreFile":"k"}"#,
            "s",
        )
        .unwrap();
        let p = s.paths(Path::new("/x/.Azure"));
        assert_eq!(p.context_file, Path::new("/y/c.json"));
        assert_eq!(p.keystore_file, Path::new("/y/k"));
        assert_eq!(
            p.settings_file,
            Path::new("/x/.Azure/AzureRmContextSettings.json")
        );
    }

    #[test]
    fn enable_keeps_unknown_members_and_installation_id() {
        let mut s = ContextSettings::parse(
            br#"{"Extra":[1,2],"Mode":"Process","Settings":{"InstallationId":"abc","Other":"x"}}"#,
            "s",
        )
        .unwrap();
        s.enable(Path::new("/d"));
        let t = s.to_text();
        assert!(t.starts_with(r#"{"Mode":"CurrentUser","ContextDirectory":"/d","ContextFile":"AzureRmContext.json""#), "{t}");
        assert!(t.ends_with(r#""KeyStoreFile":"keystore.cache","Settings":{"InstallationId":"abc","Other":"x"},"Extra":[1,2]}"#), "{t}");
    }

    #[test]
    fn parse_bool_is_dotnet_like() {
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool(" false "), Some(false));
        assert_eq!(parse_bool("1"), None);
        assert_eq!(parse_bool(""), None);
    }

    #[test]
    fn store_dir_resolution() {
        assert_eq!(store_dir(Some("/tmp/s")).unwrap(), Path::new("/tmp/s"));
        let d = store_dir(Some("")).unwrap();
        assert!(d.ends_with(".Azure"));
        assert!(store_dir(Some("rel")).unwrap().is_absolute());
    }

    #[test]
    fn load_or_create_creates_once_and_quarantines_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let a = load_or_create(&store).unwrap();
        let b = load_or_create(&store).unwrap();
        assert_eq!(a, b);
        assert!(peek(&store).unwrap().is_some());
        std::fs::write(store.join(SETTINGS_FILE), b"not json").unwrap();
        assert!(matches!(peek(&store), Err(Error::InvalidProfile(_))));
        match load_or_create(&store) {
            Err(Error::CorruptFile { quarantined, .. }) => {
                assert_eq!(std::fs::read(quarantined).unwrap(), b"not json")
            }
            other => panic!("{other:?}"),
        }
        assert!(load_or_create(&store).unwrap().autosave());
    }
}
