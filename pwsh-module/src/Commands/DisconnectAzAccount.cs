using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Completers;
using AzContext.Models;
using AzContext.Native;
using AzContext.SignIn;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Disconnect-AzAccount (aliases Logout-AzAccount, Remove-AzAccount): signs an account out by removing
/// every context whose account Id matches (ignoring case) in the chosen scope, and writes that account
/// (without secrets). The account is the current one, a user name, the account of a named context or of
/// a context object, an account object, or a service principal.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "AzAccount", DefaultParameterSetName = ContextNameSet, SupportsShouldProcess = true)]
[Alias("Logout-AzAccount", "Remove-AzAccount")]
[OutputType(typeof(PSAzureRmAccount))]
public sealed class DisconnectAzAccountCommand : ContextCmdlet
{
    private const string ContextNameSet = "ContextName";
    private const string UserIdSet = "UserId";
    private const string ServicePrincipalSet = "ServicePrincipal";
    private const string AccountObjectSet = "AccountObject";
    private const string ContextObjectSet = "ContextObject";

    /// <summary>The name of a stored context whose account signs out (default: the current context).</summary>
    [Parameter(ParameterSetName = ContextNameSet)]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? ContextName { get; set; }

    /// <summary>The account Id (user name) to sign out.</summary>
    [Parameter(ParameterSetName = UserIdSet, Mandatory = true, Position = 0)]
    [Alias("Id", "UserId")]
    public string? Username { get; set; }

    /// <summary>The application id of a service principal to sign out.</summary>
    [Parameter(ParameterSetName = ServicePrincipalSet, Mandatory = true)]
    [Alias("SPN", "ServicePrincipal")]
    public string? ApplicationId { get; set; }

    /// <summary>The tenant of the service principal.</summary>
    [Parameter(ParameterSetName = ServicePrincipalSet, Mandatory = true)]
    public string? TenantId { get; set; }

    /// <summary>An account object (from a context's Account property).</summary>
    [Parameter(ParameterSetName = AccountObjectSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public PSAzureRmAccount? InputObject { get; set; }

    /// <summary>A context object (from Get-AzContext) whose account signs out.</summary>
    [Parameter(ParameterSetName = ContextObjectSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public PSAzureContext? AzureContext { get; set; }

    /// <summary>Process: this session only, nothing written; CurrentUser: also the saved contexts.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        // The library resolves the target (the current context, a context name, an account, a service
        // principal) on this session's view, and removes every context of that account.
        JsonObject request;
        string? accountId;
        switch (ParameterSetName)
        {
            case UserIdSet:
                accountId = NativeCall.Arg(Username, nameof(Username));
                request = new JsonObject { ["Username"] = accountId };
                break;
            case ServicePrincipalSet:
                accountId = NativeCall.Arg(ApplicationId, nameof(ApplicationId));
                request = new JsonObject { ["ApplicationId"] = accountId, ["TenantId"] = NativeCall.Arg(TenantId, nameof(TenantId)) };
                break;
            case AccountObjectSet:
                accountId = NativeCall.Arg(InputObject?.Id, "Id");
                request = new JsonObject { ["Username"] = accountId };
                break;
            case ContextObjectSet:
                accountId = NativeCall.Arg(AzureContext?.Account?.Id, "Id");
                request = new JsonObject { ["Username"] = accountId };
                break;
            default:
                string? name = NativeCall.Arg(ContextName, nameof(ContextName));
                if (name is not null && GetStored(name) is null)
                {
                    UnknownContextName.Throw(this, nameof(ContextName), name);
                    return;
                }
                accountId = null;
                request = name is null ? new JsonObject() : new JsonObject { ["ContextName"] = name };
                break;
        }

        bool byContext = ParameterSetName == ContextNameSet;
        if (!byContext && string.IsNullOrEmpty(accountId))
        {
            WriteError(ErrorMap.Create(new PSArgumentException("Provide a valid account or context"), "InvalidAccountOrContext", ErrorCategory.InvalidArgument, null));
            return;
        }

        if (!ShouldProcess(byContext ? $"Log out principal of context '{ContextName ?? "(current)"}'" : $"Log out principal '{accountId}'", "log out"))
        {
            return;
        }

        string body = request.ToJsonString();
        uint scope = ScopeArgument(Scope);
        // The contexts that go: their signed-in accounts' tokens leave the token cache too (Az).
        // (The library resolves the account; which contexts were its is known from its answer.)
        var before = StoredContexts();
        string? json = CallChangeOrWriteError((s, c) => (out nint j) => NativeMethods.azctx_account_disconnect(s, c, body, scope, out j), (object?)ContextName ?? accountId);
        if (json is null)
        {
            return;
        }
        if (Json.Parse(json) is JsonObject account)
        {
            string? id = Json.Str(account, "Id");
            TokenRemoval.Remove(this, before.Where(c => string.Equals(c.Account?.Id, id, StringComparison.OrdinalIgnoreCase)), scope);
            WriteObject(new PSAzureRmAccount(account));
        }
        else if (ParameterSetName == ServicePrincipalSet)
        {
            // No stored context has this service principal: as in Az, the account is still the output.
            WriteObject(new PSAzureRmAccount(new JsonObject { ["Id"] = accountId, ["Type"] = "ServicePrincipal" }));
        }
        else if (byContext)
        {
            WriteVerbose("No accounts were found to disconnect from. Ending call to Disconnect-AzAccount.");
            WriteObject(null);
        }
    }
}
