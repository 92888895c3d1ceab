using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
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
        ContextToken t;
        try
        {
            string resource = ResourceUrl ?? AuthScopeCompleter.Resource(ResourceTypeName ?? "Arm", environment);
            t = ContextTokens.Get(this, context!, TenantId, resource, WriteWarning, _cancel.Token);
        }
        catch (SignInFailure e)
        {
            ThrowTerminatingError(SignInRequest.ToErrorRecord(e, accountId));
            return;
        }
        catch (PSInvalidOperationException e)
        {
            ThrowTerminatingError(ErrorMap.Create(e, "SignInRequired", ErrorCategory.AuthenticationError, accountId));
            return;
        }
        catch (PSArgumentException e)
        {
            ThrowTerminatingError(ErrorMap.Create(e, "InvalidResource", ErrorCategory.InvalidArgument, ResourceTypeName ?? ResourceUrl));
            return;
        }
        WriteVerbose($"Token for '{accountId}' from {t.Source}, expires {t.ExpiresOn.ToString("o", CultureInfo.InvariantCulture)}.");
        WriteObject(new PSSecureAccessToken(Secure(t.Token), t.ExpiresOn, t.TenantId, t.UserId, t.Type));
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
