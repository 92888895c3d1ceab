using System.Management.Automation;

namespace AzFloor;

/// <summary>Does nothing: what pwsh charges to import and call any binary module.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AzFloorNoOp")]
public sealed class InvokeAzFloorNoOpCommand : PSCmdlet
{
    protected override void ProcessRecord() => WriteObject(null);
}
