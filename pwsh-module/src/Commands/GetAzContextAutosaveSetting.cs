using System.Management.Automation;
using AzContext.Native;
using Microsoft.Azure.Commands.Common.Authentication;
using Microsoft.Azure.Commands.Profile.Common;

namespace AzContext.Commands;

/// <summary>
/// Get-AzContextAutosaveSetting: whether contexts are saved for later sessions, and where.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AzContextAutosaveSetting")]
[OutputType(typeof(ContextAutosaveSettings))]
public sealed class GetAzContextAutosaveSettingCommand : AzContextCmdlet
{
    /// <summary>Process: this session's mode; CurrentUser: the user's settings file.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        uint scope = (uint)ToNative(MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) ? Scope : null);
        string json = CallJson((s, c) => (out nint j) => NativeMethods.azctx_autosave_get(s, c, scope, out j));
        WriteObject(ContextAutosaveSettings.FromJson(json));
    }
}
