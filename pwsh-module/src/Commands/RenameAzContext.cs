using System;
using System.Management.Automation;
using AzContext.Completers;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Rename-AzContext: stores a context under a new name; the default follows the rename.
/// </summary>
[Cmdlet(VerbsCommon.Rename, "AzContext", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(PSAzureContext))]
public sealed class RenameAzContextCommand : ContextCmdlet
{
    private const string InputObjectSet = "RenameByInputObject";
    private const string NameSet = "RenameByName";

    /// <summary>The context to rename (Get-AzContext output); piped by value.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public PSAzureContext? InputObject { get; set; }

    /// <summary>The name of the context to rename. A name that is not stored does nothing.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? SourceName { get; set; }

    /// <summary>The new name. An existing context of that name is replaced after a prompt, or with -Force.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? TargetName { get; set; }

    /// <summary>Replaces an existing context named -TargetName without asking.</summary>
    [Parameter(Mandatory = false)]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the renamed context.</summary>
    [Parameter(Mandatory = false)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Process: this session only; CurrentUser: also the store on disk.</summary>
    [Parameter(Mandatory = false)]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        string? requested = ParameterSetName == NameSet ? SourceName : InputObject?.Name;
        if (string.IsNullOrEmpty(requested) || TargetName is null)
        {
            return;
        }
        string target = Native(() => NativeCall.Arg(TargetName, nameof(TargetName)))!;
        if (string.Equals(requested, target, StringComparison.OrdinalIgnoreCase))
        {
            return; // Az: the same name, ignoring case, is no rename.
        }
        if (GetStored(requested) is not PSAzureContext source)
        {
            if (ParameterSetName == NameSet)
            {
                UnknownContextName.Throw(this, nameof(SourceName), requested);
            }
            return; // A piped context that is no longer stored: nothing to rename, as in Az.
        }
        string src = source.Name ?? requested;

        if (!ShouldProcess("Context", $"Rename context '{src}' to '{target}'"))
        {
            return;
        }
        bool force = Force;
        if (!force && GetStored(target) is not null)
        {
            if (!ShouldContinue($"Overwrite context '{target}' with context '{src}'", string.Empty))
            {
                return;
            }
            force = true;
        }

        uint scope = ScopeArgument(Scope);
        uint forceArg = force ? 1u : 0u;
        string? json = CallChangeOrWriteError((s, c) => (out nint j) =>
            NativeMethods.azctx_context_rename(s, c, src, target, forceArg, scope, out j), target);
        if (PassThru && json is not null && PSAzureContext.FromJson(json) is PSAzureContext renamed)
        {
            WriteObject(renamed);
        }
    }
}
