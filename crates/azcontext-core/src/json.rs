//! An order-preserving JSON tree, a parser that reports line and column, and writers that produce
//! exactly Newtonsoft.Json's text (what Az.Accounts writes).
//!
//! Why not serde_json: Az files must round-trip byte for byte (property order, unknown members, raw
//! number text), every error must name a line and column, nesting is bounded without recursion
//! blowing the stack, and the writer must escape exactly as Newtonsoft does.
//!
//! API CONTRACT (other modules rely on it; implementation: see the issue-4 work):
//! - `Value::Number` keeps the number's source text, so `1.50` is written back as `1.50`.
//! - `Object` keeps insertion order; lookups are exact (`get`) or case-insensitive (`get_ci`, Unicode
//!   simple case folding via `to_lowercase` comparison is acceptable).
//! - `parse` accepts an optional UTF-8 BOM and any whitespace (LF/CRLF); `parse_document` also skips any
//!   bytes before the first `{` as Az does. Both reject: invalid UTF-8, nesting deeper than
//!   `MAX_DEPTH`, input longer than `MAX_LEN`, duplicate member names within one object, trailing
//!   content, and malformed JSON, each as a `FormatError` with 1-based line/column and a message that
//!   never quotes the offending value (it may be a secret).
//! - `to_indented` is Newtonsoft `Formatting.Indented`: 2 spaces, `"name": value`, `{}` / `[]` for
//!   empties, `\n` line breaks, no trailing newline; `to_compact` has no whitespace at all.
//!   Both escape only `"`, `\`, control characters (`\b \t \n \f \r`, others `\u00xx` lowercase hex)
//!   and U+0085, U+2028, U+2029 (`\u0085` …), as Newtonsoft's default StringEscapeHandling does.

use crate::error::FormatError;

/// Deepest nesting accepted. Az's files nest 6 levels; 10,000 levels is an attack, not a profile.
pub const MAX_DEPTH: usize = 128;
/// Largest input accepted (64 MiB): 10,000 full contexts take about 30 MiB.
pub const MAX_LEN: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's text exactly as it appeared (or as written by whoever built the value).
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

impl Object {
    pub fn new() -> Object {
        Object { entries: Vec::new() }
    }
    pub fn with_capacity(n: usize) -> Object {
        Object { entries: Vec::with_capacity(n) }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (k.as_str(), v))
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
}
