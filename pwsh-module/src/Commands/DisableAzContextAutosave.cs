using System.Management.Automation;
using AzContext.Native;
using Microsoft.Azure.Commands.Common.Authentication;
using Microsoft.Azure.Commands.Profile.Common;

namespace AzContext.Commands;

/// <summary>
/// Disable-AzContextAutosave: contexts are kept in memory only from now on, for this session (-Scope
/// Process) or for every new session of the user (the default: the settings file is rewritten with Mode
/// Process). The contexts in memory are kept and no file is deleted; Clear-AzContext removes stored
/// contexts.
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "AzContextAutosave", SupportsShouldProcess = true)]
[OutputType(typeof(ContextAutosaveSettings))]
public sealed class DisableAzContextAutosaveCommand : AzContextCmdlet
{
    /// <summary>Process: this session only; CurrentUser (the default): every new session of the user.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        // Az's own rule here: Process only when asked for; the AzContextAutoSave variable does not matter.
        bool process = MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) && Scope == ContextModificationScope.Process;
        bool confirmed = process
            ? ShouldProcess("Current session", "Do not autosave the context in the current session")
            : ShouldProcess("Current user", "Never autosave the context for the current user");
        if (!confirmed)
        {
            return;
        }
        uint scope = (uint)(process ? AzctxScope.Process : AzctxScope.CurrentUser);
        string json = CallJson((s, c) => (out nint j) => NativeMethods.azctx_autosave_disable(s, c, scope, out j));
        WriteObject(ContextAutosaveSettings.FromJson(json));
    }
}
