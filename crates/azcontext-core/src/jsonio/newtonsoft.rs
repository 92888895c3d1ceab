//! Newtonsoft.Json's text, which Az.Accounts writes, as a serde_json [`Formatter`].
//!
//! - `Formatting.Indented`: 2 spaces per level, `"name": value`, `{}` and `[]` for empty containers,
//!   `\n` line breaks, no final line break. `Formatting.None` ([`Newtonsoft::compact`]): no whitespace.
//! - Escaping (Newtonsoft's default `StringEscapeHandling`): `"`, `\`, `\b \t \n \f \r`, other control
//!   characters as `\u00xx` in lower-case hex (serde_json does all of these the same way), and also
//!   U+0085, U+2028 and U+2029 as `\u0085`, `\u2028`, `\u2029`, which serde_json leaves as they are.
//!   `/` and U+007F are not escaped.
//!
//! [`Writer`] assembles a document from parts with the same formatter: the profile writes each
//! context's kept text in place without parsing it again.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// The formatter. `indent` is the nesting depth at which the next value starts, so a value written
/// on its own can later be placed at that depth of another document (see [`Writer::nested`]).
#[derive(Debug, Clone)]
pub struct Newtonsoft {
    pretty: bool,
    indent: usize,
    has_value: bool,
}

impl Newtonsoft {
    /// `Formatting.Indented`.
    pub fn indented() -> Newtonsoft {
        Newtonsoft::at_depth(true, 0)
    }
    /// `Formatting.None`.
    pub fn compact() -> Newtonsoft {
        Newtonsoft::at_depth(false, 0)
    }
    /// A formatter for a value that sits `depth` containers deep.
    pub fn at_depth(pretty: bool, depth: usize) -> Newtonsoft {
        Newtonsoft {
            pretty,
            indent: depth,
            has_value: false,
        }
    }
    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        if !self.pretty {
            return Ok(());
        }
        w.write_all(b"\n")?;
        for _ in 0..self.indent {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        w.write_all(bracket)
    }
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }
    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl Formatter for Newtonsoft {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.pretty { b": " } else { b":" })
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, ch) in s.char_indices() {
            if matches!(ch, '\u{85}' | '\u{2028}' | '\u{2029}') {
                w.write_all(&s.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", ch as u32)?;
                start = i + ch.len_utf8();
            }
        }
        w.write_all(&s.as_bytes()[start..])
    }
}

/// `value` as Newtonsoft's indented text.
pub fn to_indented<T: Serialize + ?Sized>(value: &T) -> String {
    let mut w = Writer::new(true);
    w.value(value);
    w.finish()
}

/// `value` as Newtonsoft's compact text.
pub fn to_compact<T: Serialize + ?Sized>(value: &T) -> String {
    let mut w = Writer::new(false);
    w.value(value);
    w.finish()
}

/// Appends `s` as a JSON string literal with Newtonsoft's escaping.
pub fn write_string(out: &mut String, s: &str) {
    out.push_str(&to_compact(s));
}

/// One open object of a [`Writer`]: whether a member was written, and whether the last member's
/// value is written but not yet closed.
#[derive(Clone, Copy)]
struct Open {
    first: bool,
    pending: bool,
}

/// Writes a document member by member with the [`Newtonsoft`] formatter, for callers that assemble
/// it from parts (typed members, kept texts) rather than from one serializable value.
///
/// Protocol: `begin_object`, then per member `member(name)` followed by exactly one value (`value`,
/// `string`, `null`, `raw`, or a nested `begin_object` … `end_object`), then `end_object`.
pub struct Writer {
    out: Vec<u8>,
    fmt: Newtonsoft,
    open: Vec<Open>,
}

impl Writer {
    pub fn new(pretty: bool) -> Writer {
        Writer::with_capacity(pretty, 0)
    }
    pub fn with_capacity(pretty: bool, n: usize) -> Writer {
        Writer {
            out: Vec::with_capacity(n),
            fmt: Newtonsoft::at_depth(pretty, 0),
            open: Vec::new(),
        }
    }
    /// A writer for a value that will sit `depth` containers deep in another writer's output (its
    /// text can be inserted there with [`Writer::raw`]).
    pub fn nested(pretty: bool, depth: usize) -> Writer {
        Writer {
            out: Vec::new(),
            fmt: Newtonsoft::at_depth(pretty, depth),
            open: Vec::new(),
        }
    }
    /// The depth at which the next value starts.
    pub fn depth(&self) -> usize {
        self.fmt.indent
    }
    /// Writes text produced by a [`Writer::nested`] writer of the same depth and style, as is.
    pub fn raw(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
    }
    pub fn finish(self) -> String {
        String::from_utf8(self.out).expect("the writer writes UTF-8 only")
    }
    pub fn finish_bytes(self) -> Vec<u8> {
        self.out
    }
    fn io(r: io::Result<()>) {
        r.expect("writing to memory cannot fail");
    }
    fn close_pending(&mut self) {
        if let Some(o) = self.open.last_mut() {
            if std::mem::take(&mut o.pending) {
                Self::io(self.fmt.end_object_value(&mut self.out));
            }
        }
    }
    pub fn begin_object(&mut self) {
        Self::io(self.fmt.begin_object(&mut self.out));
        self.open.push(Open {
            first: true,
            pending: false,
        });
    }
    pub fn end_object(&mut self) {
        self.close_pending();
        self.open.pop();
        Self::io(self.fmt.end_object(&mut self.out));
    }
    /// Starts a member: separator, line break and indentation, `"name": `.
    pub fn member(&mut self, name: &str) {
        self.close_pending();
        let first = self
            .open
            .last_mut()
            .map_or(true, |o| std::mem::replace(&mut o.first, false));
        Self::io(self.fmt.begin_object_key(&mut self.out, first));
        self.value(name);
        Self::io(self.fmt.end_object_key(&mut self.out));
        Self::io(self.fmt.begin_object_value(&mut self.out));
        if let Some(o) = self.open.last_mut() {
            o.pending = true;
        }
    }
    /// Writes a whole value at the current position.
    pub fn value<T: Serialize + ?Sized>(&mut self, v: &T) {
        let mut ser = serde_json::Serializer::with_formatter(&mut self.out, self.fmt.clone());
        v.serialize(&mut ser)
            .expect("the model's values serialize to memory without error");
    }
    pub fn null(&mut self) {
        self.value(&());
    }
    pub fn string(&mut self, s: &str) {
        self.value(s);
    }
    pub fn opt_string(&mut self, s: Option<&str>) {
        self.value(&s);
    }
    pub fn bool(&mut self, b: bool) {
        self.value(&b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonio::{parse, Value};

    #[test]
    fn round_trip_indented() {
        let text = "{\n  \"a\": 1.50,\n  \"b\": [\n    true,\n    null,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": {\n    \"f\": -0e+3\n  }\n}";
        let v = parse(text.as_bytes(), "<t>").unwrap();
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
        assert_eq!(
            parse(out.as_bytes(), "<t>").unwrap(),
            Value::String(s.into())
        );
    }

    #[test]
    fn a_document_from_parts_equals_the_one_value() {
        let text =
            "{\n  \"a\": {\n    \"x\": [\n      1\n    ]\n  },\n  \"b\": {},\n  \"c\": \"s\"\n}";
        let v = parse(text.as_bytes(), "<t>").unwrap();
        let o = v.as_object().unwrap();
        let mut w = Writer::new(true);
        w.begin_object();
        w.member("a");
        let mut inner = Writer::nested(true, w.depth());
        inner.value(o.get("a").unwrap());
        w.raw(&inner.finish());
        w.member("b");
        w.begin_object();
        w.end_object();
        w.member("c");
        w.string("s");
        w.end_object();
        assert_eq!(w.finish(), text);
    }
}
