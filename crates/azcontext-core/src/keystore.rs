//! `keystore.cache`: where Az.Accounts (2.10.4 and later) keeps service-principal secrets and
//! certificate passwords, instead of the context file.
//!
//! The file is a compact JSON array. Each entry is `{keyType, keyStoreKey, valueType, keyStoreValue}`,
//! where `keyStoreKey` and `keyStoreValue` are themselves JSON texts inside JSON strings:
//!
//! ```json
//! [{"keyType":"ServicePrincipalKey","keyStoreKey":"{\"appId\":\"…\",\"tenantId\":\"…\",\"name\":\"ServicePrincipalSecret\"}","valueType":"SecureString","keyStoreValue":"\"<secret>\""}]
//! ```
//!
//! An entry's identity is `{name}_{appId}_{tenantId}`. Values are secrets: they never appear in
//! `Debug` output or in error messages.

use crate::error::FormatError;
use crate::jsonio::{self as json, Object, Value};

/// One stored secret.
#[derive(Clone, PartialEq)]
pub struct KeyStoreEntry {
    pub key_type: String,
    pub app_id: String,
    pub tenant_id: String,
    /// `ServicePrincipalSecret` or `CertificatePassword`.
    pub name: String,
    pub value_type: String,
    value: String,
}

impl KeyStoreEntry {
    /// Az's identity of the entry: `{name}_{appId}_{tenantId}`.
    pub fn id(&self) -> String {
        format!("{}_{}_{}", self.name, self.app_id, self.tenant_id)
    }

    /// The secret itself. Callers must not print it.
    pub fn secret(&self) -> &str {
        &self.value
    }
}

impl std::fmt::Debug for KeyStoreEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStoreEntry")
            .field("id", &self.id())
            .field("key_type", &self.key_type)
            .field("value_type", &self.value_type)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// The parsed `keystore.cache`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyStore {
    entries: Vec<KeyStoreEntry>,
}

impl KeyStore {
    /// Parses the file's text. An empty file is an empty store. Errors name `source_name`, a line and
    /// column where one applies, and never quote a value.
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<KeyStore, FormatError> {
        let trimmed = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if trimmed.iter().all(u8::is_ascii_whitespace) {
            return Ok(KeyStore::default());
        }
        let fail = |message: String| FormatError {
            source_name: source_name.to_owned(),
            line: 0,
            column: 0,
            message,
        };
        let Value::Array(items) = json::parse(trimmed, source_name)? else {
            return Err(fail("expected a JSON array of key store entries".into()));
        };
        let mut entries = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Value::Object(o) = item else {
                return Err(fail(format!("entry {i}: expected an object")));
            };
            let text = |member: &str| -> Result<String, FormatError> {
                match o.get_ci(member) {
                    Some(Value::String(s)) => Ok(s.clone()),
                    _ => Err(fail(format!("entry {i}: expected a string for '{member}'"))),
                }
            };
            let key_text = text("keyStoreKey")?;
            let key = match json::parse(key_text.as_bytes(), source_name) {
                Ok(Value::Object(k)) => k,
                _ => {
                    return Err(fail(format!(
                        "entry {i}: 'keyStoreKey' is not a JSON object"
                    )))
                }
            };
            let key_part = |k: &Object, member: &str| -> Result<String, FormatError> {
                match k.get_ci(member) {
                    Some(Value::String(s)) => Ok(s.clone()),
                    _ => Err(fail(format!(
                        "entry {i}: 'keyStoreKey' has no string '{member}'"
                    ))),
                }
            };
            let value = match json::parse(text("keyStoreValue")?.as_bytes(), source_name) {
                Ok(Value::String(s)) => s,
                // The secret is never quoted in the message.
                _ => {
                    return Err(fail(format!(
                        "entry {i}: 'keyStoreValue' is not a JSON string"
                    )))
                }
            };
            entries.push(KeyStoreEntry {
                key_type: text("keyType")?,
                app_id: key_part(&key, "appId")?,
                tenant_id: key_part(&key, "tenantId")?,
                name: key_part(&key, "name")?,
                value_type: text("valueType")?,
                value,
            });
        }
        Ok(KeyStore { entries })
    }

    pub fn entries(&self) -> &[KeyStoreEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The secret stored under Az's identity `{name}_{appId}_{tenantId}` (ignoring case).
    pub fn get(&self, id: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| crate::names::eq_ignore_case(&e.id(), id))
            .map(KeyStoreEntry::secret)
    }

    /// The file's text as Az writes it: compact, the key and value JSON-encoded inside strings.
    pub fn to_text(&self) -> String {
        let mut items = Vec::with_capacity(self.entries.len());
        for e in &self.entries {
            let mut key = Object::with_capacity(3);
            key.push("appId", Value::from(e.app_id.clone()));
            key.push("tenantId", Value::from(e.tenant_id.clone()));
            key.push("name", Value::from(e.name.clone()));
            let mut o = Object::with_capacity(4);
            o.push("keyType", Value::from(e.key_type.clone()));
            o.push(
                "keyStoreKey",
                Value::from(json::to_compact(&Value::Object(key))),
            );
            o.push("valueType", Value::from(e.value_type.clone()));
            o.push(
                "keyStoreValue",
                Value::from(json::to_compact(&Value::String(e.value.clone()))),
            );
            items.push(Value::Object(o));
        }
        json::to_compact(&Value::Array(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/az-accounts/keystore.cache.json"
    );

    fn fixture() -> Vec<u8> {
        std::fs::read(FIXTURE).unwrap_or_else(|e| panic!("fixture {FIXTURE}: {e}"))
    }

    #[test]
    fn the_fixture_holds_two_entries_under_az_s_identities() {
        let ks = KeyStore::parse(&fixture(), "keystore.cache").unwrap();
        assert_eq!(ks.len(), 2);
        let app = "6c984d31-5b4f-4734-b548-e230a248e347";
        let tenant = "54826b22-38d6-4fb2-bad9-b7b93a3e9c5a";
        assert_eq!(
            ks.get(&format!("CertificatePassword_{app}_{tenant}")),
            Some("password")
        );
        assert_eq!(
            ks.get(&format!("ServicePrincipalSecret_{app}_{tenant}")),
            Some("secret")
        );
        assert_eq!(ks.get("ServicePrincipalSecret_other_tenant"), None);
    }

    #[test]
    fn it_is_written_back_as_az_wrote_it() {
        let bytes = fixture();
        let ks = KeyStore::parse(&bytes, "keystore.cache").unwrap();
        let text = std::str::from_utf8(&bytes).unwrap().trim_end();
        assert_eq!(ks.to_text(), text);
    }

    #[test]
    fn secrets_never_appear_in_debug_output_or_errors() {
        let ks = KeyStore::parse(&fixture(), "keystore.cache").unwrap();
        let debug = format!("{ks:?}");
        assert!(
            !debug.contains("\"secret\"") && !debug.contains("password\""),
            "{debug}"
        );
        assert!(debug.contains("<redacted>"));
        let bad = br#"[{"keyType":"ServicePrincipalKey","keyStoreKey":"{\"appId\":\"a\",\"tenantId\":\"t\",\"name\":\"n\"}","valueType":"SecureString","keyStoreValue":"hunter2-not-json"}]"#;
        let err = KeyStore::parse(bad, "keystore.cache").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(err.to_string().contains("keyStoreValue"));
    }

    #[test]
    fn empty_and_malformed_files() {
        assert!(KeyStore::parse(b"", "k").unwrap().is_empty());
        assert!(KeyStore::parse(b"[]", "k").unwrap().is_empty());
        assert!(KeyStore::parse(b"{}", "k").is_err());
        assert!(KeyStore::parse(b"[1]", "k").is_err());
        assert!(KeyStore::parse(b"[{\"keyType\":\"x\"}]", "k").is_err());
        let err = KeyStore::parse(b"[{", "k").unwrap_err();
        assert!(err.line >= 1);
    }
}
