//! Profile model: Az's fixtures read and written back byte for byte, key generation, default
//! resolution, identity merging and the secrets each write form keeps.

use azcontext_core::error::ErrorKind;
use azcontext_core::model::{
    Account, Context, Environment, Profile, Subscription, Tenant, WriteOptions,
};

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/az-accounts/",
            $name
        ))
    };
}

const SAVING: &[u8] = fixture!("saving-profile-works.expected.json");
const NO_DEFAULT: &[u8] = fixture!("import-context-no-default-key.json");
const LEGACY: &[u8] = fixture!("legacy-azurerm-v3-profile.json");
const EMPTY: &[u8] = fixture!("empty-profile.json");
const FIXTURES: &[(&str, &[u8])] = &[
    ("saving", SAVING),
    ("no-default", NO_DEFAULT),
    ("legacy", LEGACY),
    ("empty", EMPTY),
];

fn strip_lf(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\n").unwrap_or(b)
}
fn with_bom(b: &[u8]) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), strip_lf(b)].concat()
}

#[test]
fn every_fixture_loads_plain_bom_crlf_and_junk() {
    for (name, bytes) in FIXTURES {
        let base = Profile::parse(bytes, name).unwrap();
        let crlf: Vec<u8> = String::from_utf8(bytes.to_vec())
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes();
        let junk = [b"garbage \xff\xfe not json ".as_slice(), bytes].concat();
        for variant in [with_bom(bytes), crlf, junk] {
            let p = Profile::parse(&variant, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(p.len(), base.len(), "{name}");
            assert_eq!(p.default_key(), base.default_key(), "{name}");
        }
    }
}

#[test]
fn serializer_identity_with_saving_profile_works() {
    let p = Profile::parse(SAVING, "saving").unwrap();
    assert_eq!(
        p.to_az_bytes_with(&WriteOptions::lossless()),
        with_bom(SAVING)
    );
    // and CRLF input with a BOM writes the same
    let crlf = String::from_utf8(with_bom(SAVING))
        .unwrap()
        .replace('\n', "\r\n");
    let p2 = Profile::parse(crlf.as_bytes(), "crlf").unwrap();
    assert_eq!(
        p2.to_az_bytes_with(&WriteOptions::lossless()),
        with_bom(SAVING)
    );
}

#[test]
fn every_fixture_round_trips_losslessly() {
    for (name, bytes) in [
        ("saving", SAVING),
        ("no-default", NO_DEFAULT),
        ("empty", EMPTY),
    ] {
        let p = Profile::parse(bytes, name).unwrap();
        assert_eq!(
            p.to_az_bytes_with(&WriteOptions::lossless()),
            with_bom(bytes),
            "{name}"
        );
    }
}

#[test]
fn empty_profile_writes_empty_profile_json() {
    assert_eq!(Profile::new().to_az_bytes(), with_bom(EMPTY));
    let mut p = Profile::parse(NO_DEFAULT, "x").unwrap();
    let env_free = {
        let mut q = Profile::new();
        q.clear();
        q
    };
    assert_eq!(env_free.to_az_bytes(), with_bom(EMPTY));
    p.clear();
    assert_eq!(p.len(), 1);
    assert!(p.get("Default").unwrap().1.is_empty());
    assert!(p.default_context().is_none());
    let text = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(text.contains("\"Contexts\": {}"), "{text}");
    assert!(text.contains("testCloud"));
}

#[test]
fn autosave_writes_cache_data_null_and_save_keeps_it() {
    let p = Profile::parse(SAVING, "s").unwrap();
    let auto = String::from_utf8(p.to_az_bytes_with(&WriteOptions {
        keep_default_placeholder: true,
        ..WriteOptions::autosave()
    }))
    .unwrap();
    assert!(auto.contains("\"CacheData\": null"));
    assert!(!auto.contains("AgAAAAAAAAA="));
    let saved = String::from_utf8(p.to_az_bytes_with(&WriteOptions::export(true))).unwrap();
    assert!(saved.contains("\"CacheData\": \"AgAAAAAAAAA=\""));
}

#[test]
fn legacy_fixture_converts() {
    let p = Profile::parse(LEGACY, "legacy").unwrap();
    assert_eq!(p.len(), 1);
    let (key, c) = p.default_context().unwrap();
    assert_eq!(p.default_key(), Some(key));
    let a = c.account().unwrap();
    assert_eq!(
        (a.id(), a.account_type()),
        (Some("me@contoso.com"), Some("User"))
    );
    let t = c.tenant().unwrap();
    assert_eq!(t.id(), Some("3c0ff8a7-e8bb-40e8-ae66-271343379af6"));
    assert_eq!(t.directory(), Some("contoso.com"));
    assert_eq!(
        c.subscription().unwrap().name(),
        Some("Contoso Test Subscription")
    );
    let e = c.environment().unwrap();
    assert_eq!(e.name(), Some("testCloud"));
    assert_eq!(
        e.get_str("ActiveDirectoryAuthority"),
        Some("http://contoso.com")
    );
    let names: Vec<_> = p
        .environments()
        .iter()
        .map(|e| e.name().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "AzureCloud",
            "AzureChinaCloud",
            "AzureUSGovernment",
            "testCloud"
        ]
    );
    // the converted profile writes and re-reads
    let again = Profile::parse(&p.to_az_bytes_with(&WriteOptions::lossless()), "again").unwrap();
    assert_eq!(again.len(), 1);
}

#[test]
fn public_environments_present_and_never_written() {
    let p = Profile::parse(EMPTY, "e").unwrap();
    for n in ["AzureCloud", "azurechinacloud", "AzureUSGovernment"] {
        assert!(p.environment(n).is_some(), "{n}");
    }
    assert_eq!(
        p.environment("AzureCloud")
            .unwrap()
            .get_str("ResourceManagerUrl"),
        Some("https://management.azure.com/")
    );
    let mut p = p;
    let mut env = Environment::new("MyCloud");
    env.set_str("ResourceManagerUrl", Some("https://arm.example/"))
        .unwrap();
    p.set_environment(env).unwrap();
    let text = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(text.contains("\"MyCloud\": {\n      \"Name\": \"MyCloud\",\n      \"Type\": \"User-defined\",\n      \"OnPremise\": false,"));
    assert!(!text.contains("AzureCloud"));
    let e = p
        .set_environment(Environment::new("AzureCloud"))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string().as_str()),
        (
            ErrorKind::ReadOnly,
            "Changing public environment is not supported."
        )
    );
    let e = p.remove_environment("azurecloud").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Removing public environment is not supported."
    );
    let e = p.remove_environment("nope").unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string().as_str()),
        (
            ErrorKind::EnvironmentNotFound,
            "The environment name 'nope' is not found."
        )
    );
    assert!(p.remove_environment("mycloud").is_ok());
}

fn ctx(acct: &str, tenant: Option<&str>, sub: Option<(&str, Option<&str>)>) -> Context {
    Context::from_parts(
        Some(Account::new(acct, "User")),
        tenant.map(Tenant::new),
        sub.map(|(id, name)| Subscription::new(id, name, Some("Enabled"))),
        None,
    )
}

#[test]
fn key_generation_all_four_cases() {
    assert_eq!(
        ctx("a@x", Some("T"), Some(("S", Some("Sub")))).generated_key(),
        "Sub (S) - T - a@x"
    );
    assert_eq!(
        ctx("a@x", None, Some(("S", Some("Sub")))).generated_key(),
        "Sub (S) - a@x"
    );
    assert_eq!(ctx("a@x", Some("T"), None).generated_key(), "T - a@x");
    assert_eq!(Context::new_empty().generated_key(), "Default");
    assert_eq!(
        ctx("a", Some("T"), Some(("S", None))).generated_key(),
        " (S) - T - a"
    );
    let tok = Context::for_access_token("a", "tok", &[], "T", "S", None, None, None);
    assert_eq!(tok.generated_key(), " (S) - T - a");
    assert_eq!(tok.account().unwrap().account_type(), Some("AccessToken"));
}

#[test]
fn identity_reuse_case_insensitive_keys_and_default_rules() {
    let mut p = Profile::new();
    let k1 = p
        .set_context(
            &ctx("Jane@X", Some("T"), Some(("S", Some("Sub")))),
            None,
            &[],
        )
        .unwrap();
    let k2 = p
        .set_context(
            &ctx("jane@x", Some("T"), Some(("S", Some("Sub")))),
            None,
            &[("k", "v")],
        )
        .unwrap();
    assert_eq!(k1, k2);
    assert_eq!(p.len(), 1);
    assert_eq!(p.get(&k1.to_uppercase()).unwrap().0, k1);
    assert_eq!(p.get(&k1).unwrap().1.ext("K"), Some("v"));
    assert_eq!(p.default_context().unwrap().0, k1);
    // with a name: a second key for the same identity
    let named = p
        .set_context(
            &ctx("jane@x", Some("T"), Some(("S", None))),
            Some("Prod"),
            &[],
        )
        .unwrap();
    assert_eq!(named, "Prod");
    assert_eq!(p.len(), 2);
    assert_eq!(
        p.get("prod").unwrap().1.subscription().unwrap().name(),
        Some("Sub")
    );
    // reserved / invalid names
    for bad in ["Default", "dEFAULT", "", "a\0b"] {
        let e = p
            .set_context(&ctx("x", None, None), Some(bad), &[])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidName, "{bad:?}");
        assert!(!e.to_string().contains('\0'));
    }
    // select, rename (default follows), remove (deterministic)
    p.select(&k1).unwrap();
    assert_eq!(
        p.rename(&k1, "Renamed", false).unwrap().as_deref(),
        Some("Renamed")
    );
    assert_eq!(p.default_key(), Some("Renamed"));
    assert_eq!(
        p.rename("renamed", "RENAMED", false).unwrap().as_deref(),
        Some("Renamed")
    );
    assert_eq!(p.rename("missing", "x", false).unwrap(), None);
    let e = p.rename("Renamed", "prod", false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    p.rename("Prod", "Renamed", true).unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p.default_key(), Some("Renamed"));
    p.set_context(&ctx("b", Some("T2"), None), None, &[])
        .unwrap();
    p.set_context(&ctx("c", Some("T3"), None), None, &[])
        .unwrap();
    p.select("Renamed").unwrap();
    assert_eq!(
        p.remove("renamed", false).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert!(p.remove("nope", false).unwrap().is_none());
    p.remove("Renamed", true).unwrap().unwrap();
    assert_eq!(p.default_key(), Some("T2 - b")); // ordinal-first remaining key
    p.remove("T2 - b", true).unwrap();
    p.remove("T3 - c", true).unwrap();
    assert_eq!(p.default_key(), Some("Default"));
}

#[test]
fn default_key_absent_null_and_default_with_others() {
    let p = Profile::parse(NO_DEFAULT, "x").unwrap();
    assert_eq!(p.default_context().unwrap().0, "Default");
    assert_eq!(
        p.default_context().unwrap().1.account().unwrap().id(),
        Some("me@contoso.com")
    );

    let text = String::from_utf8(SAVING.to_vec()).unwrap().replace(
        "\"DefaultContextKey\": \"Default\"",
        "\"DefaultContextKey\": null",
    );
    let mut p = Profile::parse(text.as_bytes(), "x").unwrap();
    assert_eq!(p.default_key(), None);
    assert_eq!(
        p.resolve_default().unwrap_err().kind(),
        ErrorKind::LoginRequired
    );
    assert!(p.default_context().is_none());
    p.select("default").unwrap();
    assert!(p.default_context().is_some());
    let p = Profile::parse(b"{\"DefaultContextKey\": null, \"Contexts\": {}}", "x").unwrap();
    assert_eq!(p.default_key(), Some("Default"));

    // "Default" with others: the ordinal-first other key
    let mut p = Profile::new();
    p.clear();
    p.add_context(ctx("z", Some("T"), None));
    p.add_context(ctx("a", Some("T"), None));
    assert_eq!(p.default_key(), Some("Default"));
    assert_eq!(p.default_context().unwrap().0, "T - a");
    let text = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(text.contains("\"DefaultContextKey\": \"T - a\""), "{text}");
    assert!(!text.contains("\"Default\": {"));
    p.repair_default();
    assert_eq!(p.len(), 2);
    assert_eq!(p.default_key(), Some("T - a"));
}

#[test]
fn list_available_sorted_and_null_tolerant() {
    let mut p = Profile::new();
    p.clear();
    p.add_context(ctx("a", Some("T2"), Some(("1", Some("b")))));
    p.add_context(ctx("a", Some("T2"), Some(("2", Some("A")))));
    p.add_context(ctx("a", Some("T1"), None));
    p.add_context(Context::from_parts(
        Some(Account::new("n", "User")),
        None,
        None,
        None,
    ));
    let names: Vec<_> = p
        .list_available()
        .iter()
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(
        names,
        ["Default", "T1 - a", "A (2) - T2 - a", "b (1) - T2 - a"]
    );
}

#[test]
fn merge_import_and_export_without_secrets() {
    let mut p = Profile::new();
    let file = Profile::parse(NO_DEFAULT, "x").unwrap();
    p.merge_import(&file);
    assert_eq!(p.default_context().unwrap().0, "Default");
    assert!(p.environment("testcloud").is_some());
    let empty = Profile::parse(EMPTY, "e").unwrap();
    p.merge_import(&empty);
    assert_eq!(p.len(), 1);

    let mut c = ctx("sp", Some("T"), Some(("S", Some("n"))));
    c.account_mut()
        .unwrap()
        .set_ext("ServicePrincipalSecret", "hunter2");
    c.account_mut().unwrap().set_ext("AccessToken", "tok");
    c.set_cache_data(Some("AAAA"));
    let k = p.set_context(&c, Some("sp"), &[]).unwrap();
    // set_context does not copy the input's token cache
    p.get_mut(&k).unwrap().set_cache_data(Some("AAAA"));
    let out = String::from_utf8(
        p.export_context("sp", false)
            .unwrap()
            .to_az_bytes_with(&WriteOptions::export(false)),
    )
    .unwrap();
    assert!(
        !out.contains("hunter2") && !out.contains("tok\"") && !out.contains("AAAA"),
        "{out}"
    );
    let out = String::from_utf8(p.to_az_bytes_with(&WriteOptions::export(true))).unwrap();
    assert!(out.contains("hunter2") && out.contains("AAAA"));
    let auto = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(!auto.contains("hunter2"));
}

#[test]
fn environment_update_reaches_contexts() {
    let mut p = Profile::parse(SAVING, "s").unwrap();
    let mut env = Environment::new("testCloud");
    env.set_str("ResourceManagerUrl", Some("https://rm.contoso/"))
        .unwrap();
    p.set_environment(env).unwrap();
    let c = p.get("Default").unwrap().1;
    assert_eq!(
        c.environment().unwrap().get_str("ResourceManagerUrl"),
        Some("https://rm.contoso/")
    );
    assert_eq!(
        c.environment().unwrap().get_str("ActiveDirectoryAuthority"),
        Some("http://contoso.com")
    );
}

#[test]
fn tenant_is_home_is_computed_only_where_present() {
    let mut p = Profile::new();
    let mut c = ctx("a", Some("T"), None);
    c.tenant_mut()
        .unwrap()
        .set_ext("TenantCategory", "ProjectedBy");
    p.set_context(&c, None, &[]).unwrap();
    let text = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(text.contains("\"IsHome\": false"), "{text}");
    let saving = String::from_utf8(
        Profile::parse(SAVING, "s")
            .unwrap()
            .to_az_bytes_with(&WriteOptions::lossless()),
    )
    .unwrap();
    assert!(!saving.contains("IsHome"));
}

#[test]
fn context_record_round_trip_and_extras() {
    let rec = br#"{"Name":"n","Account":{"Id":"a","Type":"User","Tenants":["x"]},"Tenant":{"Id":"T"},"Subscription":null,"Environment":null,"SubscriptionId":"s"}"#;
    let r = Context::from_json_record(rec, "<input>").unwrap();
    assert_eq!(r.name.as_deref(), Some("n"));
    assert_eq!(r.context.generated_key(), "T - a");
    let json = r.context.to_json(false);
    assert!(json.starts_with("{\"Account\":{\"Id\":\"a\""));
    let back = Context::from_json_record(json.as_bytes(), "x").unwrap();
    assert_eq!(back.context, r.context);
}

#[test]
fn bad_inputs_are_located_typed_errors() {
    let e = Profile::parse(
        b"{\n  \"Contexts\": {\n    \"k\": {\n      \"Account\": {\"Id\": 5}\n    }\n  }\n}",
        "f.json",
    )
    .unwrap_err();
    assert_eq!(
        (e.source_name.as_str(), e.line, e.column),
        ("f.json", 4, 25)
    );
    assert_eq!(
        e.message,
        "expected a string or null for 'Account.Id', found a number"
    );
    let e = Profile::parse(
        b"{\"EnvironmentTable\": {\"e\": {\"OnPremise\": \"secretish\"}}}",
        "f",
    )
    .unwrap_err();
    assert!(e.message.contains("Environment.OnPremise") && !e.to_string().contains("secretish"));
    let e = Profile::parse(b"{\"Contexts\": {\"a\": {}, \"A\": {}}}", "f").unwrap_err();
    assert!(e.message.contains("differ only in case"));
    let e = Profile::parse(b"{\"Contexts\": {\"a\\u0000b\": {}}}", "f").unwrap_err();
    assert!(e.message.contains("NUL"));
    let e = Profile::parse(
        b"{\"Contexts\": {\"x\": {\"Account\": {\"ExtendedProperties\": {\"AccessToken\": 7}}}}}",
        "f",
    )
    .unwrap_err();
    assert!(
        e.message.contains("Account.ExtendedProperties"),
        "{}",
        e.message
    );
    let e = Profile::parse(
        b"{\"Contexts\": {\"x\": {\"Account\": {\"Id\": \"tok\"",
        "f",
    )
    .unwrap_err();
    assert!(e.message.contains("end of input") && !e.to_string().contains("tok"));
    let e = Profile::parse(b"no object here", "f").unwrap_err();
    assert!(e.message.contains("no JSON object"));
    let e = Profile::parse(b"{\"a\": \"\xC3\x28\"}", "f").unwrap_err();
    assert_eq!((e.line, e.column), (1, 8));
}

#[test]
fn nesting_and_size_limits() {
    let deep = format!("{{\"a\":{}", "[".repeat(10_000));
    let e = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || Profile::parse(deep.as_bytes(), "deep").unwrap_err())
        .unwrap()
        .join()
        .unwrap();
    assert!(e.message.contains("nesting"));
    let mut big = b"{\"ExtendedProperties\": {\"k\": \"".to_vec();
    big.resize(100 * 1024 * 1024, b'a');
    let e = Profile::parse(&big, "big").unwrap_err();
    assert!(e.message.contains("limit") && e.line == 0);
}

#[test]
fn ten_thousand_contexts_round_trip() {
    let mut p = Profile::new();
    for i in 0..10_000 {
        p.add_context(ctx(
            &format!("user{i}@x"),
            Some("T"),
            Some((&format!("{i:08}"), Some("Sub"))),
        ));
    }
    let bytes = p.to_az_bytes_with(&WriteOptions::lossless());
    let q = Profile::parse(&bytes, "big").unwrap();
    assert_eq!(q.len(), 10_000);
    assert!(q.get("SUB (00000042) - T - USER42@X").is_some());
    assert_eq!(q.to_az_bytes_with(&WriteOptions::lossless()), bytes);
}

#[test]
fn autosave_keeps_access_tokens_but_never_sp_secrets() {
    // Issue #9: an -AccessToken login keeps its tokens in AzureRmContext.json, as Az does; SP secrets
    // and certificate passwords never go there.
    let mut p = Profile::new();
    let mut c = ctx("tok@x.com", Some("T"), Some(("S", None)));
    let a = c.account_mut().unwrap();
    a.set_ext("AccessToken", "arm-token");
    a.set_ext("GraphAccessToken", "graph-token");
    a.set_ext("MicrosoftGraphAccessToken", "msgraph-token");
    a.set_ext("KeyVault", "kv-token");
    a.set_ext("ServicePrincipalSecret", "hunter2");
    a.set_ext("CertificatePassword", "pfx-pass");
    p.set_context(&c, None, &[]).unwrap();
    let auto = String::from_utf8(p.to_az_bytes()).unwrap();
    for kept in [
        "\"AccessToken\": \"arm-token\"",
        "\"GraphAccessToken\": \"graph-token\"",
        "\"MicrosoftGraphAccessToken\": \"msgraph-token\"",
        "\"KeyVault\": \"kv-token\"",
    ] {
        assert!(auto.contains(kept), "{kept} missing from {auto}");
    }
    assert!(
        !auto.contains("hunter2") && !auto.contains("pfx-pass"),
        "{auto}"
    );
    assert!(!auto.contains("ServicePrincipalSecret") && !auto.contains("CertificatePassword"));
    // A secret-free export drops both kinds.
    let export = String::from_utf8(p.to_az_bytes_with(&WriteOptions::export(false))).unwrap();
    assert!(
        !export.contains("arm-token") && !export.contains("hunter2"),
        "{export}"
    );
    // Reloading the autosaved file keeps the token for the next process.
    let again = Profile::parse(auto.as_bytes(), "auto").unwrap();
    let (_, c) = again.default_context().unwrap();
    assert_eq!(c.account().unwrap().ext("AccessToken"), Some("arm-token"));
}

#[test]
fn a_new_environment_from_a_few_members_gets_az_s_full_shape() {
    let mut p = Profile::new();
    let partial = Environment::from_json(
        br#"{"Name":"Lab","ResourceManagerUrl":"https://arm.lab/","ExtendedProperties":{"MicrosoftGraphUrl":"https://g.lab"}}"#,
        "<env>",
    )
    .unwrap();
    let e = p.set_environment(partial).unwrap().clone();
    assert_eq!(e.env_type(), Some("User-defined"));
    assert_eq!(e.get_str("ResourceManagerUrl"), Some("https://arm.lab/"));
    assert_eq!(e.ext("MicrosoftGraphUrl"), Some("https://g.lab"));
    let text = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(
        text.contains("\"Lab\": {\n      \"Name\": \"Lab\",\n      \"Type\": \"User-defined\",\n      \"OnPremise\": false,\n      \"ServiceManagementUrl\": null,\n      \"ResourceManagerUrl\": \"https://arm.lab/\","),
        "{text}"
    );
    // A second call with other members merges; what it does not name is kept.
    let more = Environment::from_json(
        br#"{"Name":"lab","GraphUrl":"https://graph.lab/"}"#,
        "<env>",
    )
    .unwrap();
    let e = p.set_environment(more).unwrap();
    assert_eq!(e.get_str("ResourceManagerUrl"), Some("https://arm.lab/"));
    assert_eq!(e.get_str("GraphUrl"), Some("https://graph.lab/"));
    assert_eq!(e.name(), Some("Lab"));
    assert_eq!(
        p.environments()
            .iter()
            .filter(|e| e.name().is_some_and(|n| n.eq_ignore_ascii_case("lab")))
            .count(),
        1
    );
}

/// The autosave text of each context is kept between writes; this checks that no operation can make
/// a write use a context's old text: after every change, the (cached) autosave bytes equal those of
/// a fresh copy that has never been written.
#[test]
fn kept_context_text_never_outlives_a_change() {
    fn fresh(p: &Profile) -> Vec<u8> {
        let text = p.to_az_bytes_with(&WriteOptions::lossless());
        Profile::parse(&text, "fresh").unwrap().to_az_bytes()
    }
    let mut p = Profile::parse(NO_DEFAULT, "no-default").unwrap();
    let check = |p: &Profile, step: &str| {
        let cached_once = p.to_az_bytes(); // fills the kept texts
        assert_eq!(p.to_az_bytes(), cached_once, "{step}: writes differ");
        assert_eq!(
            cached_once,
            fresh(p),
            "{step}: a kept text outlived a change"
        );
    };
    check(&p, "loaded");
    let a = ctx("a@x.com", Some("t1"), Some(("s1", Some("One"))));
    p.set_context(&a, Some("alpha"), &[]).unwrap();
    check(&p, "set new");
    let mut a2 = a.clone();
    a2.subscription_mut().unwrap().set_name(Some("One renamed"));
    p.set_context(&a2, None, &[("k", "v")]).unwrap();
    check(&p, "set same identity with extended properties");
    p.get_mut("alpha").unwrap().set_ext("direct", "edit");
    check(&p, "get_mut");
    let mut env = Environment::new("testCloud");
    env.set_str("ResourceManagerUrl", Some("https://rm.example/"))
        .unwrap();
    p.set_environment(env).unwrap();
    check(&p, "environment change reaching a context");
    p.rename("alpha", "beta", false).unwrap();
    check(&p, "rename");
    let snapshot = p.clone();
    p.remove("Default", true).unwrap();
    check(&p, "remove");
    let mut other = Profile::new();
    other
        .set_context(
            &ctx("a@x.com", Some("t1"), Some(("s1", Some("Imported")))),
            Some("beta"),
            &[],
        )
        .unwrap();
    p.merge_import(&other);
    check(&p, "merge import");
    let stripped = p.without_secrets();
    check(&stripped, "without secrets");
    // A clone taken before the changes still writes its own state.
    check(&snapshot, "clone taken earlier");
    assert_ne!(snapshot.to_az_bytes(), p.to_az_bytes());
}

#[test]
fn managed_identity_and_federated_secrets_never_reach_a_secret_free_file() {
    // The secret list is one list: what the module hides is what the files leave out, including a
    // managed identity's login secret and a federated sign-in's client assertion.
    let mut p = Profile::new();
    let mut c = ctx("mi@x.com", Some("T"), Some(("S", None)));
    let a = c.account_mut().unwrap();
    a.set_ext("MSILoginSecret", "msi-secret-value");
    a.set_ext("ClientAssertion", "assertion-jwt-value");
    a.set_ext("MSILoginUri", "http://169.254.169.254/");
    p.set_context(&c, None, &[]).unwrap();
    for (what, text) in [
        ("autosave", String::from_utf8(p.to_az_bytes()).unwrap()),
        (
            "export without -WithCredential",
            String::from_utf8(p.to_az_bytes_with(&WriteOptions::export(false))).unwrap(),
        ),
    ] {
        assert!(
            !text.contains("msi-secret-value") && !text.contains("assertion-jwt-value"),
            "{what}: {text}"
        );
        assert!(
            text.contains("MSILoginUri"),
            "{what} keeps the rest: {text}"
        );
    }
    let with = String::from_utf8(p.to_az_bytes_with(&WriteOptions::export(true))).unwrap();
    assert!(with.contains("msi-secret-value") && with.contains("assertion-jwt-value"));
    let (_, stored) = p.default_context().unwrap();
    let bare = stored.account().unwrap().without_secrets();
    assert_eq!(bare.ext("MSILoginSecret"), None);
    assert_eq!(bare.ext("ClientAssertion"), None);
    assert_eq!(bare.ext("MSILoginUri"), Some("http://169.254.169.254/"));
}

#[test]
fn no_context_and_no_default_writes_azs_class_default() {
    // What Save-AzContext writes for a session with no current context and nothing stored: Az's
    // empty profile says "Default" (its class default), never null.
    let mut p = Profile::new();
    p.set_current(None);
    let text = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(
        text.contains("\"DefaultContextKey\": \"Default\""),
        "{text}"
    );
    // With contexts and no default, null stays null (Az reads it back as "no current context").
    let mut p = Profile::new();
    p.add_context(ctx("a", Some("T"), None));
    p.set_current(None);
    let text = String::from_utf8(p.to_az_bytes()).unwrap();
    assert!(text.contains("\"DefaultContextKey\": null"), "{text}");
}
