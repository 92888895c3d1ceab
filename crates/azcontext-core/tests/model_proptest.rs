//! Property tests: random profiles (unicode and quote-laden keys, random extended properties,
//! unknown members) written by the Newtonsoft writer load and write back byte for byte.

use azcontext_core::jsonio::{self as json, Object, Value};
use azcontext_core::model::{Profile, WriteOptions};
use azcontext_core::names::fold_case;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ()@.-]{1,12}",
        "[\"\\\\/\u{e9}\u{1F600}\u{2028}\u{85}\t a-z]{1,8}",
        any::<String>().prop_filter("no NUL", |s| !s.is_empty() && !s.contains('\0')),
    ]
}

fn string_map() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((text(), text()), 0..4)
}

fn obj_from(map: Vec<(String, String)>) -> Value {
    let mut o = Object::new();
    for (k, v) in map {
        o.insert(k, Value::String(v));
    }
    Value::Object(o)
}

prop_compose! {
    fn context()(id in text(), tenant in proptest::option::of(text()), ext in string_map(),
                 unknown in proptest::option::of((("X[a-z]{1,5}"), text())), num in proptest::option::of("-?[1-9][0-9]{0,3}\\.[0-9]{1,3}"))
                 -> Value {
        let mut acc = Object::new();
        acc.push("Id", Value::String(id));
        acc.push("Type", Value::String("User".into()));
        acc.push("ExtendedProperties", obj_from(ext));
        if let Some((k, v)) = unknown { acc.insert(k, Value::String(v)); }
        let mut c = Object::new();
        c.push("Account", Value::Object(acc));
        c.push("Tenant", match tenant {
            Some(t) => { let mut o = Object::new(); o.push("Id", Value::String(t)); Value::Object(o) }
            None => Value::Null,
        });
        if let Some(n) = num { c.push("Raw", Value::Number(n.parse().unwrap())); }
        c.push("TokenCache", { let mut o = Object::new(); o.push("CacheData", Value::Null); Value::Object(o) });
        Value::Object(c)
    }
}

prop_compose! {
    fn profile()(default in text(), ctxs in prop::collection::vec((text(), context()), 0..6),
                 root_ext in string_map(), extra in proptest::option::of(text())) -> String {
        let mut seen = std::collections::HashSet::new();
        let mut contexts = Object::new();
        for (k, c) in ctxs {
            if seen.insert(fold_case(&k)) { contexts.push(k, c); }
        }
        let mut root = Object::new();
        root.push("DefaultContextKey", Value::String(default));
        root.push("EnvironmentTable", Value::Object(Object::new()));
        root.push("Contexts", Value::Object(contexts));
        root.push("ExtendedProperties", obj_from(root_ext));
        if let Some(x) = extra { root.push("Unknown", Value::Array(vec![Value::String(x), Value::Bool(true)])); }
        json::to_indented(&Value::Object(root))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
    #[test]
    fn write_parse_write_is_identical(text in profile()) {
        let p = Profile::parse(text.as_bytes(), "prop").unwrap();
        let out = p.to_az_bytes_with(&WriteOptions::lossless());
        prop_assert_eq!(&out[3..], text.as_bytes());
        let q = Profile::parse(&out, "prop2").unwrap();
        prop_assert_eq!(q.to_az_bytes_with(&WriteOptions::lossless()), out);
        // autosave output is stable too
        let a = p.to_az_bytes();
        prop_assert_eq!(Profile::parse(&a, "a").unwrap().to_az_bytes(), a);
    }

    #[test]
    fn json_compact_round_trip(text in profile()) {
        let v = json::parse(text.as_bytes(), "p").unwrap();
        let c = json::to_compact(&v);
        prop_assert_eq!(json::parse(c.as_bytes(), "c").unwrap(), v);
    }
}
