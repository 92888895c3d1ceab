//! What callers hand in besides names: a profile or a single context given as JSON (-DefaultProfile,
//! Import-AzContext -AzureContext, Save-AzContext -Profile), and a profile file to import. The rules
//! for telling them apart live here, not in the C ABI.

use std::path::Path;

use crate::error::{Error, ObjectKind, Result};
use crate::jsonio::{self as json, Value};
use crate::model::{Context, Profile};

/// A profile handed in by the caller: an Az profile (`AzureRmContext.json`'s shape, or the legacy one),
/// a PSAzureProfile view (its `Profile` member), or a single context record, which becomes the only and
/// default context (Az's AzureContextConverter rule for -DefaultProfile).
pub fn profile_or_context_from_json(text: &str) -> Result<Profile> {
    let value = json::parse(text.as_bytes(), "<profile>")?;
    let Value::Object(obj) = &value else {
        return Err(Error::InvalidArgument(
            "expected a JSON object holding a profile or a context".into(),
        ));
    };
    if let Some(Value::Object(inner)) = obj.get("Profile") {
        let inner_text = json::to_compact(inner);
        return Ok(Profile::parse(inner_text.as_bytes(), "<profile>")?);
    }
    let is_profile = obj.contains_key_ci("Contexts")
        || obj.contains_key_ci("Context")
        || obj.contains_key_ci("DefaultContextKey");
    if is_profile {
        return Ok(Profile::parse(text.as_bytes(), "<profile>")?);
    }
    let record = Context::from_json_record(text.as_bytes(), "<context>")?;
    Ok(single_context_profile(record.name, record.context))
}

fn single_context_profile(name: Option<String>, context: Context) -> Profile {
    let mut p = Profile::new();
    let key = match name {
        Some(n) if !n.is_empty() => p
            .insert_named(&n, context.clone())
            .unwrap_or_else(|_| p.add_context(context)),
        _ => p.add_context(context),
    };
    let _ = p.select(&key);
    p
}

/// Reads a profile file for Import-AzContext: Az's "Cannot find file" when it does not exist; a
/// permission problem or a folder said as such; an error naming the file, line and column when it is
/// not a profile.
pub fn profile_from_file(path: &Path) -> Result<Profile> {
    let not_found = || Error::NotFound {
        kind: ObjectKind::File,
        name: path.display().to_string(),
        message: format!("Cannot find file '{}'", path.display()),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
        Err(e) => return Err(Error::io("reading", path, e)),
    };
    if meta.is_dir() {
        return Err(Error::InvalidArgument(format!(
            "'{}' is a folder, not a profile file",
            path.display()
        )));
    }
    let source = path.display().to_string();
    // Opened without waiting (a FIFO never blocks), checked to be a regular file on the handle, and
    // read to at most 64 MiB.
    let Some((_, bytes)) = crate::fsio::read_file(path, crate::fsio::Trust::UserPath)? else {
        return Err(not_found());
    };
    Ok(Profile::parse(&bytes, &source)?)
}
