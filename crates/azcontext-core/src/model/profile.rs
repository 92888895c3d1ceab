//! `AzureRmProfile`: the default key, the environment table and the contexts.

use std::collections::HashMap;
use std::sync::Arc;

use super::context::IdentityKey;
use super::entities::is_public_name;
use super::read::{DocSeed, ReadContext};
use super::{
    check_members, insert_ordered, public_environments, validate_stored_name,
    validate_user_context_name,
};
use super::{Context, Environment, Invalid, Ty, DEFAULT_KEY};
use crate::error::{Error, FormatError, ObjectKind};
use crate::jsonio::{self as json, Object, Value, Writer};
use crate::names::{cmp_ignore_case, eq_ignore_case, fold_case};

const ROOT_ORDER: &[&str] = &[
    "DefaultContextKey",
    "EnvironmentTable",
    "Contexts",
    "ExtendedProperties",
];
const ROOT_SPEC: &[(&str, Ty)] = &[
    ("DefaultContextKey", Ty::Str),
    ("EnvironmentTable", Ty::Obj),
    ("Contexts", Ty::Obj),
    ("ExtendedProperties", Ty::StrMap),
];

/// Account extended properties that hold an access token (an `-AccessToken` login). Az keeps them in
/// the account, so they reach `AzureRmContext.json` (autosave keeps them; the file is 0600); they are
/// left out of secret-free exports and never shown.
pub const TOKEN_PROPERTIES: &[&str] = &[
    "AccessToken",
    "GraphAccessToken",
    "MicrosoftGraphAccessToken",
    "KeyVault",
];

/// Account extended properties that hold secrets or tokens; left out of secret-free writes and never
/// shown (the module takes this very list through the C ABI). Tokens ([`TOKEN_PROPERTIES`]) are the
/// first four; the rest are credentials that never go to `AzureRmContext.json`: a service principal's
/// secret, a certificate's password, a managed identity's login secret and a federated sign-in's
/// client assertion.
pub const SECRET_PROPERTIES: &[&str] = &[
    "AccessToken",
    "GraphAccessToken",
    "MicrosoftGraphAccessToken",
    "KeyVault",
    "ServicePrincipalSecret",
    "CertificatePassword",
    "MSILoginSecret",
    "ClientAssertion",
];

/// Az's message when the stored default key is `null`.
pub const DEFAULT_CONTEXT_LOST: &str = "The default context can no longer be found; please run 'Get-AzContext -ListAvailable' to see all available contexts, 'Select-AzContext' to select a new default context, or 'Connect-AzAccount' to login with a new account.";

/// How a profile is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// Keep `TokenCache.CacheData` (Save-AzContext); otherwise it is written `null` (autosave).
    pub keep_cache_data: bool,
    /// Keep the account's access tokens ([`TOKEN_PROPERTIES`]).
    pub keep_tokens: bool,
    /// Keep the account's credentials: the members of [`SECRET_PROPERTIES`] that are not tokens
    /// (`ServicePrincipalSecret`, `CertificatePassword`, `MSILoginSecret`, `ClientAssertion`).
    pub keep_secrets: bool,
    /// Keep an *empty* context keyed `Default` (the placeholder). When dropped and it was the
    /// default, the written default key is the ordinal-first remaining key, or `Default`.
    pub keep_default_placeholder: bool,
}

impl WriteOptions {
    /// `AzureRmContext.json` (autosave): CacheData null, access tokens kept as Az keeps them (in the
    /// account's extended properties, so Az.Accounts can use the context), SP secrets and certificate
    /// passwords never, placeholder dropped.
    pub fn autosave() -> WriteOptions {
        WriteOptions {
            keep_cache_data: false,
            keep_tokens: true,
            keep_secrets: false,
            keep_default_placeholder: false,
        }
    }
    /// Save-AzContext / export: CacheData kept; secrets only when asked (`-WithCredential`).
    pub fn export(with_secrets: bool) -> WriteOptions {
        WriteOptions {
            keep_cache_data: with_secrets,
            keep_tokens: with_secrets,
            keep_secrets: with_secrets,
            keep_default_placeholder: false,
        }
    }
    /// Everything as loaded: a load + write with no change gives the same bytes.
    pub fn lossless() -> WriteOptions {
        WriteOptions {
            keep_cache_data: true,
            keep_tokens: true,
            keep_secrets: true,
            keep_default_placeholder: true,
        }
    }
}

/// The profile (`AzureRmContext.json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The root object; `DefaultContextKey`, `EnvironmentTable` and `Contexts` are placeholders.
    root: Object,
    default_key: Option<String>,
    /// Environments from the file (custom ones, and file overrides of public names), file order.
    custom_envs: Vec<(String, Environment)>,
    public_envs: Vec<Environment>,
    /// The contexts in stored order. Each is shared copy-on-write (`Arc`): cloning a profile of
    /// 10,000 contexts, or listing them, copies pointers, not contexts.
    contexts: Vec<Slot>,
    /// `fold_case(key)` → position in `contexts`.
    index: HashMap<String, usize>,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile::new()
    }
}

impl Profile {
    /// A fresh profile: default key `Default`, no contexts, the public environments.
    pub fn new() -> Profile {
        let mut root = Object::with_capacity(4);
        root.push("DefaultContextKey", Value::Null);
        root.push("EnvironmentTable", Value::Null);
        root.push("Contexts", Value::Null);
        root.push("ExtendedProperties", Value::Object(Object::new()));
        Profile {
            root,
            default_key: Some(DEFAULT_KEY.to_owned()),
            custom_envs: Vec::new(),
            public_envs: public_environments(),
            contexts: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Parses `AzureRmContext.json` text (current or legacy AzureRM ≤ 3.x format). Bytes before the
    /// first `{` are ignored, as Az does. Errors name `source_name`, a line and column, and what was
    /// expected; they never quote values.
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<Profile, FormatError> {
        let doc = json::read_document_with(bytes, source_name, DocSeed)?;
        let r = if doc.contexts.is_none() && super::legacy::is_legacy(&doc.root) {
            super::legacy::convert(doc.root).and_then(|root| Profile::from_root(root, None))
        } else {
            Profile::from_root(doc.root, doc.contexts)
        };
        r.map_err(|e| e.locate(bytes, true, source_name))
    }

    /// The profile of a root object; `contexts`: the contexts of its `Contexts` member when they were
    /// read apart (see [`DocSeed`]).
    fn from_root(
        mut root: Object,
        mut contexts: Option<Vec<ReadContext>>,
    ) -> Result<Profile, Invalid> {
        check_members(&root, ROOT_SPEC, "Profile")?;
        let mut p = Profile::new();
        p.custom_envs.clear();
        let mut default_present = None;
        for (name, v) in root.iter_mut() {
            if eq_ignore_case(name, "DefaultContextKey") {
                default_present = Some(std::mem::replace(v, Value::Null));
            } else if eq_ignore_case(name, "EnvironmentTable") {
                if let Value::Object(envs) = std::mem::replace(v, Value::Null) {
                    for (k, e) in envs {
                        let env = match e {
                            Value::Object(o) => {
                                Environment::from_object(o).map_err(|err| err.within_key(&k))
                            }
                            other => Err(Invalid::new(format!(
                                "expected an environment object in 'EnvironmentTable', found {}",
                                other.type_name()
                            ))
                            .within_key(&k)),
                        }
                        .map_err(|err| err.within_key(name))?;
                        if p.custom_envs.iter().any(|(n, _)| eq_ignore_case(n, &k)) {
                            return Err(Invalid::new(
                                "two environments whose names differ only in case".to_owned(),
                            )
                            .within_key(&k)
                            .within_key(name));
                        }
                        p.custom_envs.push((k, env));
                    }
                }
            } else if eq_ignore_case(name, "Contexts") {
                let list = match (contexts.take(), std::mem::replace(v, Value::Null)) {
                    (Some(list), _) => list,
                    (None, Value::Object(ctxs)) => ctxs
                        .into_iter()
                        .map(|(key, value)| ReadContext {
                            key,
                            value,
                            env_of: None,
                        })
                        .collect(),
                    (None, _) => Vec::new(),
                };
                {
                    p.contexts.reserve(list.len());
                    for ReadContext {
                        key: k,
                        value: c,
                        env_of,
                    } in list
                    {
                        let wrap = |e: Invalid| e.within_key(&k).within_key(name);
                        if let Err(Error::InvalidName { reason, .. }) =
                            validate_stored_name(&k, ObjectKind::Context)
                        {
                            return Err(wrap(Invalid::new(format!(
                                "invalid context name: {reason}"
                            ))));
                        }
                        let ctx = match c {
                            Value::Object(o) => {
                                let mut ctx = Context::from_object(o).map_err(wrap)?;
                                if let Some(first) = env_of {
                                    let env = p.contexts[first].ctx.environment_shared().cloned();
                                    ctx.set_environment_shared(env);
                                }
                                ctx
                            }
                            Value::Null => Context::new_empty(),
                            other => {
                                return Err(wrap(Invalid::new(format!(
                                    "expected a context object in 'Contexts', found {}",
                                    other.type_name()
                                ))))
                            }
                        };
                        let folded = fold_case(&k);
                        if p.index.contains_key(&folded) {
                            return Err(wrap(Invalid::new(
                                "two contexts whose names differ only in case; Az cannot tell them apart".to_owned(),
                            )));
                        }
                        p.index.insert(folded, p.contexts.len());
                        p.contexts.push(Slot::new(k, ctx));
                    }
                }
            }
        }
        // As Az loads it: absent -> "Default"; explicit null -> null if contexts exist, else "Default".
        p.default_key = match default_present {
            None => Some(DEFAULT_KEY.to_owned()),
            Some(Value::String(s)) => Some(s),
            Some(_) if p.contexts.is_empty() => Some(DEFAULT_KEY.to_owned()),
            Some(_) => None,
        };
        p.root = root;
        Ok(p)
    }

    /// `AzureRmContext.json` as autosave writes it ([`WriteOptions::autosave`]): UTF-8 BOM, Newtonsoft
    /// indented text, no trailing newline.
    pub fn to_az_bytes(&self) -> Vec<u8> {
        self.to_az_bytes_with(&WriteOptions::autosave())
    }

    /// The file bytes with explicit options (BOM + indented text).
    pub fn to_az_bytes_with(&self, opts: &WriteOptions) -> Vec<u8> {
        let text = self.to_text(opts, true);
        let mut out = Vec::with_capacity(text.len() + 3);
        out.extend_from_slice(b"\xEF\xBB\xBF");
        out.extend_from_slice(text.as_bytes());
        out
    }

    /// The profile's JSON text without BOM (`pretty`: indented, else compact).
    pub fn to_text(&self, opts: &WriteOptions, pretty: bool) -> String {
        let dropped = |k: &str, c: &Context| {
            !opts.keep_default_placeholder && eq_ignore_case(k, DEFAULT_KEY) && c.is_empty()
        };
        let default_key: Option<&str> = match self.default_key.as_deref() {
            Some(k) if self.get(k).is_some_and(|(sk, c)| dropped(sk, c)) => Some(
                self.contexts
                    .iter()
                    .filter(|s| !dropped(&s.key, &s.ctx))
                    .map(|s| s.key.as_str())
                    .min()
                    .unwrap_or(DEFAULT_KEY),
            ),
            // No default and no context written: Az's class default, as its empty profile has it.
            None if self.contexts.iter().all(|s| dropped(&s.key, &s.ctx)) => Some(DEFAULT_KEY),
            other => other,
        };
        let mut w = Writer::with_capacity(pretty, 4096 + self.contexts.len() * 3000);
        w.begin_object();
        for (name, v) in self.root.iter() {
            w.member(name);
            if eq_ignore_case(name, "DefaultContextKey") {
                w.opt_string(default_key);
            } else if eq_ignore_case(name, "EnvironmentTable") {
                w.begin_object();
                for (k, e) in &self.custom_envs {
                    if !is_public_name(k) {
                        w.member(k);
                        w.value(e.as_object());
                    }
                }
                w.end_object();
            } else if eq_ignore_case(name, "Contexts") {
                w.begin_object();
                for slot in &self.contexts {
                    let (k, c) = (&slot.key, &*slot.ctx);
                    if !dropped(k, c) {
                        w.member(k);
                        if pretty && *opts == WriteOptions::autosave() {
                            // Every autosave writes all contexts; most did not change since the last
                            // one, so each keeps its text (dropped whenever it is changed).
                            let depth = w.depth();
                            let text = slot.text.get_or_init(|| {
                                let mut sub = Writer::nested(pretty, depth);
                                c.write(&mut sub, opts);
                                Arc::from(sub.finish())
                            });
                            w.raw(text);
                        } else {
                            c.write(&mut w, opts);
                        }
                    }
                }
                w.end_object();
            } else {
                w.value(v);
            }
        }
        w.end_object();
        w.finish()
    }

    // ----- contexts -------------------------------------------------------------------------

    fn pos(&self, name: &str) -> Option<usize> {
        self.index.get(&fold_case(name)).copied()
    }
    fn ensure_root(&mut self, member: &str) {
        if !self.root.contains_key_ci(member) {
            insert_ordered(&mut self.root, member, Value::Null, ROOT_ORDER);
        }
    }
    fn set_default_key(&mut self, key: Option<String>) {
        if key.as_deref() != Some(DEFAULT_KEY) || self.root.contains_key_ci("DefaultContextKey") {
            self.ensure_root("DefaultContextKey");
        }
        self.default_key = key;
    }
    fn push_context(&mut self, key: String, ctx: Context) -> usize {
        self.ensure_root("Contexts");
        let i = self.contexts.len();
        self.index.insert(fold_case(&key), i);
        self.contexts.push(Slot::new(key, ctx));
        i
    }
    fn remove_at(&mut self, i: usize) -> (String, Context) {
        let slot = self.contexts.remove(i);
        self.index.remove(&fold_case(&slot.key));
        for (j, s) in self.contexts.iter().enumerate().skip(i) {
            self.index.insert(fold_case(&s.key), j);
        }
        (
            slot.key,
            Arc::try_unwrap(slot.ctx).unwrap_or_else(|shared| (*shared).clone()),
        )
    }
    /// The only way to change a stored context: unshares it and drops its cached text.
    fn ctx_mut(&mut self, i: usize) -> &mut Context {
        self.contexts[i].ctx_mut()
    }
    /// Stores `ctx` under `key` (replacing a context with that name, which keeps its position and
    /// the stored case of its name). Returns the stored key.
    fn put(&mut self, key: &str, ctx: Context) -> String {
        match self.pos(key) {
            Some(i) => {
                self.contexts[i].replace(ctx);
                self.contexts[i].key.clone()
            }
            None => {
                self.push_context(key.to_owned(), ctx);
                key.to_owned()
            }
        }
    }

    pub fn len(&self) -> usize {
        self.contexts.len()
    }
    pub fn is_empty(&self) -> bool {
        self.contexts.is_empty()
    }
    /// Contexts in stored order, with their keys.
    /// The contexts with their shared handles (cheap to keep: no copy of the context).
    pub fn contexts_shared(&self) -> impl Iterator<Item = (&str, &Arc<Context>)> {
        self.contexts.iter().map(|s| (s.key.as_str(), &s.ctx))
    }
    /// [`Profile::get`] with the context's shared handle.
    pub fn get_shared(&self, name: &str) -> Option<(&str, &Arc<Context>)> {
        self.pos(name)
            .map(|i| (self.contexts[i].key.as_str(), &self.contexts[i].ctx))
    }
    pub fn contexts(&self) -> impl Iterator<Item = (&str, &Context)> {
        self.contexts.iter().map(|s| (s.key.as_str(), &*s.ctx))
    }
    /// A context by name, ignoring case; returns the stored key too.
    pub fn get(&self, name: &str) -> Option<(&str, &Context)> {
        self.pos(name)
            .map(|i| (self.contexts[i].key.as_str(), &*self.contexts[i].ctx))
    }
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Context> {
        self.pos(name).map(move |i| self.ctx_mut(i))
    }
    pub fn contains(&self, name: &str) -> bool {
        self.pos(name).is_some()
    }
    /// The stored default key (`None` when the file said `null` and contexts exist).
    pub fn default_key(&self) -> Option<&str> {
        self.default_key.as_deref()
    }
    /// Makes `key` the default when it names a stored context (a caller restoring the stored default
    /// after an operation that would have moved it); otherwise nothing changes.
    pub fn keep_default(&mut self, key: &str) {
        if let Some(k) = self.get(key).map(|(k, _)| k.to_owned()) {
            self.set_default_key(Some(k));
        }
    }
    /// Makes `current` the default: its stored context when the name is stored (its stored case),
    /// else the context given, stored under its name; `None`: no default at all (a view for a caller
    /// that has no current context).
    pub fn set_current(&mut self, current: Option<(&str, &Arc<Context>)>) {
        let Some((name, ctx)) = current else {
            self.default_key = None;
            return;
        };
        let key = match self.get(name) {
            Some((k, _)) => k.to_owned(),
            None => {
                let i = self.push_context(name.to_owned(), Context::new_empty());
                self.contexts[i].ctx = Arc::clone(ctx);
                name.to_owned()
            }
        };
        self.set_default_key(Some(key));
    }
    /// Whether `name` is the default context (ignoring case).
    pub fn is_default(&self, name: &str) -> bool {
        self.default_key
            .as_deref()
            .is_some_and(|d| eq_ignore_case(d, name))
    }

    /// The key the default resolves to (Az's rule, made deterministic: Az takes the first key in
    /// hash order): when the key is `Default`
    /// (ordinal) and another context exists, the ordinal-first key other than `Default`.
    fn resolved_default_key(&self) -> Option<&str> {
        let key = self.default_key.as_deref()?;
        if key == DEFAULT_KEY && self.contexts.iter().any(|s| s.key != DEFAULT_KEY) {
            return self
                .contexts
                .iter()
                .map(|s| s.key.as_str())
                .filter(|k| *k != DEFAULT_KEY)
                .min();
        }
        Some(key)
    }

    /// The default context, as Az resolves it on every access.
    /// `Err(LoginRequired(DEFAULT_CONTEXT_LOST))` when the key is `null`; `Ok(None)` when the key names
    /// no context. The empty placeholder is returned as is (callers treat an empty context as "not
    /// logged in").
    pub fn resolve_default(&self) -> crate::Result<Option<(&str, &Context)>> {
        if self.default_key.is_none() {
            return Err(Error::LoginRequired(DEFAULT_CONTEXT_LOST.to_owned()));
        }
        Ok(self.resolved_default_key().and_then(|k| self.get(k)))
    }

    /// The default context, lenient: `None` for a null key, a missing context or the placeholder.
    pub fn default_context(&self) -> Option<(&str, &Context)> {
        self.resolve_default()
            .ok()
            .flatten()
            .filter(|(_, c)| !c.is_empty())
    }

    /// Applies Az's first default-resolution step to the stored state: when the key is `Default` and
    /// other contexts exist, an *empty* `Default` entry is removed and the key moves to the
    /// ordinal-first remaining key. (A real context stored under `Default` is kept; it just stops being
    /// the default.)
    pub fn repair_default(&mut self) {
        if self.default_key.as_deref() == Some(DEFAULT_KEY) {
            if let Some(k) = self.resolved_default_key().map(str::to_owned) {
                if k != DEFAULT_KEY {
                    if let Some(i) = self
                        .contexts
                        .iter()
                        .position(|s| s.key == DEFAULT_KEY && s.ctx.is_empty())
                    {
                        self.remove_at(i);
                    }
                    self.set_default_key(Some(k));
                }
            }
        }
    }

    /// Get-AzContext -ListAvailable: non-empty contexts sorted by Tenant.Id then Subscription.Name
    /// (ordinal ignoring case; null sorts first), ties in stored order.
    pub fn list_available(&self) -> Vec<(&str, &Context)> {
        let mut v: Vec<(&str, &Context)> = self.contexts().filter(|(_, c)| !c.is_empty()).collect();
        v.sort_by(|(_, a), (_, b)| {
            let ta = a.tenant().and_then(|t| t.id()).unwrap_or("");
            let tb = b.tenant().and_then(|t| t.id()).unwrap_or("");
            let sa = a.subscription().and_then(|s| s.name()).unwrap_or("");
            let sb = b.subscription().and_then(|s| s.name()).unwrap_or("");
            cmp_ignore_case(ta, tb).then_with(|| cmp_ignore_case(sa, sb))
        });
        v
    }

    /// Key of the first context (stored order) with the same identity as `ctx`.
    pub fn find_identity(&self, ctx: &Context) -> Option<&str> {
        self.contexts
            .iter()
            .find(|s| s.ctx.same_identity(ctx))
            .map(|s| s.key.as_str())
    }

    /// Az's `TryAddContext`: reuse the key of a context with the same identity (merging `ctx` into
    /// it), else store under the generated key ([`Context::generated_key`]). The default is unchanged.
    /// Returns the key.
    pub fn add_context(&mut self, ctx: Context) -> String {
        if let Some(k) = self.find_identity(&ctx).map(str::to_owned) {
            let i = self.pos(&k).expect("indexed");
            self.ctx_mut(i).merge_from(&ctx);
            return k;
        }
        self.put_generated(ctx)
    }

    /// Stores `ctx` under Az's generated key ([`Context::generated_key`]), replacing what that key
    /// held; no identity lookup (callers that add many contexts keep their own identity index).
    /// Returns the key.
    pub fn put_generated(&mut self, ctx: Context) -> String {
        let key = ctx.generated_key();
        self.put(&key, ctx)
    }

    /// Merges `ctx` into the context stored under `key` ([`Context::merge_from`]); a missing key is a
    /// no-op.
    pub fn merge_into(&mut self, key: &str, ctx: &Context) {
        if let Some(i) = self.pos(key) {
            self.ctx_mut(i).merge_from(ctx);
        }
    }

    /// Set-AzContext -Context (create or update) and Connect-AzAccount's context step.
    ///
    /// Only the input's Account, Tenant, Subscription and Environment are used (Az does not copy its
    /// ExtendedProperties or TokenCache). Without `name`: the identity's existing key is reused and
    /// merged, or a generated key is added. With `name` (validated; `Default` is reserved): a copy of
    /// the same-identity context, if any, is merged with the input and stored under `name`, replacing
    /// what was there (the caller prompts first; see [`Profile::contains`]). Then each `ext` entry is
    /// set on the context, and it becomes the default. Returns its key.
    pub fn set_context(
        &mut self,
        input: &Context,
        name: Option<&str>,
        ext: &[(&str, &str)],
    ) -> crate::Result<String> {
        let mut fresh = Context::from_parts(
            input.account().cloned(),
            input.tenant().cloned(),
            input.subscription().cloned(),
            None,
        );
        fresh.set_environment_shared(input.environment_shared().cloned());
        let key = match name {
            None => self.add_context(fresh),
            Some(n) => {
                validate_user_context_name(n)?;
                let merged = match self.find_identity(&fresh) {
                    Some(k) => {
                        let mut copy = self.get(k).expect("found").1.clone();
                        copy.merge_from(&fresh);
                        copy
                    }
                    None => fresh,
                };
                self.put(n, merged)
            }
        };
        if let Some(c) = self.get_mut(&key) {
            for (k, v) in ext {
                c.set_ext(k, v);
            }
        }
        self.set_default_key(Some(key.clone()));
        self.repair_default();
        Ok(key)
    }

    /// Stores `ctx` under a user-chosen `name` as is (no identity merge), without changing the default.
    pub fn insert_named(&mut self, name: &str, ctx: Context) -> crate::Result<String> {
        validate_user_context_name(name)?;
        Ok(self.put(name, ctx))
    }

    /// Select-AzContext: makes `name` the default. Returns the stored key.
    pub fn select(&mut self, name: &str) -> crate::Result<String> {
        let key = self
            .get(name)
            .map(|(k, _)| k.to_owned())
            .ok_or_else(|| Error::context_not_found(name))?;
        self.set_default_key(Some(key.clone()));
        Ok(key)
    }

    /// Rename-AzContext. Same name ignoring case: no change, `Ok(Some(key))`. Missing source:
    /// `Ok(None)`. An existing target without `force`: `AlreadyExists`; with `force` it is replaced.
    /// The renamed context keeps the source's position; if the source or the replaced target was the
    /// default, the default becomes the target. Returns the new key.
    pub fn rename(&mut self, src: &str, tgt: &str, force: bool) -> crate::Result<Option<String>> {
        let Some(si) = self.pos(src) else {
            return Ok(None);
        };
        if eq_ignore_case(src, tgt) {
            return Ok(Some(self.contexts[si].key.clone()));
        }
        validate_user_context_name(tgt)?;
        let src_key = self.contexts[si].key.clone();
        let mut becomes_default = self.is_default(&src_key);
        if let Some(ti) = self.pos(tgt) {
            if !force {
                return Err(Error::AlreadyExists {
                    kind: ObjectKind::Context,
                    name: tgt.to_owned(),
                    message: format!("Overwrite context '{tgt}' with context '{src_key}'"),
                });
            }
            becomes_default |= self.is_default(&self.contexts[ti].key.clone());
            self.remove_at(ti);
        }
        let si = self.pos(&src_key).expect("still there");
        self.index.remove(&fold_case(&src_key));
        self.index.insert(fold_case(tgt), si);
        self.contexts[si].key = tgt.to_owned();
        if becomes_default {
            self.set_default_key(Some(tgt.to_owned()));
        }
        Ok(Some(tgt.to_owned()))
    }

    /// Remove-AzContext. Missing: `Ok(None)`. The default (ignoring case) only with `force`, else an
    /// `InvalidArgument` carrying Az's prompt text (the cmdlet asks first, see [`Profile::is_default`]).
    /// When the default goes, the new default is the ordinal-first remaining key, or `Default` when
    /// none remain (Az: hash order). Returns the removed key and context.
    pub fn remove(&mut self, name: &str, force: bool) -> crate::Result<Option<(String, Context)>> {
        let Some(i) = self.pos(name) else {
            return Ok(None);
        };
        let was_default = self.is_default(&self.contexts[i].key);
        if was_default && !force {
            return Err(Error::InvalidArgument(format!(
                "'{}' is the default context used for communicating with Azure.  Are you sure you want to remove the default context?",
                self.contexts[i].key
            )));
        }
        let removed = self.remove_at(i);
        if was_default {
            let next = self
                .contexts
                .iter()
                .map(|s| s.key.as_str())
                .min()
                .unwrap_or(DEFAULT_KEY)
                .to_owned();
            self.set_default_key(Some(next));
        }
        Ok(Some(removed))
    }

    /// Removes every context whose account Id equals `account_id` ignoring case (Disconnect-AzAccount).
    /// The default moves as in [`Profile::remove`]. Returns the removed keys.
    pub fn remove_account(&mut self, account_id: &str) -> Vec<String> {
        let keys: Vec<String> = self
            .contexts
            .iter()
            .filter(|s| {
                s.ctx
                    .account()
                    .and_then(|a| a.id())
                    .is_some_and(|id| eq_ignore_case(id, account_id))
            })
            .map(|s| s.key.clone())
            .collect();
        for k in &keys {
            let _ = self.remove(k, true);
        }
        keys
    }

    /// Clear-AzContext: no contexts but the empty placeholder under `Default`, which is the
    /// default. Environments are kept. Written, this is exactly `empty-profile.json` (plus custom
    /// environments).
    pub fn clear(&mut self) {
        self.contexts.clear();
        self.index.clear();
        self.push_context(DEFAULT_KEY.to_owned(), Context::new_empty());
        self.set_default_key(Some(DEFAULT_KEY.to_owned()));
    }

    /// Import-AzContext: custom environments merged; each non-empty context of `other` stored
    /// under the file's key, merged by identity; the default becomes the file's default key when it
    /// names a non-empty context now present. Returns the imported keys.
    pub fn merge_import(&mut self, other: &Profile) -> Vec<String> {
        for (_, env) in &other.custom_envs {
            if env.name().is_some_and(|n| !is_public_name(n)) {
                let _ = self.upsert_environment(env.clone(), false);
            }
        }
        // Identity → the first stored key with it (what find_identity would scan for), kept up to date
        // as contexts are stored: importing 10,000 contexts is then linear, not quadratic.
        let mut by_identity: HashMap<IdentityKey, String> =
            HashMap::with_capacity(self.len() + other.len());
        for (k, c) in self.contexts() {
            by_identity
                .entry(c.identity_key())
                .or_insert_with(|| k.to_owned());
        }
        let mut keys = Vec::new();
        for (k, c) in other.contexts() {
            if c.is_empty() {
                continue;
            }
            let identity = c.identity_key();
            let merged = match by_identity.get(&identity) {
                Some(existing) => {
                    let mut copy = self.get(existing).expect("indexed").1.clone();
                    copy.merge_from(c);
                    copy
                }
                None => c.clone(),
            };
            // Storing under `k` may replace a context of another identity: that identity then maps to
            // its next holder in stored order, if any.
            if let Some((_, old)) = self.get(k) {
                let old_identity = old.identity_key();
                if old_identity != identity
                    && by_identity
                        .get(&old_identity)
                        .is_some_and(|held| eq_ignore_case(held, k))
                {
                    by_identity.remove(&old_identity);
                    if let Some(next) = self
                        .contexts()
                        .find(|(ok, oc)| {
                            !eq_ignore_case(ok, k) && oc.identity_key() == old_identity
                        })
                        .map(|(ok, _)| ok.to_owned())
                    {
                        by_identity.insert(old_identity, next);
                    }
                }
            }
            let stored = self.put(k, merged);
            by_identity
                .entry(identity)
                .or_insert_with(|| stored.clone());
            keys.push(stored);
        }
        if let Some(dk) = other.resolved_default_key() {
            if let Some(key) = self
                .get(dk)
                .filter(|(_, c)| !c.is_empty())
                .map(|(k, _)| k.to_owned())
            {
                self.set_default_key(Some(key));
            }
        }
        self.repair_default();
        keys
    }

    /// A profile holding only context `name` (its default) plus the custom environments, for
    /// Save-AzContext of one context. Secrets are removed unless `with_secrets`.
    pub fn export_context(&self, name: &str, with_secrets: bool) -> Option<Profile> {
        let (k, c) = self.get(name)?;
        let mut p = Profile::new();
        p.custom_envs = self.custom_envs.clone();
        let c = if with_secrets {
            c.clone()
        } else {
            c.without_secrets()
        };
        p.push_context(k.to_owned(), c);
        p.default_key = Some(k.to_owned());
        Some(p)
    }

    /// A copy of the whole profile without secrets (see [`SECRET_PROPERTIES`]; CacheData null).
    pub fn without_secrets(&self) -> Profile {
        let mut p = self.clone();
        for slot in p.contexts.iter_mut() {
            let stripped = slot.ctx.without_secrets();
            slot.replace(stripped);
        }
        p
    }

    // ----- environments ----------------------------------------------------------------------

    /// An environment by name (ignoring case): a file entry first, then the public ones.
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.custom_envs
            .iter()
            .find(|(k, _)| eq_ignore_case(k, name))
            .map(|(_, e)| e)
            .or_else(|| {
                self.public_envs
                    .iter()
                    .find(|e| e.name().is_some_and(|n| eq_ignore_case(n, name)))
            })
    }

    /// Every environment: the public ones (unless overridden by the file), then the file's.
    pub fn environments(&self) -> Vec<&Environment> {
        let mut v: Vec<&Environment> = self
            .public_envs
            .iter()
            .filter(|e| {
                !self
                    .custom_envs
                    .iter()
                    .any(|(k, _)| e.name().is_some_and(|n| eq_ignore_case(k, n)))
            })
            .collect();
        v.extend(self.custom_envs.iter().map(|(_, e)| e));
        v
    }

    /// Add-AzEnvironment / Set-AzEnvironment: merges `env` into the existing custom one (non-null
    /// members win), or adds it as Az's `new AzureEnvironment` does: every member in Az's order,
    /// `Type` `User-defined`, then the given members, so a cmdlet may pass only the endpoints it was
    /// given. Every context whose `Environment.Name` equals the name (ordinal) gets the merged copy.
    /// Public names: `ReadOnly` with Az's message. Returns the stored environment.
    pub fn set_environment(&mut self, env: Environment) -> crate::Result<&Environment> {
        self.upsert_environment(env, true)
    }

    /// `set_environment`; a new entry is completed to Az's full member set when `complete_new`
    /// (Import-AzContext stores file entries as they are).
    fn upsert_environment(
        &mut self,
        env: Environment,
        complete_new: bool,
    ) -> crate::Result<&Environment> {
        let name = env
            .name()
            .map(str::to_owned)
            .ok_or_else(|| Error::InvalidArgument("an environment needs a name".to_owned()))?;
        validate_stored_name(&name, ObjectKind::Environment)?;
        if is_public_name(&name) {
            return Err(Error::ReadOnly {
                name,
                message: "Changing public environment is not supported.".to_owned(),
            });
        }
        let i = match self
            .custom_envs
            .iter()
            .position(|(k, _)| eq_ignore_case(k, &name))
        {
            Some(i) => {
                // The stored name keeps its case (Az's table key does), whatever case was asked.
                let stored = self.custom_envs[i].1.name().map(str::to_owned);
                self.custom_envs[i].1.merge_from(&env);
                if let Some(n) = stored {
                    let _ = self.custom_envs[i].1.set_str("Name", Some(&n));
                }
                i
            }
            None => {
                self.ensure_root("EnvironmentTable");
                let env = if complete_new {
                    let mut full = Environment::new(&name);
                    full.merge_from(&env);
                    full
                } else {
                    env
                };
                self.custom_envs.push((name.clone(), env));
                self.custom_envs.len() - 1
            }
        };
        let merged = Arc::new(self.custom_envs[i].1.clone());
        for slot in self.contexts.iter_mut() {
            // Only contexts that use the environment are unshared and lose their cached text.
            if slot
                .ctx
                .environment()
                .is_some_and(|e| e.name() == merged.name())
            {
                slot.ctx_mut().update_environment(&merged);
            }
        }
        Ok(&self.custom_envs[i].1)
    }

    /// Remove-AzEnvironment: public names give `ReadOnly`, unknown ones `NotFound` (Az's messages).
    pub fn remove_environment(&mut self, name: &str) -> crate::Result<Environment> {
        if is_public_name(name) {
            return Err(Error::ReadOnly {
                name: name.to_owned(),
                message: "Removing public environment is not supported.".to_owned(),
            });
        }
        match self
            .custom_envs
            .iter()
            .position(|(k, _)| eq_ignore_case(k, name))
        {
            Some(i) => Ok(self.custom_envs.remove(i).1),
            None => Err(Error::environment_not_found(name)),
        }
    }

    /// The root `ExtendedProperties` map entries.
    pub fn ext(&self, key: &str) -> Option<&str> {
        super::map_get(&self.root, "ExtendedProperties", key)
    }
}

/// One stored context: its key, the context (shared copy-on-write), and its text as the last autosave
/// wrote it, kept until the context changes.
#[derive(Debug, Clone)]
struct Slot {
    key: String,
    ctx: Arc<Context>,
    text: TextCache,
}

impl Slot {
    fn new(key: String, ctx: Context) -> Slot {
        Slot {
            key,
            ctx: Arc::new(ctx),
            text: TextCache::default(),
        }
    }
    fn ctx_mut(&mut self) -> &mut Context {
        self.text = TextCache::default();
        Arc::make_mut(&mut self.ctx)
    }
    fn replace(&mut self, ctx: Context) {
        self.text = TextCache::default();
        self.ctx = Arc::new(ctx);
    }
}

impl PartialEq for Slot {
    fn eq(&self, other: &Slot) -> bool {
        self.key == other.key && self.ctx == other.ctx
    }
}

/// A context's serialized text: a cache, so it never takes part in equality.
#[derive(Clone, Default)]
struct TextCache(std::sync::OnceLock<Arc<str>>);

impl TextCache {
    fn get_or_init(&self, f: impl FnOnce() -> Arc<str>) -> &str {
        self.0.get_or_init(f)
    }
}

impl std::fmt::Debug for TextCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "TextCache(filled)"
        } else {
            "TextCache(empty)"
        })
    }
}
