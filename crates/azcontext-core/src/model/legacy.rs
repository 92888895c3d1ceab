//! The AzureRM.profile ≤ 3.x format: `{ "Environments": {...}, "Context": {...} }`,
//! converted to the current shape on load. Public environments in the old file are ignored (the
//! built-ins are current); the converted context is stored under its generated key
//! ([`Context::generated_key`]), which becomes the default.

use super::entities::is_public_name;
use super::{Invalid, DEFAULT_KEY};
use crate::jsonio::{Object, Value};
use crate::names::eq_ignore_case;

pub(crate) fn is_legacy(root: &Object) -> bool {
    matches!(root.get_ci("Context"), Some(Value::Object(_))) && !root.contains_key_ci("Contexts")
}

/// Legacy `Endpoints` names → current environment members.
const ENDPOINTS: &[(&str, &str)] = &[
    ("ActiveDirectory", "ActiveDirectoryAuthority"),
    (
        "ActiveDirectoryServiceEndpointResourceId",
        "ActiveDirectoryServiceEndpointResourceId",
    ),
    ("AdTenant", "AdTenant"),
    ("Gallery", "GalleryUrl"),
    ("ManagementPortalUrl", "ManagementPortalUrl"),
    ("ServiceManagement", "ServiceManagementUrl"),
    ("PublishSettingsFileUrl", "PublishSettingsFileUrl"),
    ("ResourceManager", "ResourceManagerUrl"),
    ("SqlDatabaseDnsSuffix", "SqlDatabaseDnsSuffix"),
    ("StorageEndpointSuffix", "StorageEndpointSuffix"),
    ("Graph", "GraphUrl"),
    ("GraphEndpointResourceId", "GraphEndpointResourceId"),
    ("TrafficManagerDnsSuffix", "TrafficManagerDnsSuffix"),
    ("AzureKeyVaultDnsSuffix", "AzureKeyVaultDnsSuffix"),
    (
        "AzureKeyVaultServiceEndpointResourceId",
        "AzureKeyVaultServiceEndpointResourceId",
    ),
    (
        "AzureDataLakeStoreFileSystemEndpointSuffix",
        "AzureDataLakeStoreFileSystemEndpointSuffix",
    ),
    (
        "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix",
        "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix",
    ),
    ("DataLakeEndpointResourceId", "DataLakeEndpointResourceId"),
    ("BatchEndpointResourceId", "BatchEndpointResourceId"),
];

fn str_of<'a>(o: &'a Object, k: &str) -> Result<Option<&'a str>, Invalid> {
    match o.get_ci(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Invalid::new(format!(
            "expected a string or null for '{k}' in the legacy profile, found {}",
            other.type_name()
        ))
        .within_key(k)),
    }
}

fn string_map(o: &Object, k: &str) -> Result<Object, Invalid> {
    match o.get_ci(k) {
        None | Some(Value::Null) => Ok(Object::new()),
        Some(Value::Object(m)) => {
            for (mk, mv) in m.iter() {
                if !matches!(mv, Value::String(_) | Value::Null) {
                    return Err(Invalid::new(format!(
                        "expected a string for an entry of '{k}' in the legacy profile, found {}",
                        mv.type_name()
                    ))
                    .within_key(mk)
                    .within_key(k));
                }
            }
            Ok(m.clone())
        }
        Some(other) => Err(Invalid::new(format!(
            "expected an object for '{k}' in the legacy profile, found {}",
            other.type_name()
        ))
        .within_key(k)),
    }
}

fn sub_object<'a>(o: &'a Object, k: &str) -> Result<Option<&'a Object>, Invalid> {
    match o.get_ci(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(other) => Err(Invalid::new(format!(
            "expected an object or null for '{k}' in the legacy profile, found {}",
            other.type_name()
        ))
        .within_key(k)),
    }
}

fn convert_env(o: &Object) -> Result<Value, Invalid> {
    let mut env = super::Environment::new(str_of(o, "Name")?.unwrap_or("")).into_object();
    if let Some(b) = o.get_ci("OnPremise").and_then(Value::as_bool) {
        env.insert("OnPremise", Value::Bool(b));
    }
    let mut ext = Object::new();
    for (k, v) in string_map(o, "Endpoints")?.into_iter() {
        match ENDPOINTS.iter().find(|(old, _)| eq_ignore_case(old, &k)) {
            Some((_, new)) => {
                env.insert(*new, v);
            }
            None => {
                ext.insert(k, v);
            }
        }
    }
    env.insert("ExtendedProperties", Value::Object(ext));
    Ok(Value::Object(env))
}

/// Converts a legacy root into a current-format root object.
pub(crate) fn convert(root: Object) -> Result<Object, Invalid> {
    let mut table = Object::new();
    if let Some(envs) = sub_object(&root, "Environments")? {
        for (name, e) in envs.iter() {
            let Value::Object(eo) = e else { continue };
            if is_public_name(name) {
                continue;
            }
            let env = convert_env(eo).map_err(|x| x.within_key(name).within_key("Environments"))?;
            table.insert(name, env);
        }
    }
    let ctx_obj = sub_object(&root, "Context")?.expect("checked by is_legacy");
    let ctx = convert_context(ctx_obj).map_err(|x| x.within_key("Context"))?;
    let parsed = super::Context::from_object(ctx.clone()).map_err(|x| x.within_key("Context"))?;
    let key = if parsed.is_empty() {
        DEFAULT_KEY.to_owned()
    } else {
        parsed.generated_key()
    };
    let mut contexts = Object::new();
    contexts.push(key.clone(), Value::Object(ctx));
    let mut out = Object::with_capacity(4);
    out.push("DefaultContextKey", Value::String(key));
    out.push("EnvironmentTable", Value::Object(table));
    out.push("Contexts", Value::Object(contexts));
    out.push("ExtendedProperties", Value::Object(Object::new()));
    Ok(out)
}

fn convert_context(c: &Object) -> Result<Object, Invalid> {
    let mut ctx = super::Context::new_empty().to_object_for_legacy();
    if let Some(a) = sub_object(c, "Account")? {
        let t = match a.get_ci("Type") {
            Some(Value::Number(n)) => Some(
                match n.to_string().as_str() {
                    "0" => "Certificate",
                    "1" => "User",
                    "2" => "ServicePrincipal",
                    "3" => "AccessToken",
                    _ => "User",
                }
                .to_owned(),
            ),
            _ => str_of(a, "Type")
                .map_err(|e| e.within_key("Account"))?
                .map(str::to_owned),
        };
        let mut acc = Object::with_capacity(5);
        acc.push(
            "Id",
            Value::from_opt_str(str_of(a, "Id").map_err(|e| e.within_key("Account"))?),
        );
        acc.push("Credential", Value::Null);
        acc.push("Type", Value::from(t));
        acc.push("TenantMap", Value::Object(Object::new()));
        acc.push(
            "ExtendedProperties",
            Value::Object(string_map(a, "Properties").map_err(|e| e.within_key("Account"))?),
        );
        ctx.insert("Account", Value::Object(acc));
    }
    if let Some(t) = sub_object(c, "Tenant")? {
        let w = |e: Invalid| e.within_key("Tenant");
        let mut ten = Object::with_capacity(3);
        ten.push("Id", Value::from_opt_str(str_of(t, "Id").map_err(w)?));
        ten.push(
            "Directory",
            Value::from_opt_str(str_of(t, "Domain").map_err(w)?),
        );
        ten.push(
            "ExtendedProperties",
            Value::Object(string_map(t, "Properties").map_err(w)?),
        );
        ctx.insert("Tenant", Value::Object(ten));
    }
    if let Some(s) = sub_object(c, "Subscription")? {
        let w = |e: Invalid| e.within_key("Subscription");
        let mut sub = Object::with_capacity(4);
        sub.push("Id", Value::from_opt_str(str_of(s, "Id").map_err(w)?));
        sub.push("Name", Value::from_opt_str(str_of(s, "Name").map_err(w)?));
        sub.push(
            "State",
            Value::from_opt_str(str_of(s, "State").map_err(w)?.or(Some("Enabled"))),
        );
        let mut ext = string_map(s, "Properties").map_err(w)?;
        if let Some(a) = str_of(s, "Account").map_err(w)? {
            ext.insert_ci("Account", a.into());
        }
        if let Some(e) = str_of(s, "Environment").map_err(w)? {
            ext.insert_ci("Environment", e.into());
        }
        sub.push("ExtendedProperties", Value::Object(ext));
        ctx.insert("Subscription", Value::Object(sub));
    }
    if let Some(e) = sub_object(c, "Environment")? {
        ctx.insert(
            "Environment",
            convert_env(e).map_err(|x| x.within_key("Environment"))?,
        );
    }
    let cache = match c.get_ci("TokenCache") {
        Some(Value::String(s)) => Value::String(s.clone()),
        _ => Value::Null,
    };
    let mut tc = Object::new();
    tc.push("CacheData", cache);
    ctx.insert("TokenCache", Value::Object(tc));
    Ok(ctx)
}
