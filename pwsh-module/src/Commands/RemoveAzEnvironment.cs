using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Completers;
using AzContext.Models;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// Remove-AzEnvironment: removes a custom environment and writes it. Public environments are refused
/// ("Removing public environment is not supported."), unknown names too ("The environment name '{0}'
/// is not found."). Contexts that carry a copy of the environment keep it, as in Az.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "AzEnvironment", SupportsShouldProcess = true)]
[OutputType(typeof(PSAzureEnvironment))]
public sealed class RemoveAzEnvironmentCommand : AzContextCmdlet
{
    /// <summary>The name of the custom environment to remove (ignoring case).</summary>
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>Process: this session only, nothing written; CurrentUser: also the saved environments.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        string name = NativeCall.Arg(Name, nameof(Name))!;
        if (!ShouldProcess(name, "removing environment"))
        {
            return;
        }
        uint scope = ScopeArgument(Scope);
        string? json = CallChangeOrWriteError((s, c) => (out nint j) => NativeMethods.azctx_environment_remove(s, c, name, scope, out j), name);
        if (json is not null && Json.Parse(json) is JsonObject env)
        {
            WriteObject(new PSAzureEnvironment(env));
        }
    }
}
