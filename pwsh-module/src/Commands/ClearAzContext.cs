using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;
using AzContext.SignIn;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Clear-AzContext: removes every context, in this session (Process) or for the user (CurrentUser). It
/// always succeeds: a store file that does not parse is moved aside (with a warning naming the copy)
/// and replaced by an empty one.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "AzContext", SupportsShouldProcess = true)]
[OutputType(typeof(bool))]
public sealed class ClearAzContextCommand : ContextCmdlet
{
    /// <summary>Writes $true when the contexts were cleared.</summary>
    [Parameter(Mandatory = false)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Clears the user's stored contexts without asking.</summary>
    [Parameter(Mandatory = false)]
    public SwitchParameter Force { get; set; }

    /// <summary>Process: this session only; CurrentUser: also the store on disk.</summary>
    [Parameter(Mandatory = false)]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        ContextModificationScope resolved = ResolvedScope(Scope);
        if (resolved == ContextModificationScope.CurrentUser)
        {
            if (!ShouldProcess("All contexts for the current user", "Remove all accounts and subscriptions for all sessions started by the current user"))
            {
                return;
            }
            if (!Force && File.Exists(ContextFilePath()) &&
                !ShouldContinue("Remove all accounts and subscriptions in all sessions for the current user?", string.Empty))
            {
                return;
            }
        }
        else if (!ShouldProcess("Current process context", "Remove all accounts and subscriptions for the current process."))
        {
            return;
        }

        uint scope = EffectiveScope(Scope);
        string? json = null;
        // The contexts in this session's view: their signed-in accounts' tokens leave the cache too (Az).
        IReadOnlyList<PSAzureContext> leaving = Array.Empty<PSAzureContext>();
        try
        {
            leaving = ContextListCache.Get(Session, StoreDir, AutosaveEnv).Select(o => new PSAzureContext(o)).ToList();
        }
        catch (NativeException e) when (e.Status == AzctxStatus.CorruptFile)
        {
            // The library has moved the file aside (its message names both paths): nothing to read.
            WriteWarning(e.Message);
        }
        try
        {
            json = NativeCall.Json((out nint j) => NativeMethods.azctx_context_clear(Session, StoreDir, AutosaveEnv, scope, out j));
        }
        catch (NativeException e) when (e.Status == AzctxStatus.CorruptFile)
        {
            // Reading this session's view found a file that does not parse: the library has moved it
            // aside (its message names both paths), so clearing again now succeeds.
            WriteWarning(e.Message);
        }
        catch (NativeException e)
        {
            Native<string>(() => throw e); // the mapped ErrorRecord, terminating
        }
        json ??= Native(() => NativeCall.Json((out nint j) => NativeMethods.azctx_context_clear(Session, StoreDir, AutosaveEnv, scope, out j)));
        if (Json.Str(Json.Parse(json) as JsonObject, "Quarantined") is { Length: > 0 } quarantined)
        {
            WriteWarning($"The context file did not parse; it was moved aside to '{quarantined}' and replaced by an empty one.");
        }
        TokenRemoval.Remove(this, leaving, scope);
        if (PassThru)
        {
            WriteObject(true);
        }
    }

    /// <summary>
    /// The user's context file: where the settings put it when autosave is on, else the default place
    /// (AzureRmContext.json in $env:AZCONTEXT_DIR or ~/.Azure).
    /// </summary>
    private string ContextFilePath()
    {
        string json = CallJson((s, dir, autosave) => (out nint j) => NativeMethods.azctx_autosave_get(s, dir, autosave, (uint)AzctxScope.CurrentUser, out j));
        JsonObject? o = Json.Parse(json) as JsonObject;
        string? dir = Json.Str(o, "ContextDirectory");
        string? file = Json.Str(o, "ContextFile");
        if (string.IsNullOrEmpty(dir) || dir == "None")
        {
            dir = StoreDir ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".Azure");
        }
        if (string.IsNullOrEmpty(file) || file == "None")
        {
            file = "AzureRmContext.json";
        }
        return Path.Combine(dir, file);
    }
}
