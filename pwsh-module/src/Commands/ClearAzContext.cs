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

        uint scope = ScopeArgument(Scope);
        Func<SessionHandle, AzctxCall, JsonCall> clear = (s, c) => (out nint j) => NativeMethods.azctx_context_clear(s, c, scope, out j);
        string? json = null;
        // The contexts in this session's view: their signed-in accounts' tokens leave the cache too (Az).
        IReadOnlyList<PSAzureContext> leaving = Array.Empty<PSAzureContext>();
        try
        {
            leaving = ContextListCache.Get(Session, Settings).Select(o => new PSAzureContext(o)).ToList();
        }
        catch (NativeException e) when (e.Status == AzctxStatus.CorruptFile)
        {
            // The library has moved the file aside (its message names both paths): nothing to read.
            WriteWarning(e.Message);
        }
        try
        {
            json = RawJson(clear);
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
        // The envelope's warnings include the copy a corrupt file was kept as.
        Unwrap(json ?? CallJson(clear));
        TokenRemoval.Remove(this, leaving, scope);
        if (PassThru)
        {
            WriteObject(true);
        }
    }

    /// <summary>The user's context file, as the library names it (where the settings put it, else the default place).</summary>
    private string ContextFilePath()
    {
        string json = Native(() => Settings.Run(c => NativeCall.Json((out nint j) => NativeMethods.azctx_store_paths(c, out j))));
        return Json.Str(Json.Parse(json) as JsonObject, "ContextFile") ?? string.Empty;
    }
}
