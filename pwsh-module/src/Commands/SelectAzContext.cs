using System;
using System.Management.Automation;
using AzContext.Completers;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Select-AzContext: makes a stored context the default, by name or from a piped context, and writes
/// the resulting default context.
/// </summary>
[Cmdlet(VerbsCommon.Select, "AzContext", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(PSAzureContext))]
public sealed class SelectAzContextCommand : ContextCmdlet
{
    private const string InputObjectSet = "SelectByInputObject";
    private const string NameSet = "SelectByName";

    /// <summary>A context (Get-AzContext output) whose Name is selected; piped by value.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public PSAzureContext? InputObject { get; set; }

    /// <summary>The name of a stored context (ignoring case); must be one of the stored names.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Process: this session only; CurrentUser: also the store on disk.</summary>
    [Parameter(Mandatory = false)]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        string? name = ParameterSetName == NameSet ? Name : InputObject?.Name;
        if (name is not null)
        {
            name = Native(() => NativeCall.Arg(name, nameof(Name)));
        }
        bool known = !string.IsNullOrEmpty(name) && GetStored(name!) is not null;
        if (ParameterSetName == NameSet && !known)
        {
            UnknownContextName.Throw(this, nameof(Name), name ?? "");
            return;
        }

        if (!ShouldProcess("Context", "Change the current context"))
        {
            return;
        }

        PSAzureContext? result;
        if (known)
        {
            uint scope = ScopeArgument(Scope);
            string n = name!;
            string? json = CallChangeOrWriteError((s, c) => (out nint j) =>
                NativeMethods.azctx_context_select(s, c, n, scope, out j), n);
            if (json is null)
            {
                return;
            }
            result = PSAzureContext.FromJson(json);
        }
        else
        {
            // An object whose Name is not a stored key: the default stays as it is and is written (Az).
            result = GetCurrent();
        }
        if (result is not null)
        {
            WriteObject(result);
        }
    }
}
