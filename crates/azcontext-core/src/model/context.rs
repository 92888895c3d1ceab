//! `AzureContext`: account, tenant, subscription, environment, version profile, token cache, extensions.

use super::profile::{WriteOptions, SECRET_PROPERTIES, TOKEN_PROPERTIES};
use super::{
    check_members, map_get, map_iter, map_remove, map_set, merge_objects, set_member, Invalid, Ty,
};
use super::{Account, Environment, Subscription, Tenant, DEFAULT_KEY};
use std::sync::Arc;

use crate::error::FormatError;
use crate::jsonio::{self as json, Object, Value, Writer};
use crate::names::eq_ignore_case;

pub(crate) const CONTEXT_ORDER: &[&str] = &[
    "Account",
    "Tenant",
    "Subscription",
    "Environment",
    "VersionProfile",
    "TokenCache",
    "ExtendedProperties",
];
const CONTEXT_SPEC: &[(&str, Ty)] = &[
    ("Account", Ty::Obj),
    ("Tenant", Ty::Obj),
    ("Subscription", Ty::Obj),
    ("Environment", Ty::Obj),
    ("VersionProfile", Ty::Str),
    ("TokenCache", Ty::Obj),
    ("ExtendedProperties", Ty::StrMap),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Account,
    Tenant,
    Subscription,
    Environment,
}

fn slot_of(name: &str) -> Option<Slot> {
    let s = match name {
        "Account" => Slot::Account,
        "Tenant" => Slot::Tenant,
        "Subscription" => Slot::Subscription,
        "Environment" => Slot::Environment,
        _ if eq_ignore_case(name, "Account") => Slot::Account,
        _ if eq_ignore_case(name, "Tenant") => Slot::Tenant,
        _ if eq_ignore_case(name, "Subscription") => Slot::Subscription,
        _ if eq_ignore_case(name, "Environment") => Slot::Environment,
        _ => return None,
    };
    Some(s)
}

/// A context. Its typed members are `None` when absent or null in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// The context's JSON object; typed members are `null` placeholders here.
    obj: Object,
    account: Option<Account>,
    tenant: Option<Tenant>,
    subscription: Option<Subscription>,
    /// Shared: the contexts of a profile mostly use one environment, which is then held once (see
    /// [`Profile`](super::Profile)'s loading), and changing it in one context copies it first.
    environment: Option<Arc<Environment>>,
}

/// Account Id, tenant Id and subscription Id, case-folded; `None` for a missing member and
/// `Some(None)` for a member without an Id (see [`Context::same_identity`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentityKey(
    Option<Option<String>>,
    Option<Option<String>>,
    Option<Option<String>>,
);

/// A context handed in or out as a standalone JSON record (the C ABI's shape): its Az object plus the
/// optional `Name` member of the PowerShell model.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextRecord {
    pub name: Option<String>,
    pub context: Context,
}

impl Default for Context {
    fn default() -> Context {
        Context::new_empty()
    }
}

impl Context {
    /// The empty placeholder context (all members null), in Az's member order.
    pub fn new_empty() -> Context {
        let mut obj = Object::with_capacity(7);
        for k in CONTEXT_ORDER {
            let v = match *k {
                "TokenCache" => {
                    let mut tc = Object::with_capacity(1);
                    tc.push("CacheData", Value::Null);
                    Value::Object(tc)
                }
                "ExtendedProperties" => Value::Object(Object::new()),
                _ => Value::Null,
            };
            obj.push(*k, v);
        }
        Context {
            obj,
            account: None,
            tenant: None,
            subscription: None,
            environment: None,
        }
    }

    /// A new context from its parts (e.g. for `Connect-AzAccount -AccessToken`, or Set-AzContext,
    /// which copies only these four members of its input).
    pub fn from_parts(
        account: Option<Account>,
        tenant: Option<Tenant>,
        subscription: Option<Subscription>,
        environment: Option<Environment>,
    ) -> Context {
        Context {
            account,
            tenant,
            subscription,
            environment: environment.map(Arc::new),
            ..Context::new_empty()
        }
    }

    /// Builds the context of an access-token login (`Connect-AzAccount -AccessToken`): account type
    /// `AccessToken` with the tokens in its extended properties, tenant `{Id}`, subscription
    /// `{Id, Name, State}` with the `Tenants`/`Account` extended properties, and the given environment.
    #[allow(clippy::too_many_arguments)]
    pub fn for_access_token(
        account_id: &str,
        access_token: &str,
        extra_tokens: &[(&str, &str)],
        tenant_id: &str,
        subscription_id: &str,
        subscription_name: Option<&str>,
        subscription_state: Option<&str>,
        environment: Option<Environment>,
    ) -> Context {
        let mut account = Account::new(account_id, "AccessToken");
        account.set_ext("AccessToken", access_token);
        for (k, v) in extra_tokens {
            account.set_ext(k, v);
        }
        let tenant = Tenant::new(tenant_id);
        let mut sub = Subscription::new(subscription_id, subscription_name, subscription_state);
        sub.set_ext("Tenants", tenant_id);
        sub.set_ext("Account", account_id);
        Context::from_parts(Some(account), Some(tenant), Some(sub), environment)
    }

    /// The JSON object of an empty context (for building legacy conversions).
    pub(crate) fn to_object_for_legacy(&self) -> Object {
        self.obj.clone()
    }

    pub(crate) fn from_object(mut obj: Object) -> Result<Context, Invalid> {
        check_members(&obj, CONTEXT_SPEC, "Context")?;
        let mut ctx = Context {
            obj: Object::new(),
            account: None,
            tenant: None,
            subscription: None,
            environment: None,
        };
        for (name, v) in obj.iter_mut() {
            let Some(slot) = slot_of(name) else { continue };
            let Value::Object(o) = std::mem::replace(v, Value::Null) else {
                continue;
            };
            let r = match slot {
                Slot::Account => Account::from_object(o).map(|a| ctx.account = Some(a)),
                Slot::Tenant => Tenant::from_object(o).map(|t| ctx.tenant = Some(t)),
                Slot::Subscription => {
                    Subscription::from_object(o).map(|s| ctx.subscription = Some(s))
                }
                Slot::Environment => {
                    Environment::from_object(o).map(|e| ctx.environment = Some(Arc::new(e)))
                }
            };
            r.map_err(|e| e.within_key(name))?;
        }
        if let Some(Value::Object(tc)) = obj.get_ci("TokenCache") {
            check_members(tc, &[("CacheData", Ty::Str)], "TokenCache")
                .map_err(|e| e.within_key("TokenCache"))?;
        }
        ctx.obj = obj;
        Ok(ctx)
    }

    /// Reads a context record: a JSON object in Az's context shape. A top-level `Name` member (the
    /// PowerShell model's) is taken out and returned; other PS-model extras (`SubscriptionId`,
    /// `TenantId`, `Tenants`, …) are accepted and kept as unknown members.
    pub fn from_json_record(bytes: &[u8], source_name: &str) -> Result<ContextRecord, FormatError> {
        let v = json::parse(bytes, source_name)?;
        let Value::Object(mut obj) = v else {
            return Err(FormatError {
                source_name: source_name.to_owned(),
                line: 1,
                column: 1,
                message: format!("expected a context object, found {}", v.type_name()),
            });
        };
        let name = match obj.remove_ci("Name") {
            None | Some((_, Value::Null)) => None,
            Some((_, Value::String(s))) => Some(s),
            Some((_, other)) => {
                let (line, column) =
                    json::locate(bytes, false, &[json::PathSeg::Key("Name".into())])
                        .unwrap_or((0, 0));
                return Err(FormatError {
                    source_name: source_name.to_owned(),
                    line,
                    column,
                    message: format!(
                        "expected a string or null for 'Name', found {}",
                        other.type_name()
                    ),
                });
            }
        };
        let context = Context::from_object(obj).map_err(|e| e.locate(bytes, false, source_name))?;
        Ok(ContextRecord { name, context })
    }

    /// The context as its Az JSON object text (CacheData and secrets kept), indented or compact.
    pub fn to_json(&self, pretty: bool) -> String {
        let mut w = Writer::new(pretty);
        self.write(&mut w, &WriteOptions::lossless());
        w.finish()
    }

    /// Like [`Context::to_json`], with a leading `"Name"` member (the record shape of the C ABI).
    pub fn to_json_record(&self, name: &str, pretty: bool, opts: &WriteOptions) -> String {
        let mut w = Writer::new(pretty);
        self.write_inner(&mut w, opts, Some(name));
        w.finish()
    }

    pub(crate) fn write(&self, w: &mut Writer, opts: &WriteOptions) {
        self.write_inner(w, opts, None)
    }

    fn write_inner(&self, w: &mut Writer, opts: &WriteOptions, name: Option<&str>) {
        w.begin_object();
        if let Some(n) = name {
            w.member("Name");
            w.string(n);
        }
        for (k, v) in self.obj.iter() {
            w.member(k);
            match slot_of(k) {
                Some(Slot::Account) => match &self.account {
                    Some(a) => write_account(w, a, opts),
                    None => w.null(),
                },
                Some(Slot::Tenant) => match &self.tenant {
                    Some(t) => write_tenant(w, t),
                    None => w.null(),
                },
                Some(Slot::Subscription) => match &self.subscription {
                    Some(s) => w.value(s.as_object()),
                    None => w.null(),
                },
                Some(Slot::Environment) => match &self.environment {
                    Some(e) => w.value(e.as_object()),
                    None => w.null(),
                },
                None if !opts.keep_cache_data && eq_ignore_case(k, "TokenCache") => match v {
                    Value::Object(tc) => {
                        w.begin_object();
                        for (tk, tv) in tc.iter() {
                            w.member(tk);
                            if eq_ignore_case(tk, "CacheData") {
                                w.null();
                            } else {
                                w.value(tv);
                            }
                        }
                        w.end_object();
                    }
                    other => w.value(other),
                },
                None => w.value(v),
            }
        }
        w.end_object();
    }

    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }
    pub fn account_mut(&mut self) -> Option<&mut Account> {
        self.account.as_mut()
    }
    pub fn tenant(&self) -> Option<&Tenant> {
        self.tenant.as_ref()
    }
    pub fn tenant_mut(&mut self) -> Option<&mut Tenant> {
        self.tenant.as_mut()
    }
    pub fn subscription(&self) -> Option<&Subscription> {
        self.subscription.as_ref()
    }
    pub fn subscription_mut(&mut self) -> Option<&mut Subscription> {
        self.subscription.as_mut()
    }
    pub fn environment(&self) -> Option<&Environment> {
        self.environment.as_deref()
    }
    /// The environment's shared handle.
    pub(crate) fn environment_shared(&self) -> Option<&Arc<Environment>> {
        self.environment.as_ref()
    }
    /// Sets the environment to a shared one (no copy).
    pub(crate) fn set_environment_shared(&mut self, e: Option<Arc<Environment>>) {
        self.ensure_member("Environment");
        self.environment = e;
    }
    fn ensure_member(&mut self, name: &str) {
        if !self.obj.contains_key_ci(name) {
            super::insert_ordered(&mut self.obj, name, Value::Null, CONTEXT_ORDER);
        }
    }
    pub fn set_subscription(&mut self, s: Option<Subscription>) {
        self.ensure_member("Subscription");
        self.subscription = s;
    }
    pub fn set_environment(&mut self, e: Option<Environment>) {
        self.set_environment_shared(e.map(Arc::new));
    }
    /// `TokenCache.CacheData` (base64 of the MSAL cache blob), if any.
    pub fn cache_data(&self) -> Option<&str> {
        map_get(&self.obj, "TokenCache", "CacheData")
    }
    pub fn set_cache_data(&mut self, data: Option<&str>) {
        if !matches!(self.obj.get_ci("TokenCache"), Some(Value::Object(_))) {
            set_member(
                &mut self.obj,
                "TokenCache",
                Value::Object(Object::new()),
                CONTEXT_ORDER,
            );
        }
        if let Some(Value::Object(tc)) = self.obj.get_ci_mut("TokenCache") {
            tc.insert_ci("CacheData", Value::from_opt_str(data));
        }
    }
    pub fn ext(&self, key: &str) -> Option<&str> {
        map_get(&self.obj, "ExtendedProperties", key)
    }
    pub fn set_ext(&mut self, key: &str, value: &str) {
        map_set(
            &mut self.obj,
            "ExtendedProperties",
            key,
            value,
            CONTEXT_ORDER,
        )
    }
    pub fn remove_ext(&mut self, key: &str) -> Option<String> {
        map_remove(&mut self.obj, "ExtendedProperties", key)
    }
    pub fn ext_entries(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        map_iter(&self.obj, "ExtendedProperties")
    }

    /// Empty: Account, Tenant, Subscription and Environment all null (Az's placeholder).
    pub fn is_empty(&self) -> bool {
        self.account.is_none()
            && self.tenant.is_none()
            && self.subscription.is_none()
            && self.environment.is_none()
    }

    /// The key Az generates for this context when no name is given:
    /// `{SubName} ({SubId}) - {TenantId} - {AccountId}` with subscription, tenant and account;
    /// `{SubName} ({SubId}) - {AccountId}` without a tenant; `{TenantId} - {AccountId}` without a
    /// subscription; else `Default`. A null member renders as empty text, so a nameless subscription gives a key that starts with a space.
    pub fn generated_key(&self) -> String {
        let a = self.account.as_ref().map(|a| a.id().unwrap_or(""));
        let t = self.tenant.as_ref().map(|t| t.id().unwrap_or(""));
        match (&self.subscription, t, a) {
            (Some(s), Some(t), Some(a)) => {
                format!(
                    "{} ({}) - {} - {}",
                    s.name().unwrap_or(""),
                    s.id().unwrap_or(""),
                    t,
                    a
                )
            }
            (Some(s), None, Some(a)) => format!(
                "{} ({}) - {}",
                s.name().unwrap_or(""),
                s.id().unwrap_or(""),
                a
            ),
            (None, Some(t), Some(a)) => format!("{t} - {a}"),
            _ => DEFAULT_KEY.to_owned(),
        }
    }

    /// Same identity (Az's rule for reusing a context's key): account Ids equal ignoring case (or both
    /// accounts null), tenant Ids equal (or both null), subscription Ids equal (or both null).
    /// AzContext compares the tenant and subscription Ids ignoring case as well: they are GUIDs, whose
    /// case carries no meaning. A value equal for two contexts exactly when [`Context::same_identity`]
    /// holds, for hashing.
    pub fn identity_key(&self) -> IdentityKey {
        fn part(v: Option<Option<&str>>) -> Option<Option<String>> {
            v.map(|x| x.map(crate::names::fold_case))
        }
        IdentityKey(
            part(self.account.as_ref().map(Account::id)),
            part(self.tenant.as_ref().map(Tenant::id)),
            part(self.subscription.as_ref().map(Subscription::id)),
        )
    }

    pub fn same_identity(&self, other: &Context) -> bool {
        fn eq(a: Option<Option<&str>>, b: Option<Option<&str>>) -> bool {
            match (a, b) {
                (None, None) => true,
                (Some(x), Some(y)) => match (x, y) {
                    (Some(x), Some(y)) => eq_ignore_case(x, y),
                    (None, None) => true,
                    _ => false,
                },
                _ => false,
            }
        }
        eq(
            self.account.as_ref().map(Account::id),
            other.account.as_ref().map(Account::id),
        ) && eq(
            self.tenant.as_ref().map(Tenant::id),
            other.tenant.as_ref().map(Tenant::id),
        ) && eq(
            self.subscription.as_ref().map(Subscription::id),
            other.subscription.as_ref().map(Subscription::id),
        )
    }

    /// Az's `Update` of a context (Az does not document its merge rules; these are AzContext's):
    /// non-null incoming members win, entity members are merged member by member, extended maps are
    /// unioned. The token cache is kept unless the incoming context has cache data.
    pub fn merge_from(&mut self, other: &Context) {
        fn merge<T: Clone>(dst: &mut Option<T>, src: &Option<T>, f: impl FnOnce(&mut T, &T)) {
            match (dst.as_mut(), src) {
                (Some(d), Some(s)) => f(d, s),
                (None, Some(s)) => *dst = Some(s.clone()),
                _ => {}
            }
        }
        let (a, t, s, e) = (
            &other.account,
            &other.tenant,
            &other.subscription,
            &other.environment,
        );
        if a.is_some() {
            self.ensure_member("Account");
        }
        if t.is_some() {
            self.ensure_member("Tenant");
        }
        if s.is_some() {
            self.ensure_member("Subscription");
        }
        if e.is_some() {
            self.ensure_member("Environment");
        }
        merge(&mut self.account, a, Account::merge_from);
        merge(&mut self.tenant, t, Tenant::merge_from);
        merge(&mut self.subscription, s, Subscription::merge_from);
        merge(&mut self.environment, e, |d, s| {
            // Contexts share their environment: an equal one leaves the shared copy as it is.
            if !Arc::ptr_eq(d, s) && **d != **s {
                Arc::make_mut(d).merge_from(s)
            }
        });
        let mut rest = other.obj.clone();
        rest.retain(|k, _| slot_of(k).is_none() && !eq_ignore_case(k, "TokenCache"));
        merge_objects(&mut self.obj, &rest, CONTEXT_ORDER);
        if let Some(data) = other.cache_data() {
            self.set_cache_data(Some(data));
        }
    }

    /// A copy without secrets: the account's token and secret extended properties removed and
    /// `CacheData` null.
    pub fn without_secrets(&self) -> Context {
        let mut c = self.clone();
        if let Some(a) = c.account.as_mut() {
            *a = a.without_secrets();
        }
        if c.cache_data().is_some() {
            c.set_cache_data(None);
        }
        c
    }

    /// Replaces the environment with `env` when its name equals this context's environment name
    /// (ordinal). Returns whether it did.
    pub(crate) fn update_environment(&mut self, env: &Arc<Environment>) -> bool {
        match (&self.environment, env.name()) {
            (Some(mine), Some(name)) if mine.name() == Some(name) => {
                self.environment = Some(Arc::clone(env));
                true
            }
            _ => false,
        }
    }
}

impl Account {
    /// A copy without the secret extended properties ([`SECRET_PROPERTIES`], ignoring case, every
    /// spelling of each).
    pub fn without_secrets(&self) -> Account {
        let mut a = self.clone();
        for k in SECRET_PROPERTIES {
            while a.remove_ext(k).is_some() {}
        }
        a
    }
}

fn write_account(w: &mut Writer, a: &Account, opts: &WriteOptions) {
    let dropped = |k: &str| {
        let token = TOKEN_PROPERTIES.iter().any(|s| eq_ignore_case(s, k));
        let secret = SECRET_PROPERTIES.iter().any(|s| eq_ignore_case(s, k));
        (token && !opts.keep_tokens) || (secret && !token && !opts.keep_secrets)
    };
    if !a.ext_entries().any(|(k, _)| dropped(k)) {
        w.value(a.as_object());
        return;
    }
    let mut copy = a.clone();
    for k in SECRET_PROPERTIES {
        if dropped(k) {
            copy.remove_ext(k);
        }
    }
    w.value(copy.as_object());
}

/// A tenant as the file holds it (`IsHome`, where present, computed as Az does), compact.
pub fn tenant_record(t: &Tenant) -> String {
    let mut w = Writer::new(false);
    write_tenant(&mut w, t);
    w.finish()
}

/// Writes a tenant; `IsHome`, where present, is computed as Az does.
fn write_tenant(w: &mut Writer, t: &Tenant) {
    if !t.has_is_home() {
        w.value(t.as_object());
        return;
    }
    w.begin_object();
    for (k, v) in t.as_object().iter() {
        w.member(k);
        if eq_ignore_case(k, "IsHome") {
            w.bool(t.is_home());
        } else {
            w.value(v);
        }
    }
    w.end_object();
}
