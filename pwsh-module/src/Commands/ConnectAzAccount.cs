using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Connect-AzAccount (aliases Login-AzAccount, Add-AzAccount). AzContext makes no network calls, so only
/// the access-token form with -SkipValidation signs in: it stores an AccessToken account and its context,
/// as Az does, and writes a PSAzureProfile whose Context is the new default. Every other form (interactive,
/// device code, service principal, managed identity, an access token to validate) ends with the error
/// 'NotSupportedOffline' and changes nothing.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "AzAccount", DefaultParameterSetName = UserWithSubscriptionId, SupportsShouldProcess = true)]
[Alias("Login-AzAccount", "Add-AzAccount")]
[OutputType(typeof(PSAzureProfile))]
public sealed class ConnectAzAccountCommand : AzContextCmdlet
{
    private const string UserWithSubscriptionId = "UserWithSubscriptionId";
    private const string ServicePrincipalWithSubscriptionId = "ServicePrincipalWithSubscriptionId";
    private const string ManagedServiceLogin = "ManagedServiceLogin";
    private const string AccessTokenWithSubscriptionId = "AccessTokenWithSubscriptionId";

    /// <summary>The cloud to sign in to (default AzureCloud); a custom one from Add-AzEnvironment works too.</summary>
    [Parameter]
    [Alias("EnvironmentName")]
    public string? Environment { get; set; }

    /// <summary>The tenant (directory) id or domain; taken from the token's tid claim when omitted.</summary>
    [Parameter(ParameterSetName = UserWithSubscriptionId)]
    [Parameter(ParameterSetName = ServicePrincipalWithSubscriptionId, Mandatory = true)]
    [Parameter(ParameterSetName = ManagedServiceLogin)]
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId)]
    [Alias("Domain", "TenantId")]
    public string? Tenant { get; set; }

    /// <summary>The account id: the user name, or the id the access token was issued to.</summary>
    [Parameter(ParameterSetName = UserWithSubscriptionId)]
    [Parameter(ParameterSetName = ManagedServiceLogin)]
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId, Mandatory = true)]
    public string? AccountId { get; set; }

    /// <summary>Signs in with a device code (needs the network: not available yet).</summary>
    [Parameter(ParameterSetName = UserWithSubscriptionId)]
    [Alias("DeviceCode", "DeviceAuth", "Device")]
    public SwitchParameter UseDeviceAuthentication { get; set; }

    /// <summary>Signs in as a service principal (needs the network: not available yet).</summary>
    [Parameter(ParameterSetName = ServicePrincipalWithSubscriptionId, Mandatory = true)]
    public SwitchParameter ServicePrincipal { get; set; }

    /// <summary>The service principal's application id and secret.</summary>
    [Parameter(ParameterSetName = ServicePrincipalWithSubscriptionId, Mandatory = true)]
    public PSCredential? Credential { get; set; }

    /// <summary>Signs in with the managed identity of the machine (needs the network: not available yet).</summary>
    [Parameter(ParameterSetName = ManagedServiceLogin, Mandatory = true)]
    [Alias("ManagedService")]
    public SwitchParameter Identity { get; set; }

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

    /// <summary>Stores the context without asking Azure anything; needs -Subscription and a tenant.</summary>
    [Parameter(ParameterSetName = AccessTokenWithSubscriptionId)]
    public SwitchParameter SkipValidation { get; set; }

    /// <summary>The subscription id of the context.</summary>
    [Parameter(ValueFromPipeline = true)]
    [Alias("SubscriptionName", "SubscriptionId")]
    public string? Subscription { get; set; }

    /// <summary>The name of the new context (default: Az's generated key).</summary>
    [Parameter]
    public string? ContextName { get; set; }

    /// <summary>Creates contexts only for the chosen subscription (the offline form creates one anyway).</summary>
    [Parameter]
    public SwitchParameter SkipContextPopulation { get; set; }

    /// <summary>How many contexts to create at sign-in (-1 all, 0 none; the offline form creates one).</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int MaxContextPopulation { get; set; } = 25;

    /// <summary>Replaces an existing -ContextName without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Process: this session only, nothing written; CurrentUser: saved for later sessions.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != AccessTokenWithSubscriptionId)
        {
            ThrowTerminatingError(NotSupported(ParameterSetName switch
            {
                ServicePrincipalWithSubscriptionId => "Connect-AzAccount -ServicePrincipal signs in to Azure over the network, which AzContext cannot do yet.",
                ManagedServiceLogin => "Connect-AzAccount -Identity signs in with a managed identity over the network, which AzContext cannot do yet.",
                _ when UseDeviceAuthentication => "Connect-AzAccount -UseDeviceAuthentication signs in to Azure over the network, which AzContext cannot do yet.",
                _ => "Interactive sign-in to Azure needs the network, which AzContext cannot do yet.",
            } + " Use Connect-AzAccount -AccessToken <token> -AccountId <id> -Tenant <tenant> -Subscription <subscription> -SkipValidation. Nothing was changed."));
            return;
        }

        string environment = string.IsNullOrEmpty(Environment) ? "AzureCloud" : Environment;
        if (!ShouldProcess($"AccessToken account in environment '{environment}'", "log in"))
        {
            return;
        }

        bool replace = Force;
        string? contextName = NativeCall.Arg(ContextName, nameof(ContextName));
        if (contextName is not null && !Force && ContextExists(contextName))
        {
            if (!ShouldContinue($"Are you sure you want to replace existing context '{contextName}'?", $"Overwrite existing context '{contextName}'"))
            {
                return;
            }
            replace = true;
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

    private ErrorRecord NotSupported(string message) =>
        ErrorMap.Create(new PSNotSupportedException(message), "NotSupportedOffline", ErrorCategory.NotImplemented, ParameterSetName);
}
