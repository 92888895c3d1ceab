//! Reading JSON text with serde_json, with AzContext's limits and errors.
//!
//! - Input longer than [`MAX_LEN`] is refused before parsing; a UTF-8 BOM is skipped; the text must be
//!   valid UTF-8; nesting is bounded by serde_json's recursion limit ([`MAX_DEPTH`]), so deep input is
//!   an error, never a stack overflow.
//! - Errors are [`FormatError`]s with serde_json's line and a column counted in characters. Their
//!   messages never quote the input: serde's data errors (`invalid type: string "…"`) carry the
//!   value, so they are rewritten from their category and the expected type only.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use std::fmt;

use super::tree::{Value, DUPLICATE_MEMBER};
use crate::error::FormatError;

/// Largest input accepted (64 MiB): 10,000 full contexts take about 30 MiB.
pub const MAX_LEN: usize = 64 * 1024 * 1024;
/// Deepest nesting accepted: serde_json's recursion limit (128 containers, the outermost included,
/// less one). Az's files nest 6 levels.
pub const MAX_DEPTH: usize = 127;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses one JSON value (an optional UTF-8 BOM and surrounding whitespace allowed).
pub fn parse(bytes: &[u8], source_name: &str) -> Result<Value, FormatError> {
    from_slice(bytes, source_name)
}

/// Parses an Az document: like [`parse`], but any bytes before the first `{` are skipped, as Az does.
pub fn parse_document(bytes: &[u8], source_name: &str) -> Result<Value, FormatError> {
    let body = prepare(bytes, source_name)?;
    let start = document_start(body, source_name)?;
    read(body, start, source_name)
}

/// Deserializes `T` from JSON text (an optional UTF-8 BOM and surrounding whitespace allowed).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8], source_name: &str) -> Result<T, FormatError> {
    let body = prepare(bytes, source_name)?;
    read(body, 0, source_name)
}

fn read<T: DeserializeOwned>(
    body: &[u8],
    start: usize,
    source_name: &str,
) -> Result<T, FormatError> {
    let text = utf8(body, start, source_name)?;
    serde_json::from_str(text).map_err(|e| format_error(body, start, source_name, &e))
}

/// Reads an Az document (bytes before the first `{` skipped, as in [`parse_document`]) with `seed`,
/// for readers that treat some members themselves.
pub fn read_document_with<T>(
    bytes: &[u8],
    source_name: &str,
    seed: impl for<'de> DeserializeSeed<'de, Value = T>,
) -> Result<T, FormatError> {
    let body = prepare(bytes, source_name)?;
    let start = document_start(body, source_name)?;
    let text = utf8(body, start, source_name)?;
    let mut de = serde_json::Deserializer::from_str(text);
    seed.deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| format_error(body, start, source_name, &e))
}

fn format_error(
    body: &[u8],
    start: usize,
    source_name: &str,
    e: &serde_json::Error,
) -> FormatError {
    let (line, column) = position(body, start, e);
    FormatError {
        source_name: source_name.to_owned(),
        line,
        column,
        message: message_of(e),
    }
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

/// Where the document's `{` is. Without one, the error points at the first character that is not
/// white space (what stands where the `{` should be), or for a blank input at its last character: a
/// file of one line reports line 1, whatever line ending it has.
fn document_start(body: &[u8], source_name: &str) -> Result<usize, FormatError> {
    body.iter().position(|&b| b == b'{').ok_or_else(|| {
        let at = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or_else(|| {
                let end = body.iter().rposition(|b| !matches!(b, b'\n' | b'\r'));
                end.map_or(0, |i| i + 1)
            });
        let (line, column) = line_col(body, at);
        FormatError {
            source_name: source_name.to_owned(),
            line,
            column,
            message: "no JSON object found (expected '{')".to_owned(),
        }
    })
}

fn utf8<'a>(body: &'a [u8], start: usize, source_name: &str) -> Result<&'a str, FormatError> {
    std::str::from_utf8(&body[start..]).map_err(|e| {
        let (line, column) = line_col(body, start + e.valid_up_to());
        FormatError {
            source_name: source_name.to_owned(),
            line,
            column,
            message: "the text is not valid UTF-8".to_owned(),
        }
    })
}

/// 1-based line and column (in characters) of byte `offset`. Works on invalid UTF-8 too: every byte
/// that is not a UTF-8 continuation byte counts as one character.
fn line_col(body: &[u8], offset: usize) -> (usize, usize) {
    let before = &body[..offset.min(body.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    (line, chars(&before[line_start..]) + 1)
}

fn chars(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|&&b| !(0x80..0xC0).contains(&b))
        .count()
}

/// serde_json's position (its column counts the bytes of the line up to and including the one it
/// points at) as line and character column of the whole body, which starts `start` bytes earlier.
fn position(body: &[u8], start: usize, e: &serde_json::Error) -> (usize, usize) {
    if e.line() == 0 {
        return (0, 0);
    }
    let text = &body[start..];
    let mut line_start = 0;
    for _ in 1..e.line() {
        match text[line_start..].iter().position(|&b| b == b'\n') {
            Some(i) => line_start += i + 1,
            None => break,
        }
    }
    let end = (line_start + e.column()).min(text.len());
    let (before_lines, before_cols) = line_col(body, start);
    let column = chars(&text[line_start..end]).max(1);
    if e.line() == 1 {
        (before_lines, before_cols - 1 + column)
    } else {
        (before_lines + e.line() - 1, column)
    }
}

/// The message of a serde_json error, without serde_json's position suffix and never quoting input.
pub(crate) fn message_of(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let text = match full.rfind(" at line ") {
        Some(i) if e.line() != 0 => &full[..i],
        _ => full.as_str(),
    };
    match e.classify() {
        serde_json::error::Category::Eof => format!("unexpected end of input ({text})"),
        serde_json::error::Category::Syntax if text == "recursion limit exceeded" => {
            format!("nesting is deeper than {MAX_DEPTH} levels")
        }
        // serde_json's syntax messages are fixed texts ("expected `,` or `}`", "trailing characters").
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => text.to_owned(),
        serde_json::error::Category::Data => data_message(text),
    }
}

/// serde's data errors, rewritten without the value they may quote: `invalid type: string "x",
/// expected a boolean` becomes `expected a boolean, found a string`. Field names come from our own
/// types, not from the input, and are kept.
fn data_message(text: &str) -> String {
    if let Some(rest) = text.strip_prefix("invalid type: ") {
        let found = match rest.split([' ', ',']).next().unwrap_or("") {
            "string" | "character" => "a string",
            "integer" | "floating" => "a number",
            "boolean" => "a boolean",
            "null" | "unit" => "null",
            "map" => "an object",
            "sequence" => "an array",
            _ => "a value of another type",
        };
        return match rest.rsplit_once(", expected ") {
            Some((_, expected)) => format!("expected {expected}, found {found}"),
            None => format!("found {found} where another type was expected"),
        };
    }
    if text.starts_with("missing field ") || text.starts_with("duplicate field ") {
        return text.to_owned();
    }
    if text == DUPLICATE_MEMBER || text.starts_with("nesting is deeper") {
        return text.to_owned();
    }
    "a value is not what was expected here".to_owned()
}

/// One step of a path into a document, for locating a member after the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Line and column (as in errors) where serde_json reads the value at `path` of a document that
/// [`parse_document`] accepts (or [`parse`] when `document` is false): for an object or array just
/// after its opening bracket, for other values at their end. `None` if the text does not parse or has
/// no such value. Meant for error paths: it reads the text again.
pub fn locate(bytes: &[u8], document: bool, path: &[PathSeg]) -> Option<(usize, usize)> {
    let body = prepare(bytes, "").ok()?;
    let start = if document {
        document_start(body, "").ok()?
    } else {
        0
    };
    let text = utf8(body, start, "").ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    match Seek(path).deserialize(&mut de) {
        Err(e) if e.to_string().starts_with(FOUND) => Some(position(body, start, &e)),
        _ => None,
    }
}

/// The marker error [`Seek`] stops with when it reaches its target.
const FOUND: &str = "\u{1}found";

/// Walks to the value at its path and fails there, so that serde_json reports the position.
struct Seek<'p>(&'p [PathSeg]);

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Seek<'_> {
    fn here<E: de::Error>(&self) -> Result<(), E> {
        if self.0.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.here()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.here()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.here()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.here()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.here()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.here()?;
        let PathSeg::Index(target) = self.0[0] else {
            return Ok(());
        };
        let mut i = 0;
        while i < target {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            i += 1;
        }
        seq.next_element_seed(Seek(&self.0[1..]))?;
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // serde_json hands a number to `visit_map` under its private name (arbitrary_precision).
        let Some(first) = map.next_key::<String>()? else {
            return self.here();
        };
        if first == "$serde_json::private::Number" {
            map.next_value::<IgnoredAny>()?;
            return self.here();
        }
        self.here()?;
        let PathSeg::Key(target) = &self.0[0] else {
            return Ok(());
        };
        let mut key = Some(first);
        while let Some(k) = key {
            if &k == target {
                return map.next_value_seed(Seek(&self.0[1..]));
            }
            map.next_value::<IgnoredAny>()?;
            key = map.next_key::<String>()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Value, FormatError> {
        parse(s.as_bytes(), "<t>")
    }

    #[test]
    fn unicode_escapes_and_surrogates() {
        assert_eq!(
            p(r#""\u00e9\ud83d\ude00\/""#).unwrap(),
            Value::String("é😀/".into())
        );
        assert!(p(r#""\ud83d""#).is_err());
    }

    #[test]
    fn bom_and_junk() {
        let v = parse(b"\xEF\xBB\xBF {\"a\":1}\r\n", "x").unwrap();
        assert_eq!(
            v.as_object().unwrap().get("a").unwrap().type_name(),
            "a number"
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
        assert_eq!(e.line, 1);
        let e = p("{\"a\":1 \"b\":2}").unwrap_err();
        assert!(e.message.contains("expected `,` or `}`"), "{e}");
        let e = p("{\"a\":1,\"a\":2}").unwrap_err();
        assert!(e.message.contains("duplicate"), "{e}");
        let e = p("[1] 2").unwrap_err();
        assert!(e.message.contains("trailing"), "{e}");
        let e = p("").unwrap_err();
        assert!(e.message.contains("end of input"), "{e}");
        let e = p("{\"a\":\"abc").unwrap_err();
        assert!(e.message.contains("end of input"), "{e}");
        assert!(!e.to_string().contains("abc"));
        for bad in ["01", "1.", "-", "1e", ".5", "+1", "tru", "nul"] {
            assert!(p(bad).is_err(), "{bad}");
        }
        // A column counts characters, not bytes, and junk before the document counts too.
        let e = parse_document("é{\"a\": x}".as_bytes(), "d").unwrap_err();
        assert_eq!((e.line, e.column), (1, 8));
    }

    #[test]
    fn a_file_without_an_object_points_at_what_stands_there() {
        for (text, at) in [
            ("not json\n", (1, 1)),
            ("not json\r\n", (1, 1)),
            ("not json", (1, 1)),
            ("  [1, 2]\n", (1, 3)),
            ("\n\n  plain text\n", (3, 3)),
            ("", (1, 1)),
            ("\n", (1, 1)),
            ("   \n", (1, 4)),
        ] {
            let e = parse_document(text.as_bytes(), "f").unwrap_err();
            assert_eq!((e.line, e.column), at, "{text:?}");
            assert!(e.message.contains("no JSON object"), "{e}");
        }
    }

    #[test]
    fn typed_errors_never_quote_the_value() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            flag: bool,
        }
        let e = from_slice::<T>(b"{\"flag\": \"hunter2\"}", "t").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert_eq!(e.message, "expected a boolean, found a string");
        let e = from_slice::<T>(b"{}", "t").unwrap_err();
        assert_eq!(e.message, "missing field `flag`");
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
        assert!(e.message.contains("nesting"), "{e}");
        assert_eq!(e.line, 1);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(p(&ok).is_ok());
        let over = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(p(&over).is_err());
    }

    #[test]
    fn too_large() {
        let big = vec![b' '; MAX_LEN + 1];
        let e = parse(&big, "big").unwrap_err();
        assert_eq!((e.line, e.column), (0, 0));
        assert!(e.message.contains("limit"));
    }

    #[test]
    fn numbers_keep_their_text() {
        let v = p("[1.50, -0e+3, 12345678901234567890123]").unwrap();
        assert_eq!(
            super::super::to_compact(&v),
            "[1.50,-0e+3,12345678901234567890123]"
        );
    }

    #[test]
    fn locate_paths() {
        let text = b"xx{\n \"a\": [1, {\"b\": true}],\n \"c\": 2}";
        let path = [
            PathSeg::Key("a".into()),
            PathSeg::Index(1),
            PathSeg::Key("b".into()),
        ];
        assert_eq!(locate(text, true, &path), Some((2, 20)));
        assert_eq!(
            locate(text, true, &[PathSeg::Key("c".into())]),
            Some((3, 7))
        );
        assert_eq!(locate(text, true, &[PathSeg::Key("zz".into())]), None);
    }
}
