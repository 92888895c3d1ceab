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
                accountId = InputObject?.Id;
                request = new JsonObject { ["Username"] = accountId };
                break;
            case ContextObjectSet:
                accountId = AzureContext?.Account?.Id;
                request = new JsonObject { ["Username"] = accountId };
                break;
            default:
                if (!ResolveContextAccount(out accountId))
                {
                    return;
                }
                request = new JsonObject { ["Username"] = accountId };
                break;
        }

        if (string.IsNullOrEmpty(accountId))
        {
            WriteError(ErrorMap.Create(new PSArgumentException("Provide a valid account or context"), "InvalidAccountOrContext", ErrorCategory.InvalidArgument, null));
            return;
        }
        NativeCall.Arg(accountId, "Id");

        if (!ShouldProcess($"Log out principal '{accountId}'", "log out"))
        {
            return;
        }

        string body = request.ToJsonString();
        uint scope = EffectiveScope(Scope);
        // The contexts that go: their signed-in accounts' tokens leave the token cache too (Az).
        string id = accountId;
        var leaving = StoredContexts().Where(c => string.Equals(c.Account?.Id, id, StringComparison.OrdinalIgnoreCase)).ToList();
        string? json = NativeOrWriteError(() => NativeCall.Json((out nint j) => NativeMethods.azctx_account_disconnect(Session, StoreDir, AutosaveEnv, body, scope, out j), accountId));
        if (json is null)
        {
            return;
        }
        TokenRemoval.Remove(this, leaving, scope);
        if (Json.Parse(json) is JsonObject account)
        {
            WriteObject(new PSAzureRmAccount(account));
        }
        else if (ParameterSetName == ServicePrincipalSet)
        {
            // No stored context has this service principal: as in Az, the account is still the output.
            WriteObject(new PSAzureRmAccount(new JsonObject { ["Id"] = accountId, ["Type"] = "ServicePrincipal" }));
        }
    }

    /// <summary>
    /// The account of -ContextName, or of the current context. False when the command is over: no
    /// current context (Az's verbose text and $null), or an unknown name (an error was written).
    /// </summary>
    private bool ResolveContextAccount(out string? accountId)
    {
        accountId = null;
        string? name = NativeCall.Arg(ContextName, nameof(ContextName));
        if (name is null)
        {
            string current = Native(() => NativeCall.Json((out nint j) => NativeMethods.azctx_context_current(Session, StoreDir, AutosaveEnv, out j)));
            accountId = PSAzureContext.FromJson(current)?.Account?.Id;
            if (string.IsNullOrEmpty(accountId))
            {
                WriteVerbose("No accounts were found to disconnect from. Ending call to Disconnect-AzAccount.");
                WriteObject(null);
                return false;
            }
            return true;
        }
        string? found = NativeOrWriteError(() => NativeCall.Json((out nint j) => NativeMethods.azctx_context_get(Session, StoreDir, AutosaveEnv, name, out j), name));
        if (found is null)
        {
            return false;
        }
        if (PSAzureContext.FromJson(found) is not PSAzureContext ctx)
        {
            WriteError(ErrorMap.Create(new PSArgumentException($"Unable to find context with name '{name}'"), "ContextNotFound", ErrorCategory.ObjectNotFound, name));
            return false;
        }
        accountId = ctx.Account?.Id;
        return true;
    }
}
