using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// The base of the cmdlets that change stored contexts (Set/Select/Rename/Remove/Clear-AzContext): the
/// read-only look-ups they make before asking the user (does the name exist, is it the default, which
/// scope applies), so that prompts and ShouldProcess texts name the resolved target.
/// </summary>
public abstract class ContextCmdlet : AzContextCmdlet
{
    /// <summary>The context stored under <paramref name="name"/> (ignoring case), or null. Read-only.</summary>
    internal PSAzureContext? GetStored(string name)
    {
        string n = Native(() => NativeCall.Arg(name, "Name")!);
        string json = CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_get(s, c, n, out j), name);
        return PSAzureContext.FromJson(json);
    }

    /// <summary>The current context, or null. Read-only.</summary>
    internal PSAzureContext? GetCurrent() => PSAzureContext.FromJson(CurrentContextJson());

    /// <summary>Every stored context name, in stored order.</summary>
    internal IReadOnlyList<string> StoredNames()
    {
        string json = CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_names(s, c, out j));
        return (Json.Parse(json) as JsonArray ?? new JsonArray()).Select(n => n?.ToString() ?? "").ToList();
    }

    /// <summary>Every non-empty stored context (Get-AzContext -ListAvailable).</summary>
    internal IReadOnlyList<PSAzureContext> StoredContexts()
    {
        SessionHandle s = Session;
        CallSettings settings = Native(() => Settings);
        // The parsed list is kept while the store is unchanged (see ContextListCache).
        return Native(() => ContextListCache.Get(s, settings)).Select(o => new PSAzureContext(o)).ToList();
    }

    /// <summary>
    /// True when <paramref name="name"/> is the current context's name, ignoring case (Az's test): the
    /// runspace's own, or -DefaultProfile's default. Never an error (an AZCONTEXT_NAME that is not
    /// stored is simply not <paramref name="name"/>).
    /// </summary>
    internal bool IsCurrent(string name) =>
        (UsesDefaultProfile ? GetCurrent()?.Name : Native(() => Settings).Current) is string current
        && string.Equals(current, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The scope a change will be applied in, as the library decides it (for the wording of a
    /// confirmation; the change itself reports the scope it used).
    /// </summary>
    internal ContextModificationScope ResolvedScope(ContextModificationScope scope)
    {
        uint asked = ScopeArgument(scope);
        uint resolved = Native(() =>
        {
            SessionHandle session = Session;
            uint result = 0;
            NativeCall.Check(Settings.Run(c => NativeMethods.azctx_scope_resolve(session, c, asked, out result)));
            return result;
        });
        return resolved == (uint)AzctxScope.CurrentUser ? ContextModificationScope.CurrentUser : ContextModificationScope.Process;
    }

    /// <summary>Writes Az's warning for a subscription that is not Enabled.</summary>
    internal void WarnOnSubscriptionState(PSAzureContext? ctx)
    {
        string? state = ctx?.Subscription?.State;
        if (!string.IsNullOrEmpty(state) && !string.Equals(state, "Enabled", StringComparison.OrdinalIgnoreCase))
        {
            WriteWarning($"Selected subscription is in '{state}' state. ");
        }
    }
}
