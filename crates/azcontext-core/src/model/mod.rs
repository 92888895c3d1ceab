//! The Az.Accounts profile model: a typed view over the JSON document of `AzureRmContext.json`.
//!
//! Design: every entity keeps the JSON object it was read from (`jsonio::Object`), so unknown members,
//! member order, absent optional members and raw number text survive a round trip byte for byte.
//! Loading validates the types of the known members once, so the typed getters cannot fail.
//! Typed children (a context's Account/Tenant/Subscription/Environment, the profile's contexts and
//! environments) live in typed fields; the parent object keeps a `null` placeholder member at their
//! position and the writer substitutes them. Objects AzContext creates follow the member order of
//! Az's current types (the `*_ORDER` lists in `entities`); a member set on an object that lacked it is
//! inserted at its Az position.
//!
//! No I/O here: bytes in ([`Profile::parse`]), bytes out ([`Profile::to_az_bytes`]).

mod context;
mod entities;
mod legacy;
mod profile;
mod read;

pub use context::{tenant_record, Context, ContextRecord, IdentityKey};
pub use entities::{
    public_environments, Account, Environment, Subscription, Tenant, PUBLIC_ENVIRONMENT_NAMES,
};
pub use profile::{
    Profile, WriteOptions, DEFAULT_CONTEXT_LOST, SECRET_PROPERTIES, TOKEN_PROPERTIES,
};

use crate::error::{Error, FormatError, ObjectKind};
use crate::jsonio::{self as json, Object, PathSeg, Value};
use crate::names::eq_ignore_case;

/// The key Az uses for its placeholder context and as the initial default key.
pub const DEFAULT_KEY: &str = "Default";

/// A validation failure found on the parsed tree; turned into a located `FormatError` by the caller.
#[derive(Debug)]
pub(crate) struct Invalid {
    pub path: Vec<PathSeg>,
    pub message: String,
}

impl Invalid {
    pub fn new(message: String) -> Invalid {
        Invalid {
            path: Vec::new(),
            message,
        }
    }
    /// Prefixes a path segment (callers wrap errors from the inside out).
    pub fn within(mut self, seg: PathSeg) -> Invalid {
        self.path.insert(0, seg);
        self
    }
    pub fn within_key(self, key: &str) -> Invalid {
        self.within(PathSeg::Key(key.to_owned()))
    }
    /// A `FormatError` naming the source, the line and column of the offending value in `bytes`.
    pub fn locate(self, bytes: &[u8], document: bool, source_name: &str) -> FormatError {
        let (line, column) = json::locate(bytes, document, &self.path).unwrap_or((0, 0));
        FormatError {
            source_name: source_name.to_owned(),
            line,
            column,
            message: self.message,
        }
    }
}

/// The JSON type a known member must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// string or null
    Str,
    /// true or false
    Bool,
    /// object whose values are strings or null; or null
    StrMap,
    /// array of strings; or null
    StrArray,
    /// object or null
    Obj,
    /// anything (read but ignored, e.g. `Tenant.IsHome`)
    Any,
}

fn describe(ty: Ty) -> &'static str {
    match ty {
        Ty::Str => "a string or null",
        Ty::Bool => "true or false",
        Ty::StrMap => "an object of strings (or null)",
        Ty::StrArray => "an array of strings (or null)",
        Ty::Obj => "an object or null",
        Ty::Any => "any value",
    }
}

/// Checks the known members of `obj` against `spec`. Names match ignoring case (as Newtonsoft does);
/// a known member present twice (names differing only in case) is an error. `label` names the entity
/// in messages, e.g. "Account".
pub(crate) fn check_members(obj: &Object, spec: &[(&str, Ty)], label: &str) -> Result<(), Invalid> {
    let mut seen: u64 = 0;
    for (name, value) in obj.iter() {
        let idx = spec
            .iter()
            .position(|(k, _)| *k == name)
            .or_else(|| spec.iter().position(|(k, _)| eq_ignore_case(k, name)));
        let Some(idx) = idx else { continue };
        if seen & (1 << idx) != 0 {
            return Err(Invalid::new(format!(
                "the member '{label}.{}' appears more than once (names differ only in case)",
                spec[idx].0
            ))
            .within_key(name));
        }
        seen |= 1 << idx;
        let ty = spec[idx].1;
        check_type(value, ty).map_err(|inner| {
            let found = inner
                .as_ref()
                .map_or(value.type_name(), |(_, v)| v.type_name());
            let mut e = Invalid::new(format!(
                "expected {} for '{label}.{}', found {found}",
                describe(ty),
                spec[idx].0
            ));
            if let Some((seg, _)) = inner {
                e = e.within(seg);
            }
            e.within_key(name)
        })?;
    }
    Ok(())
}

/// `Err(None)`: the value itself has the wrong type; `Err(Some(seg, v))`: an item inside it does.
fn check_type(v: &Value, ty: Ty) -> Result<(), Option<(PathSeg, &Value)>> {
    let ok = match (ty, v) {
        (Ty::Any, _) => true,
        (Ty::Bool, Value::Bool(_)) => true,
        (Ty::Bool, _) => false,
        (_, Value::Null) => true,
        (Ty::Str, Value::String(_)) => true,
        (Ty::Obj, Value::Object(_)) => true,
        (Ty::StrMap, Value::Object(o)) => {
            for (k, item) in o.iter() {
                if !matches!(item, Value::String(_) | Value::Null) {
                    return Err(Some((PathSeg::Key(k.to_owned()), item)));
                }
            }
            true
        }
        (Ty::StrArray, Value::Array(a)) => {
            for (i, item) in a.iter().enumerate() {
                if !matches!(item, Value::String(_)) {
                    return Err(Some((PathSeg::Index(i), item)));
                }
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(None)
    }
}

/// Inserts member `name` (absent from `obj`) at its position in Az's declaration `order`: after the
/// last present member that precedes it in `order`, else before the first that follows it, else last.
pub(crate) fn insert_ordered(obj: &mut Object, name: &str, value: Value, order: &[&str]) {
    let target = order.iter().position(|k| *k == name).unwrap_or(usize::MAX);
    let mut after = None;
    let mut before = None;
    for (i, (k, _)) in obj.iter().enumerate() {
        if let Some(oi) = order.iter().position(|o| eq_ignore_case(o, k)) {
            if oi < target {
                after = Some(i + 1);
            } else if before.is_none() {
                before = Some(i);
            }
        }
    }
    let pos = after.or(before).unwrap_or(obj.len());
    obj.insert_at(pos, name, value);
}

/// Sets member `name` (matched ignoring case) to `value`, inserting it in Az order when absent.
pub(crate) fn set_member(obj: &mut Object, name: &str, value: Value, order: &[&str]) {
    if let Some(slot) = obj.get_ci_mut(name) {
        *slot = value;
    } else {
        insert_ordered(obj, name, value, order);
    }
}

pub(crate) fn get_str<'a>(obj: &'a Object, name: &str) -> Option<&'a str> {
    obj.get_ci(name).and_then(Value::as_str)
}

/// A string-map member (`ExtendedProperties`, `TenantMap`): lookups ignore case.
pub(crate) fn map_get<'a>(obj: &'a Object, map: &str, key: &str) -> Option<&'a str> {
    obj.get_ci(map)
        .and_then(Value::as_object)
        .and_then(|m| m.get_ci(key))
        .and_then(Value::as_str)
}

pub(crate) fn map_set(obj: &mut Object, map: &str, key: &str, value: &str, order: &[&str]) {
    if !matches!(obj.get_ci(map), Some(Value::Object(_))) {
        set_member(obj, map, Value::Object(Object::new()), order);
    }
    if let Some(Value::Object(m)) = obj.get_ci_mut(map) {
        m.insert_ci(key, Value::String(value.to_owned()));
    }
}

pub(crate) fn map_remove(obj: &mut Object, map: &str, key: &str) -> Option<String> {
    let m = obj.get_ci_mut(map)?.as_object_mut()?;
    m.remove_ci(key).and_then(|(_, v)| match v {
        Value::String(s) => Some(s),
        _ => None,
    })
}

pub(crate) fn map_iter<'a>(
    obj: &'a Object,
    map: &str,
) -> impl Iterator<Item = (&'a str, Option<&'a str>)> {
    obj.get_ci(map)
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, v)| (k, v.as_str())))
}

/// Az's `Update`: non-null incoming members win; string maps (`ExtendedProperties`, `TenantMap`) are
/// unioned, incoming entries winning. Members keep the target's order; new ones are appended in
/// Az order.
pub(crate) fn merge_objects(target: &mut Object, src: &Object, order: &[&str]) {
    for (k, v) in src.iter() {
        if v.is_null() {
            continue;
        }
        let is_map = eq_ignore_case(k, "ExtendedProperties") || eq_ignore_case(k, "TenantMap");
        match (is_map, v, target.get_ci_mut(k)) {
            (true, Value::Object(incoming), Some(Value::Object(existing))) => {
                for (ik, iv) in incoming.iter() {
                    existing.insert_ci(ik, iv.clone());
                }
            }
            (_, _, Some(slot)) => *slot = v.clone(),
            (_, _, None) => insert_ordered(target, k, v.clone(), order),
        }
    }
}

/// Checks a context name chosen by a user (`-Name`, `-ContextName`, `Rename-AzContext -TargetName`):
/// non-empty, no NUL, and not `Default` in any case (Az's save removes the entry keyed `Default`,
/// case-insensitively).
pub fn validate_user_context_name(name: &str) -> crate::Result<()> {
    validate_stored_name(name, ObjectKind::Context)?;
    if let Some(c) = name.chars().find(|c| is_control(*c)) {
        return Err(Error::InvalidName {
            kind: ObjectKind::Context,
            name: escape_controls(name).into_owned(),
            reason: format!(
                "the name contains the control character U+{:04X} (a name must not hold ESC, CR, LF or any other C0 or C1 control); choose a name of printable characters",
                u32::from(c)
            ),
        });
    }
    if eq_ignore_case(name, DEFAULT_KEY) {
        return Err(Error::InvalidName {
            kind: ObjectKind::Context,
            name: name.to_owned(),
            reason: "'Default' is reserved for Az's placeholder context (Az.Accounts drops a context with that name when it saves); choose another name".to_owned(),
        });
    }
    Ok(())
}

/// A C0 or C1 control character, or DEL: what a terminal may act on instead of showing.
pub fn is_control(c: char) -> bool {
    matches!(u32::from(c), 0x00..=0x1F | 0x7F..=0x9F)
}

/// `name` fit for a terminal: every control character (see [`is_control`]) written as `\xHH`, the
/// rest unchanged. For names another tool stored; names chosen here never hold one.
pub fn escape_controls(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if is_control(c) {
            out.push_str(&format!("\\x{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A name that can be stored at all: non-empty, without U+0000.
pub fn validate_stored_name(name: &str, kind: ObjectKind) -> crate::Result<()> {
    let reason = if name.is_empty() {
        "the name is empty"
    } else if name.contains('\0') {
        "the name contains a NUL character (U+0000)"
    } else {
        return Ok(());
    };
    Err(Error::InvalidName {
        kind,
        name: name.replace('\0', "\u{FFFD}"),
        reason: reason.to_owned(),
    })
}
