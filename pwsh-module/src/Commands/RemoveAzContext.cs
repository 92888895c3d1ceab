using System;
using System.Linq;
using System.Management.Automation;
using AzContext.Completers;
using AzContext.Native;
using AzContext.SignIn;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Remove-AzContext: removes a stored context, by name or from a piped context. Removing the default
/// asks first (unless -Force); the new default is then the ordinal-first remaining name.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "AzContext", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(PSAzureContext))]
public sealed class RemoveAzContextCommand : ContextCmdlet
{
    private const string InputObjectSet = "RemoveByInputObject";
    private const string NameSet = "RemoveByName";

    /// <summary>The context to remove (Get-AzContext output); piped by value.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public PSAzureContext? InputObject { get; set; }

    /// <summary>The name of the context to remove. A name that is not stored does nothing.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Removes the context even if it is the default, without asking.</summary>
    [Parameter(Mandatory = false)]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the removed context.</summary>
    [Parameter(Mandatory = false)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Process: this session only; CurrentUser: also the store on disk.</summary>
    [Parameter(Mandatory = false)]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        string? requested = ParameterSetName == NameSet ? Name : InputObject?.Name;
        if (string.IsNullOrEmpty(requested))
        {
            return;
        }
        if (GetStored(requested) is not PSAzureContext stored)
        {
            if (ParameterSetName == NameSet)
            {
                UnknownContextName.Throw(this, nameof(Name), requested);
            }
            return; // A piped context that is no longer stored: nothing to remove, as in Az.
        }
        string name = stored.Name ?? requested;

        if (!ShouldProcess("Context", $"Remove context '{name}'"))
        {
            return;
        }
        bool isDefault = IsCurrent(name);
        if (isDefault && !Force &&
            !ShouldContinue($"'{name}' is the default context used for communicating with Azure.  Are you sure you want to remove the default context?", string.Empty))
        {
            return;
        }

        uint scope = ScopeArgument(Scope);
        uint forceArg = isDefault || Force ? 1u : 0u;
        // The library decides, inside the locked change, whether this was the last context of a user
        // account, and says so as a warning.
        string? json = CallChangeOrWriteError((s, c) => (out nint j) =>
            NativeMethods.azctx_context_remove(s, c, name, forceArg, scope, out j), name);
        PSAzureContext? removed = json is null ? null : PSAzureContext.FromJson(json);
        // A user's last context gone: the user's tokens leave the token cache too.
        if (removed?.Account is { Id: { Length: > 0 } id, Type: "User" }
            && !StoredContexts().Any(c => string.Equals(c.Account?.Id, id, StringComparison.OrdinalIgnoreCase)))
        {
            TokenRemoval.Remove(this, new[] { removed }, scope);
        }
        if (PassThru && removed is not null)
        {
            WriteObject(removed);
        }
    }
}
