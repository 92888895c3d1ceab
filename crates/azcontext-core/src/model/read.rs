//! Reading `AzureRmContext.json` with serde: the root object and its members as [`Value`]s, except
//! `Contexts`, whose contexts are read one by one so that their environments are shared.
//!
//! Every context carries a whole copy of its environment (about half of a context's text). The first
//! context with a given environment text has it parsed; a later context whose environment has exactly
//! that text gets a placeholder and [`ReadContext::env_of`] naming the first one, which the profile
//! then shares (one `Arc`), so the copies are never built in memory at all.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::fmt;

use crate::jsonio::{
    number_value, Members, Object, Value, ValueVisitor, DUPLICATE_MEMBER, NUMBER_TOKEN,
};
use crate::names::eq_ignore_case;

/// At most this many distinct environment texts are remembered (a file has a handful).
const MAX_SHARED: usize = 16;

/// A document read by [`DocSeed`]: the root object (with a `null` placeholder for the member whose
/// contexts are in `contexts`), and the contexts when `Contexts` was an object.
pub(crate) struct Doc {
    pub root: Object,
    pub contexts: Option<Vec<ReadContext>>,
}

/// One member of `Contexts`.
pub(crate) struct ReadContext {
    pub key: String,
    pub value: Value,
    /// The context's `Environment` is a `null` placeholder here and has the same text as the
    /// environment of the context at this index.
    pub env_of: Option<usize>,
}

/// Forwards every kind of value but objects to [`ValueVisitor`], wrapping the result.
macro_rules! forward_to_value {
    ($wrap:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Visitor::<'de>::visit_unit(ValueVisitor).map($wrap)
        }
        fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
            Visitor::<'de>::visit_bool(ValueVisitor, b).map($wrap)
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
            Visitor::<'de>::visit_i64(ValueVisitor, n).map($wrap)
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
            Visitor::<'de>::visit_u64(ValueVisitor, n).map($wrap)
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
            Visitor::<'de>::visit_f64(ValueVisitor, n).map($wrap)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Visitor::<'de>::visit_str(ValueVisitor, s).map($wrap)
        }
        fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
            Visitor::<'de>::visit_string(ValueVisitor, s).map($wrap)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            ValueVisitor.visit_seq(seq).map($wrap)
        }
    };
}

/// Reads the root object of a profile document.
pub(crate) struct DocSeed;

impl<'de> DeserializeSeed<'de> for DocSeed {
    type Value = Doc;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        d.deserialize_map(DocSeed)
    }
}

impl<'de> Visitor<'de> for DocSeed {
    type Value = Doc;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a profile object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let mut members = Members::default();
        let mut contexts = None;
        let mut contexts_seen = false;
        while let Some(key) = map.next_key::<String>()? {
            members.check(&key)?;
            let value = if !contexts_seen && eq_ignore_case(&key, "Contexts") {
                contexts_seen = true;
                match map.next_value_seed(ContextsSeed)? {
                    Contexts::Value(v) => v,
                    Contexts::Read(list) => {
                        contexts = Some(list);
                        Value::Null
                    }
                }
            } else {
                map.next_value()?
            };
            members.obj.push(key, value);
        }
        Ok(Doc {
            root: members.obj,
            contexts,
        })
    }
}

enum Contexts {
    /// `Contexts` is not an object: its value, for the profile to report.
    Value(Value),
    Read(Vec<ReadContext>),
}

struct ContextsSeed;

impl<'de> DeserializeSeed<'de> for ContextsSeed {
    type Value = Contexts;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Contexts, D::Error> {
        d.deserialize_any(ContextsSeed)
    }
}

impl<'de> Visitor<'de> for ContextsSeed {
    type Value = Contexts;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the contexts")
    }
    forward_to_value!(Contexts::Value);
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Contexts, A::Error> {
        let mut list = Vec::new();
        let mut keys = HashSet::new();
        let mut shared: Vec<(&'de str, usize)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if list.is_empty() && key == NUMBER_TOKEN {
                return number_value(&mut map).map(Contexts::Value);
            }
            if !keys.insert(key.clone()) {
                return Err(de::Error::custom(DUPLICATE_MEMBER));
            }
            let (value, env_of) = map.next_value_seed(ContextSeed {
                index: list.len(),
                shared: &mut shared,
            })?;
            list.push(ReadContext { key, value, env_of });
        }
        Ok(Contexts::Read(list))
    }
}

/// Reads one context; `shared` holds the environment texts seen so far and the index of the context
/// that had each first.
struct ContextSeed<'a, 'de> {
    index: usize,
    shared: &'a mut Vec<(&'de str, usize)>,
}

impl<'a, 'de> DeserializeSeed<'de> for ContextSeed<'a, 'de> {
    type Value = (Value, Option<usize>);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'a, 'de> Visitor<'de> for ContextSeed<'a, 'de> {
    type Value = (Value, Option<usize>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a context")
    }
    forward_to_value!(|v| (v, None));
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Members::default();
        let mut env_of = None;
        let mut env_seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if members.obj.is_empty() && key == NUMBER_TOKEN {
                return number_value(&mut map).map(|v| (v, None));
            }
            members.check(&key)?;
            let value = if !env_seen && eq_ignore_case(&key, "Environment") {
                env_seen = true;
                let raw: &'de RawValue = map.next_value()?;
                let text = raw.get();
                match self.shared.iter().find(|(t, _)| *t == text) {
                    Some(&(_, first)) => {
                        env_of = Some(first);
                        Value::Null
                    }
                    None => {
                        if text.starts_with('{') && self.shared.len() < MAX_SHARED {
                            self.shared.push((text, self.index));
                        }
                        // The text is valid JSON already; what can still fail (a duplicate member,
                        // nesting) is reported at the environment's end.
                        serde_json::from_str(text)
                            .map_err(|e| de::Error::custom(crate::jsonio::message_of(&e)))?
                    }
                }
            } else {
                map.next_value()?
            };
            members.obj.push(key, value);
        }
        Ok((Value::Object(members.obj), env_of))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::model::{Context, Profile, WriteOptions};

    fn env(name: &str, arm: &str) -> String {
        format!("{{\"Name\": \"{name}\", \"ResourceManagerUrl\": \"{arm}\"}}")
    }

    fn profile(envs: &[String]) -> Vec<u8> {
        let contexts: Vec<String> = envs
            .iter()
            .enumerate()
            .map(|(i, e)| {
                format!("\"c{i}\": {{\"Account\": {{\"Id\": \"a{i}\"}}, \"Environment\": {e}}}")
            })
            .collect();
        format!("{{\"Contexts\": {{{}}}}}", contexts.join(", ")).into_bytes()
    }

    fn shared(p: &Profile, a: &str, b: &str) -> bool {
        let env = |k: &str| Arc::clone(p.get_shared(k).unwrap().1.environment_shared().unwrap());
        Arc::ptr_eq(&env(a), &env(b))
    }

    #[test]
    fn contexts_with_the_same_environment_text_hold_one_environment() {
        let cloud = env("AzureCloud", "https://arm/");
        let lab = env("Lab", "https://lab/");
        let bytes = profile(&[cloud.clone(), lab.clone(), cloud.clone(), lab, cloud]);
        let p = Profile::parse(&bytes, "p").unwrap();
        assert!(shared(&p, "c0", "c2") && shared(&p, "c0", "c4") && shared(&p, "c1", "c3"));
        assert!(!shared(&p, "c0", "c1"));
        assert_eq!(
            p.get("c3")
                .unwrap()
                .1
                .environment()
                .unwrap()
                .get_str("ResourceManagerUrl"),
            Some("https://lab/")
        );
        // Nothing of the sharing shows in the text.
        let text = p.to_az_bytes_with(&WriteOptions::lossless());
        let again = Profile::parse(&text, "again").unwrap();
        assert_eq!(again.to_az_bytes_with(&WriteOptions::lossless()), text);
        assert_eq!(again, p);
    }

    #[test]
    fn changing_one_context_s_environment_leaves_the_others_alone() {
        let cloud = env("AzureCloud", "https://arm/");
        let mut p = Profile::parse(&profile(&[cloud.clone(), cloud]), "p").unwrap();
        let before = p.get("c1").unwrap().1.clone();
        let mut change = Context::new_empty();
        let mut e = crate::model::Environment::new("AzureCloud");
        e.set_str("ResourceManagerUrl", Some("https://elsewhere/"))
            .unwrap();
        change.set_environment(Some(e));
        p.get_mut("c0").unwrap().merge_from(&change);
        let url = |p: &Profile, k: &str| {
            p.get(k)
                .unwrap()
                .1
                .environment()
                .unwrap()
                .get_str("ResourceManagerUrl")
                .map(str::to_owned)
        };
        assert_eq!(url(&p, "c0").as_deref(), Some("https://elsewhere/"));
        assert_eq!(url(&p, "c1").as_deref(), Some("https://arm/"));
        assert_eq!(p.get("c1").unwrap().1, &before);
    }

    #[test]
    fn an_environment_that_is_not_an_object_is_still_reported() {
        let e = Profile::parse(&profile(&["5".to_owned()]), "p").unwrap_err();
        assert!(e.message.contains("Context.Environment"), "{}", e.message);
        let e = Profile::parse(
            br#"{"Contexts": {"a": {"Environment": {"Name": "x", "Name": "y"}}}}"#,
            "p",
        )
        .unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
    }
}
