using System;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Completers;
using AzContext.Models;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// Get-AzEnvironment: the environments (clouds) known offline: AzureCloud, AzureChinaCloud,
/// AzureUSGovernment and the custom ones in the store, or the one named by -Name.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AzEnvironment")]
[OutputType(typeof(PSAzureEnvironment))]
public sealed class GetAzEnvironmentCommand : AzContextCmdlet
{
    /// <summary>The name of an environment (ignoring case). An unknown name writes nothing.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        string json = CallJson((s, c) => (out nint j) => NativeMethods.azctx_environment_list(s, c, out j));
        if (Json.Parse(json) is not JsonArray list)
        {
            return;
        }
        foreach (JsonNode? item in list)
        {
            if (item is not JsonObject o)
            {
                continue;
            }
            if (Name is null || string.Equals(Json.Str(o, "Name"), Name, StringComparison.OrdinalIgnoreCase))
            {
                WriteObject(new PSAzureEnvironment(o));
            }
        }
    }
}
