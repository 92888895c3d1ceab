//! An order-preserving JSON tree for the parts of Az's files that are kept as written: every member in
//! its place, unknown ones included, numbers as their text, absent and `null` members told apart.
//!
//! serde_json parses and writes it (`Serialize`/`Deserialize` below). Its own `Map` is not used here:
//! in serde_json 1.0.87 removing a member moves the last member into its place (`swap_remove`) and
//! there is no insertion at a position, both of which the model needs to keep Az's order; and a
//! `Vec` of members costs less memory than an index map for objects of a handful of members.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::names::eq_ignore_case;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// With serde_json's `arbitrary_precision`, the number's text exactly as it appeared.
    Number(serde_json::Number),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_object_mut(&mut self) -> Option<&mut Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    /// "a string", "null", … for messages ("expected …, found a number"). Never the value itself.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
    /// `Value::String` for `Some`, `Value::Null` for `None`.
    pub fn from_opt_str(s: Option<&str>) -> Value {
        s.map_or(Value::Null, |s| Value::String(s.to_owned()))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<Object> for Value {
    fn from(o: Object) -> Value {
        Value::Object(o)
    }
}
impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Value {
        Value::Array(a)
    }
}
impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Value {
        s.map_or(Value::Null, Value::String)
    }
}

/// A JSON object: members in order. Lookups are exact (`get`) or ignore case (`get_ci`, as
/// Newtonsoft matches member names).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    entries: Vec<(Name, Value)>,
}

/// A member name: Az's own names are not allocated per object (a profile of 10,000 contexts holds
/// about 250,000 of them).
type Name = Cow<'static, str>;

macro_rules! az_names {
    ($($name:literal)*) => {
        /// The name as a `'static` string when it is one of Az's member names.
        fn az_name(s: &str) -> Option<&'static str> {
            match s {
                $($name => Some($name),)*
                _ => None,
            }
        }
    };
}

az_names!(
    "DefaultContextKey" "EnvironmentTable" "Contexts" "ExtendedProperties"
    "Account" "Tenant" "Subscription" "Environment" "VersionProfile" "TokenCache" "CacheData"
    "Id" "Credential" "Type" "TenantMap" "Directory" "IsHome" "Name" "State"
    "Tenants" "HomeAccountId" "Subscriptions" "TenantCategory" "TenantBrandingLogoUrl" "DefaultDomain"
    "TenantType" "CountryCode" "Domains" "DisplayName" "TenantId" "AuthorizationSource"
    "SubscriptionPolices" "ManagedByTenants" "Tags" "Scope" "AccessToken" "KeyVault"
    "OnPremise" "ServiceManagementUrl" "ResourceManagerUrl" "ManagementPortalUrl"
    "PublishSettingsFileUrl" "ActiveDirectoryAuthority" "GalleryUrl" "GraphUrl"
    "ActiveDirectoryServiceEndpointResourceId" "StorageEndpointSuffix" "SqlDatabaseDnsSuffix"
    "TrafficManagerDnsSuffix" "AzureKeyVaultDnsSuffix" "AzureKeyVaultServiceEndpointResourceId"
    "GraphEndpointResourceId" "DataLakeEndpointResourceId" "BatchEndpointResourceId"
    "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix" "AzureDataLakeStoreFileSystemEndpointSuffix"
    "AdTenant" "ContainerRegistryEndpointSuffix" "VersionProfiles"
);

fn name(key: String) -> Name {
    match az_name(&key) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(key),
    }
}

impl Object {
    pub fn new() -> Object {
        Object {
            entries: Vec::new(),
        }
    }
    pub fn with_capacity(n: usize) -> Object {
        Object {
            entries: Vec::with_capacity(n),
        }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&**k, v))
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }
    /// Index of the member named exactly `key`.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }
    /// Index of the first member whose name equals `key` ignoring case (an exact match wins).
    pub fn position_ci(&self, key: &str) -> Option<usize> {
        self.position(key).or_else(|| {
            self.entries
                .iter()
                .position(|(k, _)| eq_ignore_case(k, key))
        })
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].1)
    }
    pub fn get_ci(&self, key: &str) -> Option<&Value> {
        self.position_ci(key).map(|i| &self.entries[i].1)
    }
    pub fn get_ci_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position_ci(key).map(move |i| &mut self.entries[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }
    pub fn contains_key_ci(&self, key: &str) -> bool {
        self.position_ci(key).is_some()
    }
    /// Replaces the value of the member named exactly `key` in place (returning the old value), or
    /// appends a new member.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((name(key), value));
                None
            }
        }
    }
    /// Like `insert`, but matches an existing member ignoring case; the stored name keeps its case.
    pub fn insert_ci(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position_ci(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((name(key), value));
                None
            }
        }
    }
    /// Inserts a new member at `index` (clamped to the length). Does not check for duplicates.
    pub fn insert_at(&mut self, index: usize, key: impl Into<String>, value: Value) {
        let index = index.min(self.entries.len());
        self.entries.insert(index, (name(key.into()), value));
    }
    /// Appends without checking for an existing member (the caller knows the name is new).
    pub fn push(&mut self, key: impl Into<String>, value: Value) {
        self.entries.push((name(key.into()), value));
    }
    /// Removes the member matching `key` ignoring case, keeping the others' order; returns its stored
    /// name and value.
    pub fn remove_ci(&mut self, key: &str) -> Option<(String, Value)> {
        self.position_ci(key).map(|i| {
            let (k, v) = self.entries.remove(i);
            (k.into_owned(), v)
        })
    }
    pub fn retain(&mut self, mut f: impl FnMut(&str, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k, v));
    }
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter =
        std::iter::Map<std::vec::IntoIter<(Name, Value)>, fn((Name, Value)) -> (String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter().map(|(k, v)| (k.into_owned(), v))
    }
}

impl FromIterator<(String, Value)> for Object {
    /// Later duplicates replace earlier ones in place.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Object {
        let mut o = Object::new();
        for (k, v) in iter {
            o.insert(k, v);
        }
        o
    }
}

// ---- serde ----------------------------------------------------------------------------------------

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(t) => s.serialize_str(t),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(o) => o.serialize(s),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// How serde_json's `arbitrary_precision` hands a number to a visitor: a one-member map under this
/// name whose value is the number's text (serde_json's own `Value` reads it the same way).
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Objects with more members than this check for duplicates with a set instead of a scan.
const DUP_SET_THRESHOLD: usize = 16;

/// The message of the error for a member name that appears twice in one object.
pub(crate) const DUPLICATE_MEMBER: &str = "duplicate member name in one object";

/// Builds a [`Value`]; other visitors in the crate hand it the values they do not treat themselves.
pub(crate) struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(Value::Object(Object::new()));
        };
        if first == NUMBER_TOKEN {
            return number_value(&mut map);
        }
        let mut members = Members::default();
        let mut key = Some(first);
        while let Some(k) = key {
            members.check(&k)?;
            let value = map.next_value()?;
            members.obj.push(k, value);
            key = map.next_key::<String>()?;
        }
        Ok(Value::Object(members.obj))
    }
}

/// The number that serde_json hands over as a map whose first key, [`NUMBER_TOKEN`], was just read.
pub(crate) fn number_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Value, A::Error> {
    let text: String = map.next_value()?;
    text.parse::<serde_json::Number>()
        .map(Value::Number)
        .map_err(|_| de::Error::custom("invalid number"))
}

/// An object being read: its members so far, and (for big objects) the set of their names.
#[derive(Default)]
pub(crate) struct Members {
    pub obj: Object,
    seen: Option<HashSet<String>>,
}

impl Members {
    /// An error if `key` is already a member (exact match).
    pub fn check<E: de::Error>(&mut self, key: &str) -> Result<(), E> {
        if is_duplicate(&self.obj, &mut self.seen, key) {
            Err(E::custom(DUPLICATE_MEMBER))
        } else {
            Ok(())
        }
    }
}

fn is_duplicate(obj: &Object, seen: &mut Option<HashSet<String>>, key: &str) -> bool {
    if let Some(set) = seen {
        return !set.insert(key.to_owned());
    }
    if obj.len() < DUP_SET_THRESHOLD {
        return obj.contains_key(key);
    }
    let mut set: HashSet<String> = obj.keys().map(str::to_owned).collect();
    let dup = !set.insert(key.to_owned());
    *seen = Some(set);
    dup
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Object, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(o) => Ok(o),
            other => Err(de::Error::custom(format_args!(
                "expected an object, found {}",
                other.type_name()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_api() {
        let mut o = Object::new();
        assert!(o.insert("A", Value::Null).is_none());
        o.insert("b", true.into());
        o.insert("c", Value::Null);
        assert_eq!(o.insert("A", "x".into()), Some(Value::Null));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["A", "b", "c"]);
        assert_eq!(o.get_ci("a").and_then(Value::as_str), Some("x"));
        assert!(o.get("a").is_none());
        o.insert_ci("B", false.into());
        assert_eq!(o.len(), 3);
        assert_eq!(o.remove_ci("B").map(|(k, _)| k), Some("b".to_owned()));
        // removal keeps the order of the others
        assert_eq!(o.keys().collect::<Vec<_>>(), ["A", "c"]);
        o.insert_at(1, "m", Value::Null);
        assert_eq!(o.keys().collect::<Vec<_>>(), ["A", "m", "c"]);
    }
}
