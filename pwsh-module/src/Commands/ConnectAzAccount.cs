using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Arm;
using AzContext.Models;
using AzContext.Native;
using AzContext.SignIn;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Connect-AzAccount (aliases Login-AzAccount, Add-AzAccount), with Az's parameter sets. Sign-in goes
/// through the module's MSAL engine (loaded on first use into its own AssemblyLoadContext) with Azure
/// PowerShell's public client id and the environment's authority; the account it produces goes to the
/// core as JSON with the tenants and subscriptions Azure Resource Manager lists for it; the core stores
/// one context per subscription in one locked write (every one by default; -MaxContextPopulation and
/// -SkipContextPopulation limit that) and makes Az's choice of default current (the tenant-level
/// context when there is no subscription). The access-token form with -SkipValidation stays offline. Secrets (passwords, client secrets, certificate passwords, federated tokens) are
/// handed to MSAL only: never stored, never written out.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "AzAccount", DefaultParameterSetName = UserWithSubscriptionId, SupportsShouldProcess = true)]
[Alias("Login-AzAccount", "Add-AzAccount")]
[OutputType(typeof(PSAzureProfile))]
public sealed class ConnectAzAccountCommand : AzContextCmdlet
{
    private const string UserWithSubscriptionId = "UserWithSubscriptionId";
    private const string UserWithCredential = "UserWithCredential";
    private const string ServicePrincipalWithSubscriptionId = "ServicePrincipalWithSubscriptionId";
    private const string ServicePrincipalCertificateWithSubscriptionId = "ServicePrincipalCertificateWithSubscriptionId";
    private const string ServicePrincipalCertificateFileWithSubscriptionId = "ServicePrincipalCertificateFileWithSubscriptionId";
    private const string ClientAssertionParameterSet = "ClientAssertionParameterSet";
    private const string ManagedServiceLogin = "ManagedServiceLogin";
    private const string AccessTokenWithSubscriptionId = "AccessTokenWithSubscriptionId";

    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The cloud to sign in to (default AzureCloud); a custom one from Add-AzEnvironment works too.</summary>
    [Parameter]
    [Alias("EnvironmentName")]
    public string? Environment { get; set; }

    /// <summary>The user name and password (UserWithCredential), or the application id and secret (-ServicePrincipal).</summary>
    [Parameter(ParameterSetName = ServicePrincipalWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = UserWithCredential, Mandatory = true)]
    public PSCredential? Credential { get; set; }

    /// <summary>The thumbprint of the service principal's certificate, in the CurrentUser or LocalMachine My store.</summary>
    [Parameter(ParameterSetName = ServicePrincipalCertificateWithSubscriptionId, Mandatory = true)]
    public string? CertificateThumbprint { get; set; }

    /// <summary>The service principal's application (client) id.</summary>
    [Parameter(ParameterSetName = ServicePrincipalCertificateWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = ClientAssertionParameterSet, Mandatory = true)]
    [Parameter(ParameterSetName = ServicePrincipalCertificateFileWithSubscriptionId, Mandatory = true)]
    public string? ApplicationId { get; set; }

    /// <summary>Signs in as a service principal.</summary>
    [Parameter(ParameterSetName = ServicePrincipalWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = ClientAssertionParameterSet, Mandatory = true)]
    [Parameter(ParameterSetName = ServicePrincipalCertificateWithSubscriptionId)]
    [Parameter(ParameterSetName = ServicePrincipalCertificateFileWithSubscriptionId)]
    public SwitchParameter ServicePrincipal { get; set; }

    /// <summary>The tenant (directory) id or domain.</summary>
    [Parameter(ParameterSetName = UserWithSubscriptionId)]
    [Parameter(ParameterSetName = UserWithCredential)]
    [Parameter(ParameterSetName = ServicePrincipalWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId)]
    [Parameter(ParameterSetName = ServicePrincipalCertificateWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = ServicePrincipalCertificateFileWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = ClientAssertionParameterSet, Mandatory = true)]
    [Parameter(ParameterSetName = ManagedServiceLogin)]
    [Alias("Domain", "TenantId")]
    [ValidateNotNullOrEmpty]
    public string? Tenant { get; set; }

    /// <summary>The account id: the id the access token was issued to, or a user-assigned managed identity's client id.</summary>
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = ManagedServiceLogin)]
    [Parameter(ParameterSetName = UserWithSubscriptionId)]
    public string? AccountId { get; set; }

    /// <summary>Signs in with the managed identity of this machine or service (system-assigned, or -AccountId).</summary>
    [Parameter(ParameterSetName = ManagedServiceLogin, Mandatory = true)]
    [Alias("MSI", "ManagedService")]
    public SwitchParameter Identity { get; set; }

    /// <summary>Signs in with a device code: prints a code to enter in a browser on any device.</summary>
    [Parameter(ParameterSetName = UserWithSubscriptionId)]
    [Alias("DeviceCode", "DeviceAuth", "Device")]
    public SwitchParameter UseDeviceAuthentication { get; set; }

    /// <summary>The OAuth scope of the sign-in: a resource id, or AadGraph, AnalysisServices, Attestation, Batch, DataLake, KeyVault, ManagedHsm, OperationalInsights, Storage, Synapse.</summary>
    [Parameter(ParameterSetName = UserWithSubscriptionId)]
    [Parameter(ParameterSetName = UserWithCredential)]
    [Parameter(ParameterSetName = ServicePrincipalWithSubscriptionId)]
    [Parameter(ParameterSetName = ServicePrincipalCertificateWithSubscriptionId)]
    [Parameter(ParameterSetName = ManagedServiceLogin)]
    [Alias("AuthScopeTypeName")]
    [ArgumentCompleter(typeof(AuthScopeCompleter))]
    public string? AuthScope { get; set; }

    /// <summary>Sends the certificate's public chain (x5c) with the assertion, for certificate rollover.</summary>
    [Parameter(ParameterSetName = ServicePrincipalCertificateWithSubscriptionId)]
    [Parameter(ParameterSetName = ServicePrincipalCertificateFileWithSubscriptionId)]
    public SwitchParameter SendCertificateChain { get; set; }

    /// <summary>The path of the service principal's certificate file (PKCS#12).</summary>
    [Parameter(ParameterSetName = ServicePrincipalCertificateFileWithSubscriptionId, Mandatory = true)]
    public string? CertificatePath { get; set; }

    /// <summary>The password of the certificate file.</summary>
    [Parameter(ParameterSetName = ServicePrincipalCertificateFileWithSubscriptionId)]
    public SecureString? CertificatePassword { get; set; }

    /// <summary>A federated token (OIDC, e.g. from a CI system) the service principal trusts.</summary>
    [Parameter(ParameterSetName = ClientAssertionParameterSet, Mandatory = true)]
    [Alias("ClientAssertion")]
    [ValidateNotNullOrEmpty]
    public string? FederatedToken { get; set; }

    /// <summary>
    /// The Azure Resource Manager access token, as a string or a SecureString. Bound as a SecureString
    /// (see SecretArgumentTransformationAttribute), like the other token parameters, so that no error
    /// record's BoundParameters holds its text.
    /// </summary>
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId, Mandatory = true)]
    [SecretArgumentTransformation]
    public object? AccessToken { get; set; }

    /// <summary>An AAD Graph access token, stored with the account (ExtendedProperties GraphAccessToken).</summary>
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId)]
    [SecretArgumentTransformation]
    public object? GraphAccessToken { get; set; }

    /// <summary>A Microsoft Graph access token (ExtendedProperties MicrosoftGraphAccessToken).</summary>
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId)]
    [SecretArgumentTransformation]
    public object? MicrosoftGraphAccessToken { get; set; }

    /// <summary>A Key Vault access token (ExtendedProperties KeyVault).</summary>
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId)]
    [SecretArgumentTransformation]
    public object? KeyVaultAccessToken { get; set; }

    /// <summary>Stores the context without asking Azure anything; needs -Subscription and a tenant. Without it, the token lists its tenant's subscriptions through ARM.</summary>
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId)]
    public SwitchParameter SkipValidation { get; set; }

    /// <summary>The subscription of the default context, by id or name (the access-token form: an id).</summary>
    [Parameter(ValueFromPipeline = true)]
    [Alias("SubscriptionName", "SubscriptionId")]
    public string? Subscription { get; set; }

    /// <summary>The name of the new context (default: Az's generated key).</summary>
    [Parameter]
    public string? ContextName { get; set; }

    /// <summary>Creates only the default context, not one per subscription.</summary>
    [Parameter]
    public SwitchParameter SkipContextPopulation { get; set; }

    /// <summary>How many contexts a sign-in creates: -1 (the default) one per subscription; 0 or 1 the default context only; N the default and up to N-1 others.</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int MaxContextPopulation { get; set; } = -1;

    /// <summary>Replaces an existing -ContextName without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Process: this session only, nothing written; CurrentUser: saved for later sessions.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void ProcessRecord()
    {
        if (ParameterSetName != AccessTokenWithSubscriptionId)
        {
            SignInAndStore();
            return;
        }

        string environment = string.IsNullOrEmpty(Environment) ? "AzureCloud" : Environment;
        if (!ConfirmLogin("AccessToken", environment, out string? contextName, out bool replace))
        {
            return;
        }

        JsonObject request;
        try
        {
            request = new JsonObject
            {
                ["AccessToken"] = TokenText(AccessToken, nameof(AccessToken)),
                ["AccountId"] = NativeCall.Arg(AccountId, nameof(AccountId)),
                ["Tenant"] = NativeCall.Arg(Tenant, nameof(Tenant)),
                ["Subscription"] = NativeCall.Arg(Subscription, nameof(Subscription)),
                ["Environment"] = NativeCall.Arg(Environment, nameof(Environment)),
                ["SkipValidation"] = SkipValidation.IsPresent,
                ["ContextName"] = contextName,
                ["GraphAccessToken"] = TokenText(GraphAccessToken, nameof(GraphAccessToken)),
                ["MicrosoftGraphAccessToken"] = TokenText(MicrosoftGraphAccessToken, nameof(MicrosoftGraphAccessToken)),
                ["KeyVaultAccessToken"] = TokenText(KeyVaultAccessToken, nameof(KeyVaultAccessToken)),
            };
        }
        catch (PSArgumentException e)
        {
            ThrowTerminatingError(ErrorMap.Create(e, "InvalidAccessToken", ErrorCategory.InvalidArgument, e.ParamName));
            return;
        }
        if (!SkipValidation)
        {
            ValidateTokenAndStore(request, environment, contextName, replace);
            return;
        }
        string body = request.ToJsonString();
        uint scope = ScopeArgument(Scope);
        uint force = replace ? 1u : 0u;
        // The target of an error is the context name or the account id, never the request (it holds the token).
        object target = (object?)contextName ?? AccountId ?? string.Empty;
        string envelope = Native(() =>
        {
            try
            {
                return RawJson((s, c) => (out nint j) => NativeMethods.azctx_account_connect_token(s, c, body, force, scope, out j), target);
            }
            catch (NativeException e) when (e.Status == AzctxStatus.EnvironmentNotFound)
            {
                // An unknown environment is about -Environment, not the context.
                throw new NativeException(e.Status, e.Message, environment);
            }
        });
        WriteObject(PSAzureProfile.FromJson(Unwrap(envelope)));
    }

    /// <summary>
    /// -AccessToken without -SkipValidation, as Az does it: the token itself lists the subscriptions of its
    /// tenant (-Tenant, else the token's 'tid') through ARM, which validates it; the contexts are stored
    /// as after any sign-in, with the account of type AccessToken holding the tokens (Az's place for them).
    /// A token ARM refuses is an error that changes nothing.
    /// </summary>
    private void ValidateTokenAndStore(JsonObject request, string environment, string? contextName, bool replace)
    {
        JsonObject env = FindEnvironmentOrThrow(environment);
        string token = Json.Str(request, "AccessToken")!;
        string accountId = Json.Str(request, "AccountId")!;
        object target = (object?)contextName ?? accountId;
        if ((Json.Str(request, "Tenant") ?? ContextTokens.TenantOf(token)) is not { Length: > 0 } tenantId)
        {
            ThrowTerminatingError(ErrorMap.Create(new PSArgumentException("The access token names no tenant ('tid' claim): give -Tenant."),
                "TenantRequired", ErrorCategory.InvalidArgument, target));
            return;
        }
        var extended = new JsonObject { ["AccessToken"] = token };
        foreach ((string from, string to) in new[] { ("GraphAccessToken", "GraphAccessToken"), ("MicrosoftGraphAccessToken", "MicrosoftGraphAccessToken"), ("KeyVaultAccessToken", "KeyVault") })
        {
            if (Json.Str(request, from) is { Length: > 0 } t)
            {
                extended[to] = t;
            }
        }
        var account = new JsonObject { ["Id"] = accountId, ["Type"] = "AccessToken", ["ExtendedProperties"] = extended };
        ListAndStore(account, env, environment, tenantId, tenantId, Json.Str(request, "Subscription"), contextName, replace, ScopeArgument(Scope));
    }

    /// <summary>
    /// Lists the tenants (all, or <paramref name="onlyTenant"/>) and their subscriptions through ARM as
    /// <paramref name="account"/>, then stores the contexts (-Subscription, -ContextName and the population
    /// parameters applied by the core) and writes the profile. An ARM or token failure stores nothing.
    /// </summary>
    private void ListAndStore(JsonObject account, JsonObject env, string environment, string tenantId, string? onlyTenant,
        string? subscription, string? contextName, bool replace, uint scope)
    {
        object target = (object?)contextName ?? Json.Str(account, "Id") ?? string.Empty;
        IReadOnlyList<Population.Listed> tenants;
        try
        {
            tenants = Population.List(this, Population.ContextOf(account, env, tenantId), onlyTenant, WriteWarning, _cancel.Token);
        }
        catch (ArmException e)
        {
            ThrowTerminatingError(Population.ToErrorRecord(e, target));
            return;
        }
        catch (SignInFailure e)
        {
            ThrowTerminatingError(SignInRequest.ToErrorRecord(e, environment));
            return;
        }
        var store = new JsonObject
        {
            ["Account"] = account,
            ["Environment"] = Json.Str(env, "Name"),
            ["TenantId"] = tenantId,
            ["Subscription"] = subscription,
            ["ContextName"] = contextName,
            ["MaxContextPopulation"] = MaxContextPopulation,
            ["SkipContextPopulation"] = SkipContextPopulation.IsPresent,
        };
        WriteObject(Population.Store(this, store, tenants, replace, scope, target));
    }

    /// <summary>The environment named <paramref name="environment"/>, or Az's error for an unknown one.</summary>
    private JsonObject FindEnvironmentOrThrow(string environment)
    {
        JsonObject? env = SignInRequest.FindEnvironment(this, NativeCall.Arg(environment, nameof(Environment))!);
        if (env is null)
        {
            ThrowTerminatingError(ErrorMap.Create(new PSInvalidOperationException($"Unable to find environment with name '{environment}'"),
                "EnvironmentNotFound", ErrorCategory.ObjectNotFound, environment));
        }
        return env!;
    }

    /// <summary>
    /// Az's ShouldProcess for a login, then the replace prompt for an existing -ContextName (skipped by
    /// -Force). False when the user declined: nothing is done.
    /// </summary>
    private bool ConfirmLogin(string accountType, string environment, out string? contextName, out bool replace)
    {
        contextName = null;
        replace = Force;
        if (!ShouldProcess($"{accountType} account in environment '{environment}'", "log in"))
        {
            return false;
        }
        contextName = NativeCall.Arg(ContextName, nameof(ContextName));
        if (contextName is not null && !Force && ContextExists(contextName))
        {
            if (!ShouldContinue($"Are you sure you want to replace existing context '{contextName}'?", $"Overwrite existing context '{contextName}'"))
            {
                return false;
            }
            replace = true;
        }
        return true;
    }

    private bool ContextExists(string name)
    {
        string json = CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_get(s, c, name, out j), name);
        return PSAzureContext.FromJson(json) is not null;
    }

    /// <summary>
    /// A token given as a string or a SecureString (or either wrapped in a PSObject). Anything else is
    /// refused with a message that does not repeat the value.
    /// </summary>
    private string? TokenText(object? value, string parameterName)
    {
        object? v = value is PSObject p ? p.BaseObject : value;
        string? text = v switch
        {
            null => null,
            string s => s,
            SecureString ss => new NetworkCredential(string.Empty, ss).Password,
            _ => throw new PSArgumentException($"-{parameterName} must be a string or a SecureString, not a {v.GetType().Name}.", parameterName),
        };
        if (text is not null && text.Contains('\0'))
        {
            throw new PSArgumentException($"-{parameterName} contains a NUL character (U+0000), which a token cannot hold.", parameterName);
        }
        return text;
    }

    /// <summary>
    /// Every form but the access token: signs in through the engine, then hands the account to the core,
    /// which stores it and its context in the effective scope. A failed sign-in changes nothing stored.
    /// </summary>
    private void SignInAndStore()
    {
        string environment = string.IsNullOrEmpty(Environment) ? "AzureCloud" : Environment;
        string accountType = ParameterSetName switch
        {
            UserWithSubscriptionId or UserWithCredential => "User",
            ManagedServiceLogin => "ManagedService",
            ClientAssertionParameterSet => "ClientAssertion",
            _ => "ServicePrincipal",
        };
        JsonObject env = FindEnvironmentOrThrow(environment);
        if (!ConfirmLogin(accountType, environment, out string? contextName, out bool replace))
        {
            return;
        }

        uint scope = ScopeArgument(Scope);
        var request = new JsonObject { ["Tenant"] = Tenant };
        var extended = new JsonObject();
        switch (ParameterSetName)
        {
            case UserWithSubscriptionId:
                request["Flow"] = UseDeviceAuthentication ? "DeviceCode" : "Interactive";
                request["LoginHint"] = AccountId;
                if (UseDeviceAuthentication)
                {
                    extended["UseDeviceAuth"] = "true";
                }
                break;
            case UserWithCredential:
                request["Flow"] = "UsernamePassword";
                request["UserName"] = Credential!.UserName;
                request["Password"] = Credential.GetNetworkCredential().Password;
                extended["UsePasswordAuth"] = "true";
                break;
            case ServicePrincipalWithSubscriptionId:
                request["Flow"] = "ClientSecret";
                request["ClientId"] = Credential!.UserName;
                request["Secret"] = Credential.GetNetworkCredential().Password;
                break;
            case ServicePrincipalCertificateWithSubscriptionId:
                request["Flow"] = "ClientCertificate";
                request["ClientId"] = ApplicationId;
                request["CertificateThumbprint"] = CertificateThumbprint;
                request["SendCertificateChain"] = SendCertificateChain.IsPresent;
                extended["CertificateThumbprint"] = CertificateThumbprint;
                break;
            case ServicePrincipalCertificateFileWithSubscriptionId:
                string path = GetUnresolvedProviderPathFromPSPath(CertificatePath!);
                request["Flow"] = "ClientCertificate";
                request["ClientId"] = ApplicationId;
                request["CertificatePath"] = path;
                request["CertificatePassword"] = CertificatePassword is null ? null : new NetworkCredential(string.Empty, CertificatePassword).Password;
                request["SendCertificateChain"] = SendCertificateChain.IsPresent;
                extended["CertificatePath"] = path;
                break;
            case ClientAssertionParameterSet:
                request["Flow"] = "ClientAssertion";
                request["ClientId"] = ApplicationId;
                request["Assertion"] = FederatedToken;
                break;
            case ManagedServiceLogin:
                request["Flow"] = "ManagedIdentity";
                request["ManagedIdentityClientId"] = AccountId;
                request["AccountId"] = AccountId;
                break;
        }
        if (SendCertificateChain)
        {
            extended["SendCertificateChain"] = "True";
        }
        string reply;
        try
        {
            if (AuthScope is not null)
            {
                request["Resource"] = AuthScopeCompleter.Resource(AuthScope, env);
            }
            SignInRequest.AddEnvironment(request, env);
            request["Cache"] = SignInRequest.Cache(this, scope);
            reply = EngineHost.SignIn(request.ToJsonString(), WriteWarning, _cancel.Token);
        }
        catch (SignInFailure e)
        {
            ThrowTerminatingError(SignInRequest.ToErrorRecord(e, environment));
            return;
        }
        catch (PSArgumentException e)
        {
            ThrowTerminatingError(ErrorMap.Create(e, "InvalidEnvironment", ErrorCategory.InvalidArgument, environment));
            return;
        }
        var signedIn = (JsonObject)Json.Parse(reply)!;
        string accountId = Json.Str(signedIn, "AccountId") ?? string.Empty;
        string tenantId = Json.Str(signedIn, "TenantId") ?? Tenant ?? string.Empty;
        if (Json.Str(signedIn, "HomeAccountId") is { Length: > 0 } home)
        {
            extended["HomeAccountId"] = home;
        }
        var account = new JsonObject
        {
            ["Id"] = accountId,
            ["Type"] = Json.Str(signedIn, "AccountType"),
            ["ExtendedProperties"] = extended,
        };
        ListAndStore(account, env, environment, tenantId, Tenant is null ? null : tenantId, NativeCall.Arg(Subscription, nameof(Subscription)), contextName, replace, scope);
    }
}
