//! Accounts offline: the access-token form of Connect-AzAccount, the targets of Disconnect-AzAccount,
//! and the Subscription/Tenant forms of Set-AzContext resolved against what is stored locally.
//!
//! Az resolves subscriptions and tenants through ARM; AzContext has no network, so it resolves them
//! against the subscriptions and tenants already present in the stored contexts, and says so when a
//! form would need the network.

use crate::error::{Error, ObjectKind, Result};
use crate::model::{Account, Context, Profile, Subscription, Tenant};
use crate::names::eq_ignore_case;

/// Az's message when `-SkipValidation` lacks an id.
pub const SKIP_VALIDATION_NEEDS_IDS: &str =
    "Must supply Subscription Id and Tenant Id when using -SkipValidation";
/// Az's message when Set-AzContext finds no subscription.
pub const INVALID_SUBSCRIPTION: &str = "Please provide a valid tenant or a valid subscription.";
/// Az's message when an operation needs a signed-in default context.
pub const LOGIN_REQUIRED: &str = "Run Connect-AzAccount to login.";
/// Az's message for a blank tenant.
pub const BLANK_TENANT: &str =
    "You must supply a valid tenant object with a valid Id or a valid tenant id string. Please check the input tenant value and try again.";

/// `Connect-AzAccount -AccessToken …`: what the caller gave.
#[derive(Debug, Clone, Default)]
pub struct AccessTokenLogin {
    pub access_token: String,
    pub account_id: String,
    pub tenant: Option<String>,
    pub subscription: Option<String>,
    pub environment: Option<String>,
    pub skip_validation: bool,
    pub graph_access_token: Option<String>,
    pub microsoft_graph_access_token: Option<String>,
    pub key_vault_access_token: Option<String>,
}

/// The `tid` claim of a JWT access token, decoded locally. It is used only to fill in a tenant the
/// caller did not give; nothing about the token is verified or trusted beyond that.
pub fn token_tenant_id(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes =
        base64::decode_config(payload.trim_end_matches('='), base64::URL_SAFE_NO_PAD).ok()?;
    #[derive(serde::Deserialize)]
    struct Claims {
        tid: Option<String>,
    }
    let claims: Claims = crate::jsonio::from_slice(&bytes, "<token>").ok()?;
    claims.tid.filter(|t| !t.trim().is_empty())
}

/// The environment a login names (AzureCloud by default), or Az's error for an unknown name.
pub(crate) fn login_environment(
    profile: &Profile,
    name: Option<&str>,
) -> Result<crate::model::Environment> {
    let env_name = name.unwrap_or("AzureCloud");
    profile
        .environment(env_name)
        .cloned()
        .ok_or_else(|| Error::NotFound {
            kind: ObjectKind::Environment,
            name: env_name.to_owned(),
            message: format!("Unable to find environment with name '{env_name}'"),
        })
}

/// Builds the context of an access-token login (`Connect-AzAccount -AccessToken … -SkipValidation`, the
/// form that needs no network).
pub fn access_token_context(profile: &Profile, login: &AccessTokenLogin) -> Result<Context> {
    if login.access_token.is_empty() {
        return Err(Error::InvalidArgument("The access token is empty.".into()));
    }
    if login.account_id.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "-AccountId must not be empty.".into(),
        ));
    }
    let environment = login_environment(profile, login.environment.as_deref())?;
    let tenant = match login.tenant.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(t.to_owned()),
        None => token_tenant_id(&login.access_token),
    };
    if !login.skip_validation {
        return Err(Error::NotSupported(
            "Connect-AzAccount -AccessToken without -SkipValidation validates the token by listing its tenant's \
             subscriptions through Azure Resource Manager: store that as a sign-in (an AccessToken account with the \
             subscriptions ARM listed). Here, add -SkipValidation with -Subscription (and -Tenant, unless the token \
             carries it). Nothing was changed."
                .into(),
        ));
    }
    let (Some(tenant), Some(subscription)) = (
        tenant,
        login.subscription.clone().filter(|s| !s.trim().is_empty()),
    ) else {
        return Err(Error::InvalidArgument(SKIP_VALIDATION_NEEDS_IDS.into()));
    };
    let mut extra: Vec<(&str, &str)> = Vec::new();
    if let Some(t) = &login.graph_access_token {
        extra.push(("GraphAccessToken", t));
    }
    if let Some(t) = &login.microsoft_graph_access_token {
        extra.push(("MicrosoftGraphAccessToken", t));
    }
    if let Some(t) = &login.key_vault_access_token {
        extra.push(("KeyVault", t));
    }
    let mut ctx = Context::for_access_token(
        &login.account_id,
        &login.access_token,
        &extra,
        &tenant,
        &subscription,
        None,
        None,
        Some(environment),
    );
    if let Some(a) = ctx.account_mut() {
        a.set_ext("Tenants", &tenant);
    }
    Ok(ctx)
}

/// Whom Disconnect-AzAccount signs out.
#[derive(Debug, Clone)]
pub enum DisconnectTarget {
    /// No argument: the account of the default context.
    Current,
    /// `-Username` (also the account of a piped context or account).
    Account(String),
    /// `-ContextName`: the account of that context.
    ContextName(String),
    /// `-ApplicationId` with `-TenantId`: a service principal.
    ServicePrincipal {
        application_id: String,
        tenant_id: String,
    },
}

/// The account Disconnect-AzAccount acts on, or `None` when nothing resolves (Az then writes `$null`,
/// or "Provide a valid account or context").
pub fn disconnect_account(profile: &Profile, target: &DisconnectTarget) -> Result<Option<Account>> {
    let find = |id: &str| {
        profile.contexts().find_map(|(_, c)| {
            c.account()
                .filter(|a| a.id().is_some_and(|i| eq_ignore_case(i, id)))
                .cloned()
        })
    };
    Ok(match target {
        DisconnectTarget::Current => profile
            .default_context()
            .and_then(|(_, c)| c.account().cloned()),
        DisconnectTarget::Account(id) => find(id).or_else(|| Some(Account::new(id, "User"))),
        DisconnectTarget::ContextName(name) => match profile.get(name) {
            Some((_, c)) => c.account().cloned(),
            None => {
                return Err(Error::NotFound {
                    kind: ObjectKind::Context,
                    name: name.clone(),
                    message: format!("Unable to find context with name '{name}'"),
                })
            }
        },
        DisconnectTarget::ServicePrincipal {
            application_id,
            tenant_id,
        } => profile.contexts().find_map(|(_, c)| {
            let a = c.account()?;
            let matches = a.id().is_some_and(|i| eq_ignore_case(i, application_id))
                && c.tenant()
                    .and_then(|t| t.id())
                    .is_some_and(|t| eq_ignore_case(t, tenant_id));
            matches.then(|| a.clone())
        }),
    })
}

fn tenant_matches(ctx: &Context, tenant: &str) -> bool {
    let by_tenant = ctx.tenant().is_some_and(|t| {
        t.id().is_some_and(|id| eq_ignore_case(id, tenant))
            || t.directory().is_some_and(|d| eq_ignore_case(d, tenant))
            || t.ext("Domains")
                .is_some_and(|d| d.split(',').any(|x| eq_ignore_case(x.trim(), tenant)))
            || t.ext("DefaultDomain")
                .is_some_and(|d| eq_ignore_case(d, tenant))
    });
    by_tenant
        || ctx
            .subscription()
            .and_then(|s| s.ext("Tenants"))
            .is_some_and(|t| eq_ignore_case(t, tenant))
}

fn subscription_matches(sub: &Subscription, wanted: &str) -> bool {
    sub.id().is_some_and(|id| eq_ignore_case(id, wanted))
        || sub.name().is_some_and(|n| eq_ignore_case(n, wanted))
}

/// Set-AzContext -Subscription/-Tenant, offline: the context to set, built from the current account and
/// a subscription (and tenant) stored for that account. Only the current account's contexts count (Az
/// asks ARM with the current account: another account's subscription is not this one's to use); among
/// them a subscription seen through its home tenant first, then the ordinal order of context keys.
/// Nothing found is [`Error::NotFound`], for the caller to ask ARM.
pub fn resolve_subscription_context(
    profile: &Profile,
    subscription: Option<&str>,
    tenant: Option<&str>,
) -> Result<Context> {
    if let Some(t) = tenant {
        if t.trim().is_empty() {
            return Err(Error::InvalidArgument(BLANK_TENANT.into()));
        }
    }
    let (_, current) = profile
        .default_context()
        .filter(|(_, c)| c.account().is_some())
        .ok_or_else(|| Error::LoginRequired(LOGIN_REQUIRED.into()))?;
    let account = current.account().cloned();
    let account_id = account
        .as_ref()
        .and_then(|a| a.id())
        .unwrap_or_default()
        .to_owned();

    let mut candidates: Vec<(&str, &Context)> = profile
        .contexts()
        .filter(|(_, c)| !c.is_empty())
        .filter(|(_, c)| {
            c.account()
                .and_then(|a| a.id())
                .is_some_and(|i| eq_ignore_case(i, &account_id))
        })
        .filter(|(_, c)| match subscription {
            Some(s) => c
                .subscription()
                .is_some_and(|sub| subscription_matches(sub, s)),
            None => true,
        })
        .filter(|(_, c)| tenant.map_or(true, |t| tenant_matches(c, t)))
        .collect();
    let rank = |c: &Context| {
        let not_home =
            !c.subscription()
                .is_some_and(|s| match (s.ext("HomeTenant"), s.ext("Tenants")) {
                    (Some(h), Some(t)) => eq_ignore_case(h, t),
                    _ => true,
                });
        let no_subscription = c.subscription().is_none();
        (not_home, no_subscription)
    };
    candidates.sort_by(|(ka, a), (kb, b)| rank(a).cmp(&rank(b)).then_with(|| ka.cmp(kb)));
    let Some((_, found)) = candidates.first() else {
        return Err(Error::NotFound {
            kind: ObjectKind::Subscription,
            name: subscription.or(tenant).unwrap_or_default().to_owned(),
            message: INVALID_SUBSCRIPTION.into(),
        });
    };

    let subscription = found.subscription().cloned();
    // The tenant: the one asked for as the found context knows it, else the subscription's retrieving
    // tenant, else the found context's tenant.
    let tenant_obj = found.tenant().cloned().or_else(|| {
        subscription
            .as_ref()
            .and_then(|s| s.ext("Tenants"))
            .map(Tenant::new)
    });
    let environment = found
        .environment()
        .cloned()
        .or_else(|| current.environment().cloned());
    let account = account.or_else(|| found.account().cloned());
    Ok(Context::from_parts(
        account,
        tenant_obj,
        subscription,
        environment,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let enc = |s: &str| base64::encode_config(s, base64::URL_SAFE_NO_PAD);
        format!("{}.{}.sig", enc(r#"{"alg":"none"}"#), enc(payload))
    }

    #[test]
    fn tenant_comes_from_the_tid_claim() {
        assert_eq!(
            token_tenant_id(&jwt(r#"{"tid":"t-1","oid":"x"}"#)).as_deref(),
            Some("t-1")
        );
        assert_eq!(token_tenant_id(&jwt(r#"{"oid":"x"}"#)), None);
        assert_eq!(token_tenant_id("not a jwt"), None);
        assert_eq!(token_tenant_id("a.%%%.c"), None);
    }

    fn login(tenant: Option<&str>, sub: Option<&str>) -> AccessTokenLogin {
        AccessTokenLogin {
            access_token: jwt(r#"{"tid":"from-token"}"#),
            account_id: "jane@contoso.com".into(),
            tenant: tenant.map(Into::into),
            subscription: sub.map(Into::into),
            skip_validation: true,
            ..Default::default()
        }
    }

    #[test]
    fn skip_validation_builds_az_s_context() {
        let p = Profile::new();
        let ctx = access_token_context(&p, &login(Some("T"), Some("S"))).unwrap();
        assert_eq!(ctx.generated_key(), " (S) - T - jane@contoso.com");
        assert_eq!(ctx.account().unwrap().account_type(), Some("AccessToken"));
        assert_eq!(ctx.environment().unwrap().name(), Some("AzureCloud"));
    }

    #[test]
    fn skip_validation_takes_the_tenant_from_the_token() {
        let p = Profile::new();
        let ctx = access_token_context(&p, &login(None, Some("S"))).unwrap();
        assert_eq!(ctx.tenant().unwrap().id(), Some("from-token"));
    }

    #[test]
    fn skip_validation_without_a_subscription_gives_az_s_message() {
        let err = access_token_context(&Profile::new(), &login(Some("T"), None)).unwrap_err();
        assert_eq!(err.to_string(), SKIP_VALIDATION_NEEDS_IDS);
    }

    #[test]
    fn without_skip_validation_the_network_form_is_refused() {
        let mut l = login(Some("T"), Some("S"));
        l.skip_validation = false;
        let err = access_token_context(&Profile::new(), &l).unwrap_err();
        assert!(matches!(err, Error::NotSupported(_)));
        assert!(err.to_string().contains("Nothing was changed"));
    }

    #[test]
    fn an_unknown_environment_gives_az_s_message() {
        let mut l = login(Some("T"), Some("S"));
        l.environment = Some("Nowhere".into());
        let err = access_token_context(&Profile::new(), &l).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unable to find environment with name 'Nowhere'"
        );
    }

    fn profile_with(contexts: &[(&str, &str, &str, &str)]) -> Profile {
        // (account, tenant, subscription id, subscription name)
        let mut p = Profile::new();
        for (a, t, s, n) in contexts {
            let mut ctx =
                Context::for_access_token(a, "tok", &[], t, s, Some(n), Some("Enabled"), None);
            ctx.account_mut().unwrap().set_account_type(Some("User"));
            p.set_context(&ctx, None, &[]).unwrap();
        }
        p
    }

    #[test]
    fn subscription_resolves_by_id_or_name_ignoring_case() {
        let p = profile_with(&[("me", "t1", "s1", "Prod"), ("me", "t2", "s2", "Dev")]);
        let by_name = resolve_subscription_context(&p, Some("dev"), None).unwrap();
        assert_eq!(by_name.subscription().unwrap().id(), Some("s2"));
        let by_id = resolve_subscription_context(&p, Some("S1"), None).unwrap();
        assert_eq!(by_id.subscription().unwrap().name(), Some("Prod"));
        assert_eq!(by_id.tenant().unwrap().id(), Some("t1"));
    }

    #[test]
    fn tenant_narrows_and_alone_picks_that_tenant() {
        let p = profile_with(&[("me", "t1", "s1", "Prod"), ("me", "t2", "s2", "Dev")]);
        assert_eq!(
            resolve_subscription_context(&p, None, Some("t2"))
                .unwrap()
                .subscription()
                .unwrap()
                .id(),
            Some("s2")
        );
        let err = resolve_subscription_context(&p, Some("s1"), Some("t2")).unwrap_err();
        assert_eq!(err.to_string(), INVALID_SUBSCRIPTION);
        assert_eq!(
            resolve_subscription_context(&p, None, Some(" "))
                .unwrap_err()
                .to_string(),
            BLANK_TENANT
        );
    }

    #[test]
    fn only_the_current_account_s_subscriptions_and_tenants_count() {
        // "dave" stored Dave Prod in t2; "carol" (signed in last, the current account) has only t1.
        let p = profile_with(&[
            ("dave", "t2", "s6", "Dave Prod"),
            ("carol", "t1", "s5", "Carol Dev"),
        ]);
        assert_eq!(
            p.default_context().unwrap().1.account().unwrap().id(),
            Some("carol")
        );
        for (sub, tenant) in [
            (Some("Dave Prod"), None),
            (Some("S6"), None),
            (None, Some("t2")),
        ] {
            let err = resolve_subscription_context(&p, sub, tenant).unwrap_err();
            assert!(
                matches!(err, Error::NotFound { .. }),
                "{sub:?} {tenant:?}: {err}"
            );
            assert_eq!(err.to_string(), INVALID_SUBSCRIPTION);
        }
        let own = resolve_subscription_context(&p, Some("carol dev"), None).unwrap();
        assert_eq!(own.account().unwrap().id(), Some("carol"));
    }

    #[test]
    fn unknown_subscription_and_no_login_give_az_s_messages() {
        let p = profile_with(&[("me", "t1", "s1", "Prod")]);
        assert_eq!(
            resolve_subscription_context(&p, Some("nope"), None)
                .unwrap_err()
                .to_string(),
            INVALID_SUBSCRIPTION
        );
        let err = resolve_subscription_context(&Profile::new(), Some("s1"), None).unwrap_err();
        assert!(matches!(err, Error::LoginRequired(_)));
        assert_eq!(err.to_string(), LOGIN_REQUIRED);
    }

    #[test]
    fn disconnect_targets() {
        let p = profile_with(&[
            ("me@x.com", "t1", "s1", "Prod"),
            ("you@x.com", "t2", "s2", "Dev"),
        ]);
        let current = disconnect_account(&p, &DisconnectTarget::Current)
            .unwrap()
            .unwrap();
        assert!(current.id().is_some());
        let by_name = disconnect_account(&p, &DisconnectTarget::Account("ME@x.com".into()))
            .unwrap()
            .unwrap();
        assert_eq!(by_name.id(), Some("me@x.com"));
        assert!(disconnect_account(&p, &DisconnectTarget::ContextName("nope".into())).is_err());
        assert!(
            disconnect_account(&Profile::new(), &DisconnectTarget::Current)
                .unwrap()
                .is_none()
        );
    }
}
