using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Models;
using AzContext.Native;
using AzContext.SignIn;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// Get-AzAccessToken: a token for the current context's account (or -DefaultProfile's), served from the
/// token cache when it holds a fresh one and refreshed otherwise. As in current Az, the token is a
/// SecureString (-AsSecureString is accepted and changes nothing); it never appears in any text.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AzAccessToken", DefaultParameterSetName = KnownResourceSet)]
[OutputType(typeof(PSSecureAccessToken))]
public sealed class GetAzAccessTokenCommand : AzContextCmdlet
{
    private const string KnownResourceSet = "KnownResourceTypeName";
    private const string ResourceUrlSet = "ResourceUrl";

    private readonly CancellationTokenSource _cancel = new();

    /// <summary>A resource type: Arm (the default), AadGraph, AnalysisServices, AppConfiguration, Attestation, Batch, DataLake, KeyVault, ManagedHsm, MSGraph, OperationalInsights, ResourceManager, Storage, Synapse.</summary>
    [Parameter(ParameterSetName = KnownResourceSet)]
    [ArgumentCompleter(typeof(AuthScopeCompleter))]
    public string? ResourceTypeName { get; set; }

    /// <summary>The resource (audience) of the token, e.g. https://graph.microsoft.com/.</summary>
    [Parameter(ParameterSetName = ResourceUrlSet, Mandatory = true)]
    [Alias("Resource", "ResourceUri")]
    [ValidateNotNullOrEmpty]
    public string? ResourceUrl { get; set; }

    /// <summary>The tenant of the token (default: the context's tenant).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>Accepted for compatibility: the token is always a SecureString, as in current Az.</summary>
    [Parameter]
    public SwitchParameter AsSecureString { get; set; }

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void ProcessRecord()
    {
        string json = CurrentContextJson();
        var context = Json.Parse(json) as JsonObject;
        JsonObject? account = Json.Obj(context, "Account");
        JsonObject? environment = Json.Obj(context, "Environment");
        if (account is null || environment is null)
        {
            ThrowTerminatingError(ErrorMap.Create(new PSInvalidOperationException("Run Connect-AzAccount to login."), "LoginRequired", ErrorCategory.InvalidOperation, null));
            return;
        }
        string accountId = Json.Str(account, "Id") ?? "";
        string type = Json.Str(account, "Type") ?? "";
        string? tenant = TenantId ?? Json.Str(Json.Obj(context, "Tenant"), "Id");

        if (type == "AccessToken")
        {
            WriteStoredToken(account, accountId, tenant);
            return;
        }

        var request = new JsonObject
        {
            ["AccountType"] = type,
            ["AccountId"] = accountId,
            ["HomeAccountId"] = Json.Str(Json.Obj(account, "ExtendedProperties"), "HomeAccountId"),
            ["CertificatePath"] = Json.Str(Json.Obj(account, "ExtendedProperties"), "CertificatePath"),
            ["CertificateThumbprint"] = Json.Str(Json.Obj(account, "ExtendedProperties"), "CertificateThumbprint"),
            ["SendCertificateChain"] = string.Equals(Json.Str(Json.Obj(account, "ExtendedProperties"), "SendCertificateChain"), "True", StringComparison.OrdinalIgnoreCase),
            ["Tenant"] = tenant,
        };
        string reply;
        try
        {
            request["Resource"] = ResourceUrl ?? AuthScopeCompleter.Resource(ResourceTypeName ?? "Arm", environment);
            if (type == "ManagedService" && accountId != "MSI@50342")
            {
                request["ManagedIdentityClientId"] = accountId;
            }
            SignInRequest.AddEnvironment(request, environment);
            request["Cache"] = SignInRequest.Cache(this, (uint)AzctxScope.Default);
            reply = EngineHost.GetToken(request.ToJsonString(), WriteWarning, _cancel.Token);
        }
        catch (SignInFailure e)
        {
            ThrowTerminatingError(SignInRequest.ToErrorRecord(e, accountId));
            return;
        }
        catch (PSArgumentException e)
        {
            ThrowTerminatingError(ErrorMap.Create(e, "InvalidResource", ErrorCategory.InvalidArgument, ResourceTypeName ?? ResourceUrl));
            return;
        }
        var r = (JsonObject)Json.Parse(reply)!;
        string token = Json.Str(r, "Token") ?? "";
        WriteVerbose($"Token for '{accountId}' from {Json.Str(r, "Source") ?? "the authority"}, expires {Json.Str(r, "ExpiresOn")}.");
        WriteObject(new PSSecureAccessToken(Secure(token), DateTimeOffset.Parse(Json.Str(r, "ExpiresOn")!, CultureInfo.InvariantCulture),
            Json.Str(r, "TenantId") ?? tenant, Json.Str(r, "UserId") ?? accountId, Json.Str(r, "Type") ?? "Bearer"));
    }

    /// <summary>An access-token account's own token, as Az returns it (its expiry read from the token).</summary>
    private void WriteStoredToken(JsonObject account, string accountId, string? tenant)
    {
        string? token = Json.Str(Json.Obj(account, "ExtendedProperties"), "AccessToken");
        if (string.IsNullOrEmpty(token))
        {
            ThrowTerminatingError(ErrorMap.Create(new PSInvalidOperationException($"The access-token account '{accountId}' holds no token. Run Connect-AzAccount -AccessToken again."),
                "SignInRequired", ErrorCategory.AuthenticationError, accountId));
            return;
        }
        DateTimeOffset expires = DateTimeOffset.MaxValue;
        string[] parts = token.Split('.');
        if (parts.Length > 1)
        {
            try
            {
                string p = parts[1].Replace('-', '+').Replace('_', '/');
                p = p.PadRight(p.Length + ((4 - (p.Length % 4)) % 4), '=');
                if (Json.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(p))) is JsonObject claims
                    && long.TryParse(Json.Str(claims, "exp"), out long exp))
                {
                    expires = DateTimeOffset.FromUnixTimeSeconds(exp);
                }
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                // Not a JWT: no expiry is known.
            }
        }
        WriteObject(new PSSecureAccessToken(Secure(token), expires, tenant, accountId, "Bearer"));
    }

    private static SecureString Secure(string text)
    {
        var s = new SecureString();
        foreach (char c in text)
        {
            s.AppendChar(c);
        }
        s.MakeReadOnly();
        return s;
    }
}
