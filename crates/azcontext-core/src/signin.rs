//! The contexts a sign-in creates (Connect-AzAccount after MSAL, Get-AzContext
//! -RefreshContextFromTokenCache): the module signs in and lists tenants and subscriptions through
//! Azure Resource Manager; it hands the account and ARM's JSON here, and this module reduces them to
//! what Az stores, chooses the default context as Az does, and applies the population rules. The
//! result is one [`crate::store::Op::SignIn`], written in one locked read-modify-write.
//!
//! Population differs from Az on purpose: every subscription gets a context by default (Az stops at
//! 25), and the limits apply also when contexts already exist (Az then populates nothing).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::error::{Error, ObjectKind, Result};
use crate::model::{Account, Context, IdentityKey, Profile, Subscription, Tenant};
use crate::names::eq_ignore_case;

/// Account types a sign-in may produce. `AccessToken`: Connect-AzAccount -AccessToken without
/// -SkipValidation, whose token listed the subscriptions and is kept with the account, as Az keeps it.
const SIGNED_IN_TYPES: &[&str] = &[
    "User",
    "ServicePrincipal",
    "ManagedService",
    "ClientAssertion",
    "AccessToken",
];

/// Extended properties a sign-in never stores, beyond the model's secret names.
const SIGN_IN_SECRETS: &[&str] = &["MSILoginSecret", "ClientAssertion"];

/// How many contexts a sign-in creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    /// `-MaxContextPopulation -1` (AzContext's default): one per subscription.
    All,
    /// `-MaxContextPopulation N`: the default plus up to N-1 others (0 and 1: the default only).
    Limit(usize),
    /// `-SkipContextPopulation`.
    Skip,
}

impl Population {
    /// From `-MaxContextPopulation` and `-SkipContextPopulation`. Below -1 is refused.
    pub fn from_parameters(max: i64, skip: bool) -> Result<Population> {
        Ok(match (skip, max) {
            (true, _) => Population::Skip,
            (false, -1) => Population::All,
            (false, n) if n >= 0 => Population::Limit(usize::try_from(n).unwrap_or(usize::MAX)),
            (false, n) => {
                return Err(Error::InvalidArgument(format!(
                    "MaxContextPopulation must be -1 (all), 0 or more, not {n}"
                )))
            }
        })
    }

    /// How many contexts besides the default may be added.
    fn others(self) -> usize {
        match self {
            Population::All => usize::MAX,
            Population::Limit(n) => n.saturating_sub(1),
            Population::Skip => 0,
        }
    }
}

/// The signed-in account as the module reports it (never a secret).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignedInAccount {
    pub id: String,
    #[serde(rename = "Type")]
    pub account_type: String,
    /// `HomeAccountId`, `CertificateThumbprint`, … (secret-named entries are dropped).
    #[serde(default)]
    pub extended_properties: HashMap<String, String>,
}

/// A tenant as ARM's `/tenants` lists it (the members Az keeps).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmTenant {
    pub tenant_id: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    pub default_domain: Option<String>,
    pub tenant_category: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub tenant_type: Option<String>,
    pub tenant_branding_logo_url: Option<String>,
}

/// A tenant of ARM's `managedByTenants`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmManagingTenant {
    pub tenant_id: String,
}

/// A subscription as ARM's `/subscriptions` lists it (the members Az keeps).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmSubscription {
    pub subscription_id: String,
    pub display_name: Option<String>,
    pub state: Option<String>,
    /// The subscription's home tenant.
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub managed_by_tenants: Vec<ArmManagingTenant>,
    pub authorization_source: Option<String>,
    pub subscription_policies: Option<serde_json::Value>,
    pub tags: Option<serde_json::Value>,
}

/// A tenant the account could get a token for, with the subscriptions that token sees.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListedTenant {
    pub tenant: ArmTenant,
    #[serde(default)]
    pub subscriptions: Vec<ArmSubscription>,
}

/// What a sign-in produced, as the module hands it over (JSON, PascalCase members).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignInRequest {
    pub account: SignedInAccount,
    /// The environment's name (AzureCloud by default).
    pub environment: Option<String>,
    /// The tenant the sign-in was made in (`-Tenant` resolved, or the account's home tenant): the
    /// tenant of the tenant-level context when no subscription is found, and where the default is
    /// looked for first.
    pub tenant_id: String,
    /// The tenants listed (all of the account's, or only `-Tenant`), in ARM's order.
    #[serde(default)]
    pub tenants: Vec<ListedTenant>,
    /// `-Subscription`: an id or a name.
    pub subscription: Option<String>,
    /// `-ContextName`: the name of the default context.
    pub context_name: Option<String>,
    /// `-MaxContextPopulation` (-1 all; absent: all).
    pub max_context_population: Option<i64>,
    #[serde(default)]
    pub skip_context_population: bool,
    /// Leave the default context as it is (Get-AzContext -RefreshContextFromTokenCache): every
    /// subscription is added within the population limit, and none is made current.
    #[serde(default)]
    pub keep_default: bool,
}

/// ARM's tenants and subscriptions as one account listed them, for [`stored_records`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ArmListing {
    /// The account's id (a subscription's `Account`).
    pub account: Option<String>,
    /// The environment's name (a subscription's `Environment`).
    pub environment: Option<String>,
    #[serde(default)]
    pub tenants: Vec<ListedTenant>,
}

/// The contexts of a sign-in, built and checked, ready to be stored by [`apply`].
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The context to make the default, and the name asked for it; `None` with `keep_default`.
    pub default: Option<(Context, Option<String>)>,
    /// The other contexts, in ARM's order, within the population limit.
    pub others: Vec<Context>,
    /// What the user should be told (Az's "more than one active subscription" warning).
    pub warnings: Vec<String>,
}

/// ARM's tenants and subscriptions in Az's stored form, by the one rule a sign-in stores them with, for
/// what Get-AzTenant, Get-AzSubscription and Set-AzContext show and store: a compact JSON array with one
/// `{"Tenant": …, "Subscriptions": […]}` per listed tenant, in order. A subscription's `Tenants` is the
/// tenant it was listed through, `HomeTenant` its own; empty values are left out.
pub fn stored_records(text: &str) -> Result<String> {
    let listing: ArmListing = crate::jsonio::from_slice(text.as_bytes(), "<ARM listing>")?;
    let account = listing.account.as_deref().unwrap_or("");
    let environment = listing.environment.as_deref().unwrap_or("");
    let mut out = String::from("[");
    for (i, t) in listing.tenants.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"Tenant\":");
        out.push_str(&crate::model::tenant_record(&tenant_of(&t.tenant)));
        out.push_str(",\"Subscriptions\":[");
        for (j, sub) in t.subscriptions.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let stored = subscription_of(sub, &t.tenant.tenant_id, account, environment);
            out.push_str(&crate::jsonio::to_compact(stored.as_object()));
        }
        out.push_str("]}");
    }
    out.push(']');
    Ok(out)
}

/// Parses a sign-in request (see [`SignInRequest`]).
/// Get-AzContext -RefreshContextFromTokenCache, as the module hands it over: the users whose contexts
/// go (their accounts left the token cache) and the sign-ins of cached users who have none.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// Account ids (case-insensitive) whose every context is removed.
    #[serde(default)]
    pub disconnect: Vec<String>,
    /// Sign-ins stored as [`crate::store::Op::SignIn`] (without force; `KeepDefault` as given).
    #[serde(default)]
    pub sign_ins: Vec<SignInRequest>,
}

/// Reads a [`RefreshRequest`]; a blank account id is an error naming it.
pub fn parse_refresh(text: &str) -> Result<RefreshRequest> {
    let req: RefreshRequest = crate::jsonio::from_slice(text.as_bytes(), "<refresh request>")?;
    if req.disconnect.iter().any(|id| id.trim().is_empty()) {
        return Err(Error::InvalidArgument(
            "the refresh request names a blank account id to disconnect".into(),
        ));
    }
    Ok(req)
}

/// The one operation a refresh is: every disconnect, then every sign-in (built on `profile`, the
/// caller's view before the refresh), applied in one write.
pub fn refresh_op(profile: &Profile, req: &RefreshRequest) -> Result<crate::store::Op> {
    let mut ops: Vec<crate::store::Op> = req
        .disconnect
        .iter()
        .map(|id| crate::store::Op::Disconnect {
            account_id: id.clone(),
        })
        .collect();
    for r in &req.sign_ins {
        ops.push(crate::store::Op::SignIn {
            sign_in: Box::new(build(profile, r)?),
            force: false,
        });
    }
    Ok(crate::store::Op::Batch(ops))
}

pub fn parse_request(text: &str) -> Result<SignInRequest> {
    Ok(crate::jsonio::from_slice(
        text.as_bytes(),
        "<sign-in request>",
    )?)
}

/// Az's message when `-Subscription` names an id that no listed tenant has.
pub fn subscription_id_not_found(account: &str, id: &str) -> String {
    format!(
        "The provided account {account} does not have access to subscription ID \"{id}\". Please try logging in with \
         different credentials or a different subscription ID."
    )
}

/// Az's message when `-Subscription` names a name that no listed tenant has.
pub fn subscription_name_not_found(account: &str, name: &str) -> String {
    format!(
        "The provided account {account} does not have access to subscription name \"{name}\". Please try logging in \
         with different credentials or a different subscription name."
    )
}

/// Az's warning when the default is the first of several active subscriptions of a tenant.
pub fn more_than_one_active(tenant: &str) -> String {
    format!(
        "TenantId '{tenant}' contains more than one active subscription. First one will be selected for further use. \
         To select another subscription, use Set-AzContext."
    )
}

fn is_active(s: &ArmSubscription) -> bool {
    s.state.as_deref().map_or(true, |st| {
        eq_ignore_case(st, "Enabled") || eq_ignore_case(st, "Warned")
    })
}

fn is_home(retrieved_in: &str, s: &ArmSubscription) -> bool {
    s.tenant_id
        .as_deref()
        .map_or(true, |h| eq_ignore_case(h, retrieved_in))
}

/// The account as Az records it after a sign-in: the type checked, secrets dropped, `Tenants` the
/// tenants listed (or the sign-in's tenant).
fn account_of(req: &SignInRequest) -> Result<Account> {
    let a = &req.account;
    if a.id.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "the signed-in account has no id".into(),
        ));
    }
    if !SIGNED_IN_TYPES.contains(&a.account_type.as_str()) {
        return Err(Error::InvalidArgument(format!(
            "'{}' is not an account type a sign-in produces (User, ServicePrincipal, ManagedService, ClientAssertion or AccessToken)",
            a.account_type
        )));
    }
    let token_account = a.account_type == "AccessToken";
    let has_token = a
        .extended_properties
        .iter()
        .any(|(k, v)| eq_ignore_case(k, "AccessToken") && !v.is_empty());
    if token_account && !has_token {
        return Err(Error::InvalidArgument(
            "an AccessToken account needs its AccessToken".into(),
        ));
    }
    let mut account = Account::new(&a.id, &a.account_type);
    let mut ext: Vec<(&String, &String)> = a.extended_properties.iter().collect();
    ext.sort();
    for (k, v) in ext {
        // An access-token account keeps its tokens (Az's place for them); nothing else keeps a secret.
        let kept_token = token_account
            && crate::model::TOKEN_PROPERTIES
                .iter()
                .any(|t| eq_ignore_case(t, k));
        let secret = crate::model::SECRET_PROPERTIES
            .iter()
            .chain(SIGN_IN_SECRETS.iter())
            .any(|s| eq_ignore_case(s, k));
        if (kept_token || !secret) && !v.is_empty() && !eq_ignore_case(k, "Tenants") {
            account.set_ext(k, v);
        }
    }
    let tenants: Vec<&str> = req
        .tenants
        .iter()
        .map(|t| t.tenant.tenant_id.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    if tenants.is_empty() {
        account.set_ext("Tenants", &req.tenant_id);
    } else {
        account.set_ext("Tenants", &tenants.join(","));
    }
    Ok(account)
}

/// Az's tenant record from ARM's.
fn tenant_of(t: &ArmTenant) -> Tenant {
    let mut tenant = Tenant::new(&t.tenant_id);
    let domains = t.domains.join(",");
    for (k, v) in [
        ("DisplayName", t.display_name.as_deref()),
        ("TenantCategory", t.tenant_category.as_deref()),
        ("Country", t.country.as_deref()),
        ("CountryCode", t.country_code.as_deref()),
        ("Domains", Some(domains.as_str()).filter(|d| !d.is_empty())),
        ("DefaultDomain", t.default_domain.as_deref()),
        ("TenantType", t.tenant_type.as_deref()),
        (
            "TenantBrandingLogoUrl",
            t.tenant_branding_logo_url.as_deref(),
        ),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            tenant.set_ext(k, v);
        }
    }
    tenant
}

/// Az's subscription record from ARM's, as seen from tenant `retrieved_in` by `account`.
fn subscription_of(
    s: &ArmSubscription,
    retrieved_in: &str,
    account: &str,
    environment: &str,
) -> Subscription {
    let mut sub = Subscription::new(
        &s.subscription_id,
        s.display_name.as_deref(),
        s.state.as_deref(),
    );
    let json_text = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            .map(|v| v.to_string())
    };
    let managed: Vec<&str> = s
        .managed_by_tenants
        .iter()
        .map(|m| m.tenant_id.as_str())
        .collect();
    let managed = managed.join(",");
    let policies = json_text(&s.subscription_policies);
    let tags = json_text(&s.tags);
    for (k, v) in [
        ("SubscriptionPolices", policies.as_deref()),
        ("AuthorizationSource", s.authorization_source.as_deref()),
        ("ManagedByTenants", Some(managed.as_str())),
        ("Tags", tags.as_deref()),
        ("HomeTenant", s.tenant_id.as_deref()),
        ("Environment", Some(environment)),
        ("Tenants", Some(retrieved_in)),
        ("Account", Some(account)),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            sub.set_ext(k, v);
        }
    }
    sub
}

/// Where the default subscription is: (tenant index, subscription index).
type Position = (usize, usize);

/// Az's choice of the default subscription. `-Subscription`: the listed one with that id, or that
/// name (a subscription seen from its home tenant first), else Az's error. Otherwise the first active
/// subscription of the sign-in tenant, else of the first tenant that is home to one, else the first
/// active one; with Az's warning when that tenant has more than one active subscription.
fn choose_default(req: &SignInRequest) -> Result<(Option<Position>, Vec<String>)> {
    let all = || {
        req.tenants.iter().enumerate().flat_map(|(ti, t)| {
            t.subscriptions
                .iter()
                .enumerate()
                .map(move |(si, s)| ((ti, si), t.tenant.tenant_id.as_str(), s))
        })
    };
    if let Some(wanted) = req.subscription.as_deref().map(str::trim) {
        if wanted.is_empty() {
            return Err(Error::InvalidArgument(
                "-Subscription must not be empty".into(),
            ));
        }
        let by_id = uuid::Uuid::parse_str(wanted).is_ok();
        let matches = |s: &ArmSubscription| {
            if by_id {
                eq_ignore_case(&s.subscription_id, wanted)
            } else {
                s.display_name
                    .as_deref()
                    .is_some_and(|n| eq_ignore_case(n, wanted))
            }
        };
        let found = all()
            .filter(|(_, _, s)| matches(s))
            .min_by_key(|(pos, t, s)| (!is_home(t, s), *pos))
            .map(|(pos, _, _)| pos);
        return match found {
            Some(pos) => Ok((Some(pos), Vec::new())),
            None => Err(Error::NotFound {
                kind: ObjectKind::Subscription,
                name: wanted.to_owned(),
                message: if by_id {
                    subscription_id_not_found(&req.account.id, wanted)
                } else {
                    subscription_name_not_found(&req.account.id, wanted)
                },
            }),
        };
    }
    let first_active = |ti: usize| {
        let t = &req.tenants[ti];
        t.subscriptions
            .iter()
            .position(is_active)
            .map(|si| (ti, si))
    };
    let sign_in_tenant = req
        .tenants
        .iter()
        .position(|t| eq_ignore_case(&t.tenant.tenant_id, &req.tenant_id));
    let chosen = sign_in_tenant
        .and_then(first_active)
        .or_else(|| {
            all()
                .find(|(_, t, s)| is_active(s) && is_home(t, s))
                .map(|(p, _, _)| p)
        })
        .or_else(|| all().find(|(_, _, s)| is_active(s)).map(|(p, _, _)| p));
    let mut warnings = Vec::new();
    if let Some((ti, _)) = chosen {
        let t = &req.tenants[ti];
        if t.subscriptions.iter().filter(|s| is_active(s)).count() > 1 {
            warnings.push(more_than_one_active(&t.tenant.tenant_id));
        }
    }
    Ok((chosen, warnings))
}

/// Builds the contexts of a sign-in against `profile` (for the environment): checks the account,
/// chooses the default, applies the population limit. Nothing is stored; a failure changes nothing.
pub fn build(profile: &Profile, req: &SignInRequest) -> Result<SignIn> {
    let account = account_of(req)?;
    if req.tenant_id.trim().is_empty() {
        return Err(Error::InvalidArgument("the sign-in named no tenant".into()));
    }
    let population = Population::from_parameters(
        req.max_context_population.unwrap_or(-1),
        req.skip_context_population,
    )?;
    let environment = crate::accounts::login_environment(profile, req.environment.as_deref())?;
    let env_name = environment.name().unwrap_or("AzureCloud").to_owned();
    let environment = Arc::new(environment);
    let context = |tenant: Tenant, sub: Option<Subscription>| {
        let mut c = Context::from_parts(Some(account.clone()), Some(tenant), sub, None);
        c.set_environment_shared(Some(environment.clone()));
        c
    };
    let tenants: Vec<Tenant> = req.tenants.iter().map(|t| tenant_of(&t.tenant)).collect();
    let context_at = |(ti, si): Position| {
        let t = &req.tenants[ti];
        let sub = subscription_of(
            &t.subscriptions[si],
            &t.tenant.tenant_id,
            &req.account.id,
            &env_name,
        );
        context(tenants[ti].clone(), Some(sub))
    };

    let (chosen, warnings) = if req.keep_default {
        (None, Vec::new())
    } else {
        choose_default(req)?
    };
    let default = if req.keep_default {
        None
    } else {
        let ctx = match chosen {
            Some(pos) => context_at(pos),
            None => {
                let tenant = tenants
                    .iter()
                    .find(|t| t.id().is_some_and(|id| eq_ignore_case(id, &req.tenant_id)))
                    .cloned()
                    .unwrap_or_else(|| Tenant::new(&req.tenant_id));
                context(tenant, None)
            }
        };
        let name = req
            .context_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        Some((ctx, name))
    };

    let mut others = Vec::new();
    let limit = population.others();
    let default_sub =
        chosen.map(|(ti, si)| req.tenants[ti].subscriptions[si].subscription_id.as_str());
    let default_tenant = chosen.map(|(ti, _)| req.tenants[ti].tenant.tenant_id.as_str());
    'tenants: for (ti, t) in req.tenants.iter().enumerate() {
        for (si, s) in t.subscriptions.iter().enumerate() {
            if others.len() >= limit {
                break 'tenants;
            }
            let is_default = default_sub.is_some_and(|d| eq_ignore_case(d, &s.subscription_id))
                && default_tenant.is_some_and(|d| eq_ignore_case(d, &t.tenant.tenant_id));
            if !is_default {
                others.push(context_at((ti, si)));
            }
        }
    }
    Ok(SignIn {
        default,
        others,
        warnings,
    })
}

/// Stores a built sign-in in `p`: the default (under its name, or its identity's key) made current,
/// then each other context under its identity's existing key or Az's generated key, merged into what
/// is stored. Linear in the number of contexts (an identity index, not a scan per context). Returns
/// the default's key (`None` with `keep_default`).
pub fn apply(p: &mut Profile, s: &SignIn, force: bool) -> Result<Option<String>> {
    let default_key = match &s.default {
        Some((ctx, name)) => {
            if let (Some(n), false) = (name.as_deref(), force) {
                if let Some((k, _)) = p.get(n) {
                    return Err(Error::AlreadyExists {
                        kind: ObjectKind::Context,
                        name: k.to_owned(),
                        message: format!(
                            "Are you sure you want to replace existing context '{k}'?"
                        ),
                    });
                }
            }
            Some(p.set_context(ctx, name.as_deref(), &[])?)
        }
        None => None,
    };
    let mut by_identity: HashMap<IdentityKey, String> =
        HashMap::with_capacity(p.len() + s.others.len());
    for (k, c) in p.contexts() {
        by_identity
            .entry(c.identity_key())
            .or_insert_with(|| k.to_owned());
    }
    for ctx in &s.others {
        let identity = ctx.identity_key();
        if let Some(k) = by_identity.get(&identity) {
            p.merge_into(k, ctx);
            continue;
        }
        // The generated key may hold a context of another identity (a name chosen by hand): it is
        // replaced, as Az's TrySetContext does, and stops standing for that identity.
        if let Some((_, old)) = p.get(&ctx.generated_key()) {
            let old = old.identity_key();
            by_identity.remove(&old);
        }
        let key = p.put_generated(ctx.clone());
        by_identity.insert(identity, key);
    }
    if let Some(k) = &default_key {
        p.select(k)?;
    }
    p.repair_default();
    Ok(default_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T1: &str = "11111111-1111-4111-8111-111111111111";
    const T2: &str = "22222222-2222-4222-8222-222222222222";

    fn sid(t: usize, i: usize) -> String {
        format!("{t:08x}-0000-4000-8000-{i:012x}")
    }

    fn sub(t: usize, i: usize, home: &str, state: &str) -> ArmSubscription {
        ArmSubscription {
            subscription_id: sid(t, i),
            display_name: Some(format!("Sub {t}-{i}")),
            state: Some(state.into()),
            tenant_id: Some(home.into()),
            authorization_source: Some("RoleBased".into()),
            subscription_policies: Some(serde_json::json!({"quotaId":"PayAsYouGo_2014-09-01"})),
            ..Default::default()
        }
    }

    fn listed(tenant: &str, t: usize, n: usize) -> ListedTenant {
        ListedTenant {
            tenant: ArmTenant {
                tenant_id: tenant.into(),
                display_name: Some(format!("Tenant {t}")),
                domains: vec![format!("t{t}.example"), format!("alt{t}.example")],
                default_domain: Some(format!("t{t}.example")),
                tenant_category: Some("Home".into()),
                ..Default::default()
            },
            subscriptions: (1..=n).map(|i| sub(t, i, tenant, "Enabled")).collect(),
        }
    }

    fn request(tenants: Vec<ListedTenant>) -> SignInRequest {
        SignInRequest {
            account: SignedInAccount {
                id: "jane@contoso.com".into(),
                account_type: "User".into(),
                extended_properties: HashMap::from([
                    ("HomeAccountId".into(), "oid.tid".into()),
                    ("ServicePrincipalSecret".into(), "s3cret".into()),
                    ("AccessToken".into(), "tok".into()),
                ]),
            },
            tenant_id: T1.into(),
            tenants,
            ..Default::default()
        }
    }

    fn sign_in(p: &mut Profile, req: &SignInRequest) -> Result<(Option<String>, Vec<String>)> {
        let s = build(p, req)?;
        let k = apply(p, &s, false)?;
        Ok((k, s.warnings))
    }

    fn key(t: usize, i: usize, tenant: &str) -> String {
        format!("Sub {t}-{i} ({}) - {tenant} - jane@contoso.com", sid(t, i))
    }

    #[test]
    fn every_subscription_of_every_tenant_gets_a_context_under_az_s_key() {
        let mut p = Profile::new();
        let (k, warnings) =
            sign_in(&mut p, &request(vec![listed(T1, 1, 3), listed(T2, 2, 2)])).unwrap();
        assert_eq!(k.as_deref(), Some(key(1, 1, T1).as_str()));
        assert_eq!(p.len(), 5, "no 'Default' placeholder left");
        assert!(p.is_default(&key(1, 1, T1)));
        assert_eq!(warnings, vec![more_than_one_active(T1)]);
        let (_, c) = p.get(&key(2, 2, T2)).unwrap();
        let s = c.subscription().unwrap();
        assert_eq!(s.ext("Tenants"), Some(T2));
        assert_eq!(s.ext("HomeTenant"), Some(T2));
        assert_eq!(s.ext("Account"), Some("jane@contoso.com"));
        assert_eq!(s.ext("Environment"), Some("AzureCloud"));
        assert_eq!(s.ext("AuthorizationSource"), Some("RoleBased"));
        assert_eq!(
            s.ext("SubscriptionPolices"),
            Some(r#"{"quotaId":"PayAsYouGo_2014-09-01"}"#)
        );
        let t = c.tenant().unwrap();
        assert_eq!(t.ext("Domains"), Some("t2.example,alt2.example"));
        assert_eq!(t.ext("DisplayName"), Some("Tenant 2"));
        let a = c.account().unwrap();
        assert_eq!(a.ext("Tenants"), Some(format!("{T1},{T2}").as_str()));
        assert_eq!(a.ext("HomeAccountId"), Some("oid.tid"));
        assert_eq!(a.ext("ServicePrincipalSecret"), None);
        assert_eq!(a.ext("AccessToken"), None);
    }

    #[test]
    fn max_context_population_counts_the_default() {
        for (max, expected) in [(-1, 6), (0, 1), (1, 1), (2, 2), (4, 4), (100, 6)] {
            let mut req = request(vec![listed(T1, 1, 3), listed(T2, 2, 3)]);
            req.max_context_population = Some(max);
            let mut p = Profile::new();
            sign_in(&mut p, &req).unwrap();
            assert_eq!(p.len(), expected, "-MaxContextPopulation {max}");
            assert!(p.is_default(&key(1, 1, T1)));
        }
        let mut req = request(vec![listed(T1, 1, 3)]);
        req.max_context_population = Some(-2);
        assert!(matches!(
            build(&Profile::new(), &req),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn skip_context_population_stores_only_the_default() {
        let mut req = request(vec![listed(T1, 1, 3), listed(T2, 2, 3)]);
        req.skip_context_population = true;
        req.max_context_population = Some(-1);
        let mut p = Profile::new();
        sign_in(&mut p, &req).unwrap();
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn limits_hold_when_contexts_already_exist_and_existing_keys_are_reused() {
        let mut p = Profile::new();
        let mut first = request(vec![listed(T1, 1, 2)]);
        first.context_name = Some("mine".into());
        sign_in(&mut p, &first).unwrap();
        assert_eq!(p.len(), 2);
        assert!(p.is_default("mine"));
        // A second sign-in with more subscriptions and a limit: the existing identities keep their
        // keys ("mine" stays for sub 1-1), and at most 2 new contexts besides the default.
        let mut again = request(vec![listed(T1, 1, 2), listed(T2, 2, 5)]);
        again.max_context_population = Some(3);
        sign_in(&mut p, &again).unwrap();
        assert!(p.contains("mine"));
        assert!(p.is_default("mine"), "the default identity keeps its name");
        assert!(!p.contains(&key(1, 1, T1)));
        assert_eq!(p.len(), 3, "mine, 1-2, and one of tenant 2");
        assert!(p.contains(&key(2, 1, T2)));
    }

    #[test]
    fn subscription_by_id_or_name_prefers_the_home_tenant() {
        let mut t2 = listed(T2, 2, 2);
        // Sub 1-2 is also visible from tenant 2 (managed from there): its home is tenant 1.
        t2.subscriptions.insert(0, sub(1, 2, T1, "Enabled"));
        let mut req = request(vec![t2, listed(T1, 1, 2)]);
        req.subscription = Some("SUB 1-2".into());
        let mut p = Profile::new();
        let (k, w) = sign_in(&mut p, &req).unwrap();
        assert_eq!(k.as_deref(), Some(key(1, 2, T1).as_str()));
        assert!(w.is_empty());
        assert!(
            p.contains(&key(1, 2, T2)),
            "the other tenant's view is populated too"
        );

        req.subscription = Some(sid(2, 2).to_uppercase());
        let (k, _) = sign_in(&mut Profile::new(), &req).unwrap();
        assert_eq!(k.as_deref(), Some(key(2, 2, T2).as_str()));
    }

    #[test]
    fn a_subscription_not_found_is_az_s_error_and_changes_nothing() {
        let mut p = Profile::new();
        sign_in(&mut p, &request(vec![listed(T1, 1, 1)])).unwrap();
        let before = p.clone();
        let mut req = request(vec![listed(T1, 1, 3)]);
        req.subscription = Some("Nope".into());
        let err = build(&p, &req).unwrap_err();
        assert_eq!(
            err.to_string(),
            subscription_name_not_found("jane@contoso.com", "Nope")
        );
        req.subscription = Some(sid(9, 9));
        let err = build(&p, &req).unwrap_err();
        assert!(matches!(
            err,
            Error::NotFound {
                kind: ObjectKind::Subscription,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            subscription_id_not_found("jane@contoso.com", &sid(9, 9))
        );
        assert_eq!(p, before);
    }

    #[test]
    fn the_default_is_the_first_active_subscription_of_the_sign_in_tenant() {
        let mut t1 = listed(T1, 1, 3);
        t1.subscriptions[0].state = Some("Disabled".into());
        let mut req = request(vec![listed(T2, 2, 1), t1]);
        let (k, w) = sign_in(&mut Profile::new(), &req).unwrap();
        assert_eq!(k.as_deref(), Some(key(1, 2, T1).as_str()));
        assert_eq!(w, vec![more_than_one_active(T1)]);
        // A sign-in tenant without subscriptions: the first tenant home to an active one.
        req.tenant_id = "33333333-3333-4333-8333-333333333333".into();
        let (k, w) = sign_in(&mut Profile::new(), &req).unwrap();
        assert_eq!(k.as_deref(), Some(key(2, 1, T2).as_str()));
        assert!(w.is_empty());
    }

    #[test]
    fn no_subscription_is_az_s_tenant_level_context() {
        let mut req = request(vec![listed(T1, 1, 0)]);
        req.account.account_type = "ServicePrincipal".into();
        req.account.id = "app-1".into();
        let mut p = Profile::new();
        let (k, w) = sign_in(&mut p, &req).unwrap();
        assert_eq!(k.as_deref(), Some(format!("{T1} - app-1").as_str()));
        assert!(w.is_empty());
        assert_eq!(p.len(), 1);
        let (_, c) = p.get(&format!("{T1} - app-1")).unwrap();
        assert_eq!(c.tenant().unwrap().ext("DisplayName"), Some("Tenant 1"));
        // Nothing listed at all (the tenant itself): the sign-in's tenant.
        let mut bare = request(Vec::new());
        bare.tenant_id = T2.into();
        let (k, _) = sign_in(&mut Profile::new(), &bare).unwrap();
        assert_eq!(
            k.as_deref(),
            Some(format!("{T2} - jane@contoso.com").as_str())
        );
    }

    #[test]
    fn an_access_token_account_keeps_its_tokens_only_when_it_is_one() {
        let mut req = request(vec![listed(T1, 1, 1)]);
        req.account.account_type = "AccessToken".into();
        let mut p = Profile::new();
        sign_in(&mut p, &req).unwrap();
        let a = p.default_context().unwrap().1.account().unwrap().clone();
        assert_eq!(a.ext("AccessToken"), Some("tok"));
        assert_eq!(a.ext("ServicePrincipalSecret"), None);
        req.account.extended_properties.remove("AccessToken");
        assert!(matches!(
            build(&Profile::new(), &req),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn unknown_account_types_and_blank_ids_are_refused() {
        for (id, ty) in [("x", "Token"), ("x", "user "), (" ", "User")] {
            let mut req = request(vec![listed(T1, 1, 1)]);
            req.account.id = id.into();
            req.account.account_type = ty.into();
            assert!(matches!(
                build(&Profile::new(), &req),
                Err(Error::InvalidArgument(_))
            ));
        }
        let mut req = request(vec![listed(T1, 1, 1)]);
        req.environment = Some("Nowhere".into());
        assert_eq!(
            build(&Profile::new(), &req).unwrap_err().to_string(),
            "Unable to find environment with name 'Nowhere'"
        );
    }

    #[test]
    fn keep_default_adds_contexts_without_changing_the_default() {
        let mut p = Profile::new();
        let mut first = request(vec![listed(T1, 1, 1)]);
        first.skip_context_population = true;
        sign_in(&mut p, &first).unwrap();
        let mut refresh = request(vec![listed(T1, 1, 2), listed(T2, 2, 2)]);
        refresh.keep_default = true;
        refresh.subscription = Some("not looked at".into());
        let (k, _) = sign_in(&mut p, &refresh).unwrap();
        assert_eq!(k, None);
        assert_eq!(p.len(), 4);
        assert!(p.is_default(&key(1, 1, T1)));
        // Into an empty store: the default stays Az's placeholder rule (ordinal-first key).
        let mut empty = Profile::new();
        sign_in(&mut empty, &refresh).unwrap();
        assert_eq!(empty.len(), 4);
    }

    #[test]
    fn a_taken_context_name_needs_force() {
        let mut p = Profile::new();
        let mut req = request(vec![listed(T1, 1, 1)]);
        req.context_name = Some("mine".into());
        sign_in(&mut p, &req).unwrap();
        req.tenants = vec![listed(T2, 2, 1)];
        req.tenant_id = T2.into();
        let s = build(&p, &req).unwrap();
        assert!(matches!(
            apply(&mut p.clone(), &s, false),
            Err(Error::AlreadyExists { .. })
        ));
        apply(&mut p, &s, true).unwrap();
        let (_, c) = p.get("mine").unwrap();
        assert_eq!(c.tenant().unwrap().id(), Some(T2));
    }

    #[test]
    fn ten_thousand_subscriptions_into_ten_thousand_stored() {
        let mut p = Profile::new();
        let req = request(vec![listed(T1, 1, 10_000)]);
        sign_in(&mut p, &req).unwrap();
        assert_eq!(p.len(), 10_000);
        let mut again = request(vec![listed(T1, 1, 10_000), listed(T2, 2, 10_000)]);
        again.subscription = Some(sid(2, 5000));
        sign_in(&mut p, &again).unwrap();
        assert_eq!(p.len(), 20_000);
        assert!(p.is_default(&key(2, 5000, T2)));
        assert!(p.contains(&key(1, 10_000, T1)));
    }

    #[test]
    fn the_request_parses_from_json() {
        let req = parse_request(&format!(
            r#"{{"Account":{{"Id":"a@b.c","Type":"User","ExtendedProperties":{{"HomeAccountId":"h"}}}},
               "TenantId":"{T1}","MaxContextPopulation":0,
               "Tenants":[{{"Tenant":{{"tenantId":"{T1}","domains":["x.example"],"extra":1}},
                            "Subscriptions":[{{"subscriptionId":"{}","displayName":"S","state":"Enabled",
                                               "managedByTenants":[{{"tenantId":"{T2}"}}],"tags":{{"a":"b"}}}}]}}]}}"#,
            sid(1, 1)
        ))
        .unwrap();
        let mut p = Profile::new();
        sign_in(&mut p, &req).unwrap();
        let (_, c) = p.get(&format!("S ({}) - {T1} - a@b.c", sid(1, 1))).unwrap();
        let s = c.subscription().unwrap();
        assert_eq!(s.ext("ManagedByTenants"), Some(T2));
        assert_eq!(s.ext("Tags"), Some(r#"{"a":"b"}"#));
        assert!(parse_request(r#"{"Account":{"Id":"a"}}"#).is_err());
    }

    #[test]
    fn arm_records_are_the_records_a_sign_in_stores() {
        let listing = format!(
            r#"{{"Account":"jane@contoso.com","Environment":"AzureCloud","Tenants":[
              {{"Tenant":{{"tenantId":"{T1}","displayName":"Tenant 1","domains":["t1.example","alt1.example"],
                "tenantCategory":"Home","countryCode":""}},
               "Subscriptions":[{{"subscriptionId":"{s}","displayName":"Sub 1-1","state":"Enabled",
                 "tenantId":"{T1}","authorizationSource":"RoleBased",
                 "subscriptionPolicies":{{"quotaId":"PayAsYouGo_2014-09-01"}},"tags":{{}},"futureMember":[1]}}]}},
              {{"Tenant":{{"tenantId":"{T2}","tenantCategory":"ProjectedBy"}}}}]}}"#,
            s = sid(1, 1)
        );
        let out =
            crate::jsonio::parse(stored_records(&listing).unwrap().as_bytes(), "<t>").unwrap();
        let tenants = out.as_array().unwrap();
        assert_eq!(tenants.len(), 2);

        // The same records a sign-in with the same listing stores in its contexts.
        let mut req = request(vec![
            serde_json::from_str(&listing_tenant(&listing, 0)).unwrap()
        ]);
        req.account.extended_properties.clear();
        let mut p = Profile::new();
        sign_in(&mut p, &req).unwrap();
        let (_, c) = p.get(&key(1, 1, T1)).unwrap();
        let stored_sub = crate::jsonio::to_compact(c.subscription().unwrap().as_object());
        let stored_tenant = crate::model::tenant_record(c.tenant().unwrap());
        let first = tenants[0].as_object().unwrap();
        assert_eq!(
            crate::jsonio::to_compact(first.get("Tenant").unwrap()),
            stored_tenant
        );
        let subs = first.get("Subscriptions").unwrap().as_array().unwrap();
        assert_eq!(crate::jsonio::to_compact(&subs[0]), stored_sub);
        assert!(
            !stored_sub.contains("Tags"),
            "empty tags are left out: {stored_sub}"
        );
        assert!(
            !stored_tenant.contains("CountryCode"),
            "empty values are left out: {stored_tenant}"
        );

        // A tenant the account is a guest of is not its home; a tenant without subscriptions lists none.
        let second = tenants[1].as_object().unwrap();
        let guest = crate::jsonio::to_compact(second.get("Tenant").unwrap());
        assert!(guest.contains(r#""IsHome":false"#), "{guest}");
        assert!(second
            .get("Subscriptions")
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty());

        // Bad input is an error that names what was wrong, never a partial answer.
        let e = stored_records(r#"{"Tenants":[{"Tenant":{"displayName":"x"}}]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("tenantId") && e.contains("ARM listing"), "{e}");
        assert!(stored_records("[").is_err());
    }

    /// The `index`th listed tenant of an ARM listing's text, as its own JSON text.
    fn listing_tenant(listing: &str, index: usize) -> String {
        let v: serde_json::Value = serde_json::from_str(listing).unwrap();
        v["Tenants"][index].to_string()
    }
}
