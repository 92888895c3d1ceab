using System.Management.Automation;
using AzContext.Native;
using Microsoft.Azure.Commands.Common.Authentication;
using Microsoft.Azure.Commands.Profile.Common;

namespace AzContext.Commands;

/// <summary>
/// Enable-AzContextAutosave: contexts are saved to the store from now on, for this session (-Scope
/// Process) or for every session of the user (the default: the settings file is rewritten). Unlike Az,
/// the contexts this session holds in memory are saved too (Az #14757), and the settings written out
/// report the scope asked for (Az #10607).
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "AzContextAutosave", SupportsShouldProcess = true)]
[OutputType(typeof(ContextAutosaveSettings))]
public sealed class EnableAzContextAutosaveCommand : AzContextCmdlet
{
    /// <summary>Process: this session only; CurrentUser (the default): every session of the user.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        // Az's own rule here: Process only when asked for; the AzContextAutoSave variable does not matter.
        bool process = MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) && Scope == ContextModificationScope.Process;
        bool confirmed = process
            ? ShouldProcess("Current session", "Autosave the context in the current session")
            : ShouldProcess("Current user", "Always autosave the context for the current user");
        if (!confirmed)
        {
            return;
        }
        uint scope = (uint)(process ? AzctxScope.Process : AzctxScope.CurrentUser);
        string json = CallJson((s, c) => (out nint j) => NativeMethods.azctx_autosave_enable(s, c, scope, out j));
        WriteObject(ContextAutosaveSettings.FromJson(json));
    }
}
