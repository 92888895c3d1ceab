//! The JSON records that cross the ABI. They are written by the core's own model and JSON writer, in
//! Az's property names: one schema for the file and the boundary.

use azcontext_core::jsonio::{self as json, Value};
use azcontext_core::model::{Account, Context, Environment, Profile, WriteOptions};
use azcontext_core::settings::StorePaths;
use azcontext_core::store::{AutosaveSettings, NamedContext, OpOutput};

use crate::boundary::{FfiError, FfiResult};
use crate::status::AzctxStatus;

/// What crosses to the caller keeps everything the caller may hand back (secrets included): the
/// module never shows secrets, but Set-AzContext -Context must be able to return a context intact.
fn record_options() -> WriteOptions {
    WriteOptions::lossless()
}

/// A context with its `Name`, compact.
pub fn named(c: &NamedContext) -> String {
    c.context.to_json_record(&c.name, false, &record_options())
}

pub fn named_or_null(c: Option<NamedContext>) -> String {
    c.as_ref().map_or_else(|| "null".to_owned(), named)
}

pub fn named_list(list: &[NamedContext]) -> String {
    let mut out = String::with_capacity(list.len() * 1024 + 2);
    out.push('[');
    for (i, c) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&named(c));
    }
    out.push(']');
    out
}

pub fn name_list(list: &[NamedContext]) -> String {
    let mut out = String::from("[");
    for (i, c) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_string(&mut out, &c.name);
    }
    out.push(']');
    out
}

pub fn autosave(s: &AutosaveSettings) -> String {
    json::to_compact(s)
}

pub fn environment(e: &Environment) -> String {
    json::to_compact(e.as_object())
}

pub fn environment_list<'a>(envs: impl IntoIterator<Item = &'a Environment>) -> String {
    let parts: Vec<String> = envs.into_iter().map(environment).collect();
    format!("[{}]", parts.join(","))
}

/// Az's PSAzureProfile: `{"Context": <default context or null>, "Environments": {name: env},
/// "Profile": <the whole profile in AzureRmContext.json's shape>}`.
pub fn profile_view(p: &Profile) -> String {
    let context = match p.default_context() {
        Some((name, ctx)) if !ctx.is_empty() => ctx.to_json_record(name, false, &record_options()),
        _ => "null".to_owned(),
    };
    let mut envs = String::from("{");
    for (i, e) in p.environments().into_iter().enumerate() {
        if i > 0 {
            envs.push(',');
        }
        json::write_string(&mut envs, e.name().unwrap_or_default());
        envs.push(':');
        envs.push_str(&environment(e));
    }
    envs.push('}');
    format!(
        "{{\"Context\":{context},\"Environments\":{envs},\"Profile\":{}}}",
        p.to_text(&record_options(), false)
    )
}

/// A context handed in as a record (Set-AzContext -Context), with the name it carried.
pub fn context_from_json(text: &str) -> FfiResult<(Option<String>, Context)> {
    let record = Context::from_json_record(text.as_bytes(), "<context>")
        .map_err(|e| FfiError::from(azcontext_core::Error::InvalidProfile(e)))?;
    Ok((record.name, record.context))
}

/// A JSON object of strings (extended properties), or nothing.
pub fn string_map(text: Option<&str>) -> FfiResult<Vec<(String, String)>> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let value = json::parse(text.as_bytes(), "<extended properties>")
        .map_err(|e| FfiError::from(azcontext_core::Error::InvalidProfile(e)))?;
    let Value::Object(obj) = value else {
        return Err(FfiError::new(
            AzctxStatus::InvalidArgument,
            "extended properties must be a JSON object of strings",
        ));
    };
    obj.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.to_owned(), s.clone())),
            Value::Null => Ok((k.to_owned(), String::new())),
            other => Err(FfiError::new(
                AzctxStatus::InvalidArgument,
                format!(
                    "extended property '{k}' must be a string, not {}",
                    other.type_name()
                ),
            )),
        })
        .collect()
}

/// The envelope of a change: the scope it was applied in, whether the file was rewritten, a corrupt
/// file moved aside, the warnings the core decided on, and `value` (JSON text) as "Value".
pub fn op_result(out: &OpOutput, value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 96);
    s.push_str("{\"Scope\":");
    json::write_string(&mut s, out.scope.as_str());
    s.push_str(",\"Written\":");
    s.push_str(if out.written { "true" } else { "false" });
    s.push_str(",\"Quarantined\":");
    match &out.quarantined {
        Some(p) => json::write_string(&mut s, &p.to_string_lossy()),
        None => s.push_str("null"),
    }
    s.push_str(",\"Warnings\":");
    s.push_str(&string_list(&out.warnings));
    s.push_str(",\"Value\":");
    s.push_str(value);
    s.push('}');
    s
}

/// The envelope of a change that did nothing (nothing resolved): no scope, `Value` null.
pub fn no_op_result() -> String {
    "{\"Scope\":null,\"Written\":false,\"Quarantined\":null,\"Warnings\":[],\"Value\":null}"
        .to_owned()
}

/// A JSON array of strings.
pub fn string_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_string(&mut out, item.as_ref());
    }
    out.push(']');
    out
}

/// The store's files: `{"ContextFile": path, "KeyStoreFile": path}`.
pub fn store_paths(p: &StorePaths) -> String {
    let mut s = String::from("{\"ContextFile\":");
    json::write_string(&mut s, &p.context_file.to_string_lossy());
    s.push_str(",\"KeyStoreFile\":");
    json::write_string(&mut s, &p.keystore_file.to_string_lossy());
    s.push('}');
    s
}

/// An account record, as it is (the caller strips secrets first where the output must not hold them).
pub fn account(a: &Account) -> String {
    json::to_compact(a.as_object())
}

pub fn environment_from_json(text: &str) -> FfiResult<Environment> {
    Environment::from_json(text.as_bytes(), "<environment>")
        .map_err(|e| FfiError::from(azcontext_core::Error::InvalidProfile(e)))
}

fn request(text: &str, what: &str) -> FfiResult<json::Object> {
    match json::parse(text.as_bytes(), what)
        .map_err(|e| FfiError::from(azcontext_core::Error::InvalidProfile(e)))?
    {
        Value::Object(o) => Ok(o),
        _ => Err(FfiError::new(
            AzctxStatus::InvalidArgument,
            format!("{what} must be a JSON object"),
        )),
    }
}

fn opt_string(o: &json::Object, key: &str) -> FfiResult<Option<String>> {
    match o.get_ci(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(FfiError::new(
            AzctxStatus::InvalidArgument,
            format!("'{key}' must be a string, not {}", other.type_name()),
        )),
    }
}

/// The access-token login request (`Connect-AzAccount -AccessToken`), and the context name it asks for.
pub fn login(
    text: &str,
) -> FfiResult<(azcontext_core::accounts::AccessTokenLogin, Option<String>)> {
    access_token_login_from(&request(text, "<login request>")?)
}

/// The access-token login request, and the context name it asks for.
fn access_token_login_from(
    o: &json::Object,
) -> FfiResult<(azcontext_core::accounts::AccessTokenLogin, Option<String>)> {
    let required = |key: &str| -> FfiResult<String> {
        opt_string(o, key)?.ok_or_else(|| {
            FfiError::new(AzctxStatus::InvalidArgument, format!("'{key}' is required"))
        })
    };
    let login = azcontext_core::accounts::AccessTokenLogin {
        access_token: required("AccessToken")?,
        account_id: required("AccountId")?,
        tenant: opt_string(o, "Tenant")?,
        subscription: opt_string(o, "Subscription")?,
        environment: opt_string(o, "Environment")?,
        skip_validation: matches!(o.get_ci("SkipValidation"), Some(Value::Bool(true))),
        graph_access_token: opt_string(o, "GraphAccessToken")?,
        microsoft_graph_access_token: opt_string(o, "MicrosoftGraphAccessToken")?,
        key_vault_access_token: opt_string(o, "KeyVaultAccessToken")?,
    };
    Ok((login, opt_string(o, "ContextName")?))
}

pub fn disconnect_target(text: &str) -> FfiResult<azcontext_core::accounts::DisconnectTarget> {
    use azcontext_core::accounts::DisconnectTarget;
    let o = request(text, "<disconnect request>")?;
    if let Some(u) = opt_string(&o, "Username")? {
        return Ok(DisconnectTarget::Account(u));
    }
    if let Some(n) = opt_string(&o, "ContextName")? {
        return Ok(DisconnectTarget::ContextName(n));
    }
    if let Some(app) = opt_string(&o, "ApplicationId")? {
        let tenant = opt_string(&o, "TenantId")?.ok_or_else(|| {
            FfiError::new(
                AzctxStatus::InvalidArgument,
                "'TenantId' is required with 'ApplicationId'",
            )
        })?;
        return Ok(DisconnectTarget::ServicePrincipal {
            application_id: app,
            tenant_id: tenant,
        });
    }
    Ok(DisconnectTarget::Current)
}
