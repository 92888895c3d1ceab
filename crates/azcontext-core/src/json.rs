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
use std::collections::HashSet;

/// Deepest nesting accepted. Az's files nest 6 levels; 10,000 levels is an attack, not a profile.
pub const MAX_DEPTH: usize = 128;
/// Largest input accepted (64 MiB): 10,000 full contexts take about 30 MiB.
pub const MAX_LEN: usize = 64 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

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
    /// The number's source text.
    pub fn as_number_text(&self) -> Option<&str> {
        match self {
            Value::Number(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
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
        match s {
            Some(s) => Value::String(s.to_owned()),
            None => Value::Null,
        }
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

/// Case-insensitive equality as the model uses it for keys and names: ASCII fast path, otherwise
/// comparison of the per-character lowercase mappings (Unicode simple case folding, near enough).
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The folded form of `s`, such that `fold_case(a) == fold_case(b)` exactly when `eq_ignore_case(a, b)`.
pub fn fold_case(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.chars().flat_map(char::to_lowercase).collect()
    }
}

/// Ordinal-ignore-case ordering (compares the folded forms), used for deterministic sorting.
pub fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        let ai = a.bytes().map(|c| c.to_ascii_lowercase());
        let bi = b.bytes().map(|c| c.to_ascii_lowercase());
        return ai.cmp(bi);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    entries: Vec<(String, Value)>,
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
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (k.as_str(), v))
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }
    /// The entry at `index` in insertion order.
    pub fn get_index(&self, index: usize) -> Option<(&str, &Value)> {
        self.entries.get(index).map(|(k, v)| (k.as_str(), v))
    }
    pub fn get_index_mut(&mut self, index: usize) -> Option<(&str, &mut Value)> {
        self.entries.get_mut(index).map(|(k, v)| (k.as_str(), v))
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
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(move |i| &mut self.entries[i].1)
    }
    pub fn get_ci(&self, key: &str) -> Option<&Value> {
        self.position_ci(key).map(|i| &self.entries[i].1)
    }
    pub fn get_ci_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position_ci(key).map(move |i| &mut self.entries[i].1)
    }
    /// The stored name and value of the member matching `key` ignoring case.
    pub fn get_key_value_ci(&self, key: &str) -> Option<(&str, &Value)> {
        self.position_ci(key)
            .map(|i| (self.entries[i].0.as_str(), &self.entries[i].1))
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
                self.entries.push((key, value));
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
                self.entries.push((key, value));
                None
            }
        }
    }
    /// Inserts a new member at `index` (clamped to the length). Does not check for duplicates.
    pub fn insert_at(&mut self, index: usize, key: impl Into<String>, value: Value) {
        let index = index.min(self.entries.len());
        self.entries.insert(index, (key.into(), value));
    }
    /// Appends without checking for an existing member (the caller knows the name is new).
    pub fn push(&mut self, key: impl Into<String>, value: Value) {
        self.entries.push((key.into(), value));
    }
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.position(key).map(|i| self.entries.remove(i).1)
    }
    /// Removes the member matching `key` ignoring case; returns its stored name and value.
    pub fn remove_ci(&mut self, key: &str) -> Option<(String, Value)> {
        self.position_ci(key).map(|i| self.entries.remove(i))
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
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
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

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// One step of a path into a document, for locating a member after the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Parses one JSON value (an optional UTF-8 BOM and surrounding whitespace allowed).
pub fn parse(bytes: &[u8], source_name: &str) -> Result<Value, FormatError> {
    let body = prepare(bytes, source_name)?;
    run(body, 0, source_name, None).map(|(v, _)| v)
}

/// Parses an Az document: like [`parse`], but any bytes before the first `{` are skipped, as Az does.
pub fn parse_document(bytes: &[u8], source_name: &str) -> Result<Value, FormatError> {
    let body = prepare(bytes, source_name)?;
    let start = document_start(body, source_name)?;
    run(body, start, source_name, None).map(|(v, _)| v)
}

/// Line and column (1-based) of the value at `path` in a document that [`parse_document`] accepts
/// (or [`parse`] when `document` is false). `None` if the text does not parse or has no such value.
/// Meant for error paths: it parses the whole text again.
pub fn locate(bytes: &[u8], document: bool, path: &[PathSeg]) -> Option<(usize, usize)> {
    let body = prepare(bytes, "").ok()?;
    let start = if document {
        document_start(body, "").ok()?
    } else {
        0
    };
    let (_, found) = run(body, start, "", Some(path)).ok()?;
    found.map(|off| line_col(body, off))
}

fn prepare<'a>(bytes: &'a [u8], source_name: &str) -> Result<&'a [u8], FormatError> {
    if bytes.len() > MAX_LEN {
        return Err(FormatError {
            source_name: source_name.to_owned(),
            line: 0,
            column: 0,
            message: format!(
                "the input is {} bytes long, more than the limit of {} bytes",
                bytes.len(),
                MAX_LEN
            ),
        });
    }
    Ok(bytes.strip_prefix(BOM).unwrap_or(bytes))
}

fn document_start(body: &[u8], source_name: &str) -> Result<usize, FormatError> {
    match body.iter().position(|&b| b == b'{') {
        Some(i) => Ok(i),
        None => Err(error_at(
            body,
            body.len(),
            source_name,
            "no JSON object found (expected '{')".to_owned(),
        )),
    }
}

/// 1-based line and column (in characters) of byte `offset`. Works on invalid UTF-8 too: every byte
/// that is not a UTF-8 continuation byte counts as one character.
fn line_col(body: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(body.len());
    let before = &body[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before[line_start..]
        .iter()
        .filter(|&&b| !(0x80..0xC0).contains(&b))
        .count()
        + 1;
    (line, column)
}

fn error_at(body: &[u8], offset: usize, source_name: &str, message: String) -> FormatError {
    let (line, column) = line_col(body, offset);
    FormatError {
        source_name: source_name.to_owned(),
        line,
        column,
        message,
    }
}

enum Frame {
    Array(Vec<Value>),
    /// The object so far, the name of the member whose value is being parsed, and (for big objects)
    /// the set of names seen, for the duplicate check.
    Object(Object, String, Option<HashSet<String>>),
}

const DUP_SET_THRESHOLD: usize = 16;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// `text` starts at this offset of the body (errors are reported relative to the body).
    base: usize,
    pos: usize,
    body: &'a [u8],
    source_name: &'a str,
}

fn run(
    body: &[u8],
    start: usize,
    source_name: &str,
    target: Option<&[PathSeg]>,
) -> Result<(Value, Option<usize>), FormatError> {
    let text = match std::str::from_utf8(&body[start..]) {
        Ok(t) => t,
        Err(e) => {
            return Err(error_at(
                body,
                start + e.valid_up_to(),
                source_name,
                "the text is not valid UTF-8".to_owned(),
            ))
        }
    };
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        base: start,
        pos: 0,
        body,
        source_name,
    };
    let mut found = None;
    let v = p.parse_root(target, &mut found)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err("unexpected content after the end of the JSON value"));
    }
    Ok((v, found))
}

impl<'a> Parser<'a> {
    fn err(&self, message: &str) -> FormatError {
        self.err_at(self.pos, message)
    }
    fn err_at(&self, pos: usize, message: &str) -> FormatError {
        error_at(
            self.body,
            self.base + pos,
            self.source_name,
            message.to_owned(),
        )
    }
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b' ' || b == b'\n' || b == b'\r' || b == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn parse_root(
        &mut self,
        target: Option<&[PathSeg]>,
        found: &mut Option<usize>,
    ) -> Result<Value, FormatError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.skip_ws();
            if let Some(t) = target {
                if found.is_none() && t.len() == stack.len() && path_matches(&stack, t) {
                    *found = Some(self.base + self.pos);
                }
            }
            let mut value = match self.peek() {
                None => return Err(self.err("unexpected end of input; expected a value")),
                Some(b'{') => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.err(&format!("nesting is deeper than {MAX_DEPTH} levels")));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value::Object(Object::new())
                    } else {
                        let key = self.parse_key()?;
                        stack.push(Frame::Object(Object::new(), key, None));
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.err(&format!("nesting is deeper than {MAX_DEPTH} levels")));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::Array(Vec::new())
                    } else {
                        stack.push(Frame::Array(Vec::new()));
                        continue 'value;
                    }
                }
                Some(b'"') => Value::String(self.parse_string()?),
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Null)?,
                Some(b'-' | b'0'..=b'9') => self.parse_number()?,
                Some(_) => return Err(self.err("unexpected character; expected a value")),
            };
            // Attach the finished value to its parents, closing containers as they end.
            loop {
                match stack.last_mut() {
                    None => return Ok(value),
                    Some(Frame::Array(items)) => {
                        items.push(value);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                let Some(Frame::Array(items)) = stack.pop() else {
                                    unreachable!()
                                };
                                value = Value::Array(items);
                            }
                            None => {
                                return Err(self.err("unexpected end of input; expected ',' or ']'"))
                            }
                            Some(_) => {
                                return Err(self.err("unexpected character; expected ',' or ']'"))
                            }
                        }
                    }
                    Some(Frame::Object(obj, key, _)) => {
                        obj.push(std::mem::take(key), value);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                let key_pos = self.pos;
                                let new_key = self.parse_key()?;
                                let Some(Frame::Object(obj, key, seen)) = stack.last_mut() else {
                                    unreachable!()
                                };
                                if is_duplicate(obj, seen, &new_key) {
                                    return Err(
                                        self.err_at(key_pos, "duplicate member name in one object")
                                    );
                                }
                                *key = new_key;
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                let Some(Frame::Object(obj, _, _)) = stack.pop() else {
                                    unreachable!()
                                };
                                value = Value::Object(obj);
                            }
                            None => {
                                return Err(self.err("unexpected end of input; expected ',' or '}'"))
                            }
                            Some(_) => {
                                return Err(self.err("unexpected character; expected ',' or '}'"))
                            }
                        }
                    }
                }
            }
        }
    }

    /// A member name followed by ':' (whitespace skipped).
    fn parse_key(&mut self) -> Result<String, FormatError> {
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.err("unexpected end of input; expected a member name")),
            Some(_) => {
                return Err(
                    self.err("unexpected character; expected a member name in double quotes")
                )
            }
        }
        let key = self.parse_string()?;
        self.skip_ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(key)
            }
            None => Err(self.err("unexpected end of input; expected ':'")),
            Some(_) => Err(self.err("unexpected character; expected ':' after a member name")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, FormatError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal; expected a value"))
        }
    }

    fn parse_number(&mut self) -> Result<Value, FormatError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - s
        };
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return Err(self.err_at(start, "invalid number")),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return Err(self.err_at(start, "invalid number"));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return Err(self.err_at(start, "invalid number"));
            }
        }
        self.pos = i;
        Ok(Value::Number(self.text[start..i].to_owned()))
    }

    fn parse_string(&mut self) -> Result<String, FormatError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            let Some(&c) = self.bytes.get(self.pos) else {
                return Err(self.err_at(open, "unterminated string"));
            };
            match c {
                b'"' => {
                    out.push_str(&self.text[run_start..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run_start..self.pos]);
                    let esc_pos = self.pos;
                    let Some(&e) = self.bytes.get(self.pos + 1) else {
                        return Err(self.err_at(open, "unterminated string"));
                    };
                    self.pos += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4(esc_pos)?;
                            let ch = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.pos) == Some(&b'\\')
                                    && self.bytes.get(self.pos + 1) == Some(&b'u')
                                {
                                    self.pos += 2;
                                    let lo = self.hex4(esc_pos)?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.err_at(
                                            esc_pos,
                                            "invalid \\u escape: unpaired surrogate",
                                        ));
                                    }
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            match ch {
                                Some(ch) => out.push(ch),
                                None => {
                                    return Err(self
                                        .err_at(esc_pos, "invalid \\u escape: unpaired surrogate"))
                                }
                            }
                        }
                        _ => {
                            return Err(self.err_at(esc_pos, "invalid escape sequence in a string"))
                        }
                    }
                    run_start = self.pos;
                }
                0..=0x1F => return Err(self.err("unescaped control character in a string")),
                _ => self.pos += 1,
            }
        }
    }

    fn hex4(&mut self, esc_pos: usize) -> Result<u32, FormatError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let v = digits.and_then(|d| {
            d.iter().try_fold(0u32, |acc, &c| {
                (c as char).to_digit(16).map(|x| acc * 16 + x)
            })
        });
        match v {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.err_at(esc_pos, "invalid \\u escape: expected 4 hex digits")),
        }
    }
}

fn path_matches(stack: &[Frame], target: &[PathSeg]) -> bool {
    stack.iter().zip(target).all(|(f, seg)| match (f, seg) {
        (Frame::Array(items), PathSeg::Index(i)) => items.len() == *i,
        (Frame::Object(_, key, _), PathSeg::Key(k)) => key == k,
        _ => false,
    })
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

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Newtonsoft `Formatting.Indented` text of `v` (2 spaces, `\n`, no trailing newline).
pub fn to_indented(v: &Value) -> String {
    let mut w = Writer::new(true);
    w.value(v);
    w.finish()
}

/// Newtonsoft `Formatting.None` text of `v`.
pub fn to_compact(v: &Value) -> String {
    let mut w = Writer::new(false);
    w.value(v);
    w.finish()
}

/// Appends `s` as a JSON string literal with Newtonsoft's default escaping.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run_start = 0;
    for (i, ch) in s.char_indices() {
        let esc: Option<&str> = match ch {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\u{8}' => Some("\\b"),
            '\t' => Some("\\t"),
            '\n' => Some("\\n"),
            '\u{c}' => Some("\\f"),
            '\r' => Some("\\r"),
            '\u{0}'..='\u{1f}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some(""),
            _ => None,
        };
        if let Some(esc) = esc {
            out.push_str(&s[run_start..i]);
            if esc.is_empty() {
                let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{:04x}", ch as u32));
            } else {
                out.push_str(esc);
            }
            run_start = i + ch.len_utf8();
        }
    }
    out.push_str(&s[run_start..]);
    out.push('"');
}

/// A streaming writer with Newtonsoft's layout, for callers that assemble a document from parts
/// (the model writes its typed members in place of placeholders without cloning the tree).
///
/// Protocol: `begin_object`, then per member `member(name)` followed by exactly one value (`value`,
/// `string`, `null`, or a nested `begin_*` … `end_*`), then `end_object`. Arrays: `begin_array`,
/// then per element `element()` followed by one value, then `end_array`.
pub struct Writer {
    out: String,
    pretty: bool,
    /// Number of members/elements written so far in each open container.
    counts: Vec<usize>,
}

impl Writer {
    pub fn new(pretty: bool) -> Writer {
        Writer {
            out: String::new(),
            pretty,
            counts: Vec::new(),
        }
    }
    pub fn with_capacity(pretty: bool, n: usize) -> Writer {
        Writer {
            out: String::with_capacity(n),
            pretty,
            counts: Vec::new(),
        }
    }
    /// A writer for a value that will sit `depth` containers deep in another writer's output (the
    /// text it produces can be inserted there with [`Writer::raw`]).
    pub fn nested(pretty: bool, depth: usize) -> Writer {
        Writer {
            out: String::new(),
            pretty,
            counts: vec![0; depth],
        }
    }
    /// How many containers are open.
    pub fn depth(&self) -> usize {
        self.counts.len()
    }
    /// Writes a value produced by a [`Writer::nested`] writer of the same depth and style.
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }
    pub fn finish(self) -> String {
        self.out
    }
    fn newline_indent(&mut self, level: usize) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..level {
                self.out.push_str("  ");
            }
        }
    }
    fn separator(&mut self) {
        let level = self.counts.len();
        if let Some(c) = self.counts.last_mut() {
            *c += 1;
            if *c > 1 {
                self.out.push(',');
            }
        }
        self.newline_indent(level);
    }
    pub fn begin_object(&mut self) {
        self.out.push('{');
        self.counts.push(0);
    }
    pub fn end_object(&mut self) {
        let n = self.counts.pop().unwrap_or(0);
        if n > 0 {
            let level = self.counts.len();
            self.newline_indent(level);
        }
        self.out.push('}');
    }
    pub fn begin_array(&mut self) {
        self.out.push('[');
        self.counts.push(0);
    }
    pub fn end_array(&mut self) {
        self.end_object_like(']');
    }
    fn end_object_like(&mut self, close: char) {
        let n = self.counts.pop().unwrap_or(0);
        if n > 0 {
            let level = self.counts.len();
            self.newline_indent(level);
        }
        self.out.push(close);
    }
    /// Starts a member: separator, line break and indentation, `"name": `.
    pub fn member(&mut self, name: &str) {
        self.separator();
        write_string(&mut self.out, name);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }
    /// Starts an array element.
    pub fn element(&mut self) {
        self.separator();
    }
    pub fn null(&mut self) {
        self.out.push_str("null");
    }
    pub fn string(&mut self, s: &str) {
        write_string(&mut self.out, s);
    }
    pub fn opt_string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.null(),
        }
    }
    pub fn bool(&mut self, b: bool) {
        self.out.push_str(if b { "true" } else { "false" });
    }
    /// Writes an object value.
    pub fn value_object(&mut self, o: &Object) {
        self.begin_object();
        for (k, v) in o.iter() {
            self.member(k);
            self.value(v);
        }
        self.end_object();
    }
    /// Writes a whole value.
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => self.out.push_str(n),
            Value::String(s) => self.string(s),
            Value::Array(items) => {
                self.begin_array();
                for item in items {
                    self.element();
                    self.value(item);
                }
                self.end_array();
            }
            Value::Object(o) => self.value_object(o),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Value, FormatError> {
        parse(s.as_bytes(), "<t>")
    }

    #[test]
    fn round_trip_indented() {
        let text = "{\n  \"a\": 1.50,\n  \"b\": [\n    true,\n    null,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": {\n    \"f\": -0e+3\n  }\n}";
        let v = p(text).unwrap();
        assert_eq!(to_indented(&v), text);
        assert_eq!(
            to_compact(&v),
            "{\"a\":1.50,\"b\":[true,null,\"x\"],\"c\":{},\"d\":[],\"e\":{\"f\":-0e+3}}"
        );
    }

    #[test]
    fn escaping_is_newtonsoft() {
        let s = "q\" b\\ / é \u{1f} \u{7f} \u{85} \u{2028} \u{2029} \u{8}\t\n\u{c}\r \u{0}";
        let out = to_compact(&Value::String(s.into()));
        assert_eq!(
            out,
            "\"q\\\" b\\\\ / é \\u001f \u{7f} \\u0085 \\u2028 \\u2029 \\b\\t\\n\\f\\r \\u0000\""
        );
        assert_eq!(p(&out).unwrap(), Value::String(s.into()));
    }

    #[test]
    fn unicode_escapes_and_surrogates() {
        assert_eq!(
            p(r#""\u00e9\ud83d\ude00\/""#).unwrap(),
            Value::String("é😀/".into())
        );
        let e = p(r#""\ud83d""#).unwrap_err();
        assert!(e.message.contains("surrogate"), "{e}");
    }

    #[test]
    fn bom_and_junk() {
        let v = parse(b"\xEF\xBB\xBF {\"a\":1}\r\n", "x").unwrap();
        assert_eq!(
            v.as_object().unwrap().get("a"),
            Some(&Value::Number("1".into()))
        );
        assert!(parse(b"junk{\"a\":1}", "x").is_err());
        let v = parse_document(b"\xEF\xBB\xBFjunk\xff\xfe{\"a\":1}", "x").unwrap();
        assert!(v.as_object().is_some());
    }

    #[test]
    fn errors_have_positions_and_no_values() {
        let e = p("{\n  \"a\": secretvalue\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(!e.to_string().contains("secretvalue"));
        let e = p("{\"a\":1,}").unwrap_err();
        assert_eq!((e.line, e.column), (1, 8));
        let e = p("{\"a\":1 \"b\":2}").unwrap_err();
        assert!(e.message.contains("expected ',' or '}'"));
        let e = p("{\"a\":1,\"a\":2}").unwrap_err();
        assert!(e.message.contains("duplicate"));
        assert_eq!((e.line, e.column), (1, 8));
        let e = p("[1] 2").unwrap_err();
        assert!(e.message.contains("after the end"));
        let e = p("").unwrap_err();
        assert!(e.message.contains("end of input"));
        let e = p("{\"a\":\"abc").unwrap_err();
        assert!(e.message.contains("unterminated"));
        for bad in ["01", "1.", "-", "1e", ".5", "+1", "tru", "nul"] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn duplicates_in_big_objects() {
        let mut s = String::from("{");
        for i in 0..40 {
            s.push_str(&format!("\"k{i}\":{i},"));
        }
        s.push_str("\"k3\":1}");
        assert!(p(&s).unwrap_err().message.contains("duplicate"));
        s.truncate(s.len() - 7);
        s.push_str("\"K3\":1}");
        assert_eq!(p(&s).unwrap().as_object().unwrap().len(), 41);
    }

    #[test]
    fn invalid_utf8_position() {
        let e = parse(b"{\n  \"a\": \"x\xC3\x28\"}", "f").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(e.message.contains("UTF-8"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000);
        let e = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || p(&deep).unwrap_err())
            .unwrap()
            .join()
            .unwrap();
        assert!(e.message.contains("nesting"));
        assert_eq!((e.line, e.column), (1, MAX_DEPTH + 1));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(p(&ok).is_ok());
    }

    #[test]
    fn too_large() {
        let big = vec![b' '; MAX_LEN + 1];
        let e = parse(&big, "big").unwrap_err();
        assert_eq!((e.line, e.column), (0, 0));
        assert!(e.message.contains("limit"));
    }

    #[test]
    fn locate_paths() {
        let text = b"xx{\n \"a\": [1, {\"b\": true}],\n \"c\": 2}";
        let path = [
            PathSeg::Key("a".into()),
            PathSeg::Index(1),
            PathSeg::Key("b".into()),
        ];
        assert_eq!(locate(text, true, &path), Some((2, 17)));
        assert_eq!(
            locate(text, true, &[PathSeg::Key("c".into())]),
            Some((3, 7))
        );
        assert_eq!(locate(text, true, &[PathSeg::Key("zz".into())]), None);
    }

    #[test]
    fn object_api() {
        let mut o = Object::new();
        assert!(o.insert("A", Value::Null).is_none());
        o.insert("b", true.into());
        assert_eq!(o.insert("A", "x".into()), Some(Value::Null));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["A", "b"]);
        assert_eq!(o.get_ci("a").and_then(Value::as_str), Some("x"));
        assert!(o.get("a").is_none());
        o.insert_ci("B", false.into());
        assert_eq!(o.len(), 2);
        assert_eq!(o.remove_ci("B").map(|(k, _)| k), Some("b".to_owned()));
        assert!(eq_ignore_case("ÄbC", "äBc"));
        assert_eq!(fold_case("ÄB"), "äb");
    }
}
