using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Completers;
using AzContext.Models;
using AzContext.Native;
using AzContext.SignIn;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Get-AzContext: the current context, one by name, or every stored context (-ListAvailable).
/// </summary>
[Cmdlet(VerbsCommon.Get, "AzContext", DefaultParameterSetName = GetSingleContext)]
[Alias("Get-Context")] // the public docs page spells it so in its -Name example
[OutputType(typeof(PSAzureContext))]
public sealed class GetAzContextCommand : AzContextCmdlet
{
    private const string GetSingleContext = "GetSingleContext";
    private const string ListAllContexts = "ListAllContexts";

    /// <summary>The name of a stored context; any other name is an error listing the stored ones.</summary>
    [Parameter(Position = 0, ParameterSetName = GetSingleContext)]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Lists every stored context, sorted by tenant, then subscription name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ListAllContexts)]
    public SwitchParameter ListAvailable { get; set; }

    /// <summary>Rebuilds the contexts from the token cache first: removes User contexts whose account left it, adds those of cached accounts without one (ARM), keeps the current context.</summary>
    [Parameter(ParameterSetName = ListAllContexts)]
    public SwitchParameter RefreshContextFromTokenCache { get; set; }

    private readonly System.Threading.CancellationTokenSource _cancel = new();

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void ProcessRecord()
    {
        if (ListAvailable)
        {
            if (RefreshContextFromTokenCache)
            {
                CacheRefresh.Run(this, _cancel.Token);
            }
            SessionHandle s = Session;
            CallSettings settings = Settings;
            ContextRecord[] items = Native(() => ContextListCache.Get(s, settings));
            foreach (ContextRecord o in items)
            {
                WriteObject(new PSAzureContext(o));
            }
            return;
        }

        string? name = NativeCall.Arg(Name, nameof(Name));
        string text = name is null
            ? CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_current(s, c, out j))
            : CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_get(s, c, name, out j), name);
        if (PSAzureContext.FromJson(text) is PSAzureContext ctx)
        {
            WriteObject(ctx);
        }
        else if (name is not null)
        {
            UnknownContextName.Throw(this, nameof(Name), name);
        }
    }
}
