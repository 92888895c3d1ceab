//! JSON through serde and serde_json: the order-preserving tree the model keeps Az's objects in
//! ([`Value`], [`Object`]), reading with AzContext's limits and errors ([`parse`], [`from_slice`],
//! [`locate`]), and Newtonsoft.Json's text as a serde_json formatter ([`Newtonsoft`], [`Writer`]).

mod newtonsoft;
mod read;
mod tree;

pub use newtonsoft::{to_compact, to_indented, write_string, Newtonsoft, Writer};
pub(crate) use read::message_of;
pub use read::{
    from_slice, locate, parse, parse_document, read_document_with, PathSeg, MAX_DEPTH, MAX_LEN,
};
pub(crate) use tree::{number_value, Members, ValueVisitor, DUPLICATE_MEMBER, NUMBER_TOKEN};
pub use tree::{Object, Value};

/// Serializes name/value pairs as a JSON object, in their order (`#[serde(serialize_with)]`).
pub fn serialize_pairs<S: serde::Serializer>(
    pairs: &[(String, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}
