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
        string json = CallJson((s, dir, autosave) => (out nint j) => NativeMethods.azctx_context_get(s, dir, autosave, n, out j), name);
        return PSAzureContext.FromJson(json);
    }

    /// <summary>The current (default) context, or null. Read-only.</summary>
    internal PSAzureContext? GetCurrent()
    {
        string json = CallJson((s, dir, autosave) => (out nint j) => NativeMethods.azctx_context_current(s, dir, autosave, out j));
        return PSAzureContext.FromJson(json);
    }

    /// <summary>Every stored context name, in stored order.</summary>
    internal IReadOnlyList<string> StoredNames()
    {
        string json = CallJson((s, dir, autosave) => (out nint j) => NativeMethods.azctx_context_names(s, dir, autosave, out j));
        return (Json.Parse(json) as JsonArray ?? new JsonArray()).Select(n => n?.ToString() ?? "").ToList();
    }

    /// <summary>Every non-empty stored context (Get-AzContext -ListAvailable).</summary>
    internal IReadOnlyList<PSAzureContext> StoredContexts()
    {
        SessionHandle s = Session;
        string? dir = StoreDir, autosave = AutosaveEnv;
        // The parsed list is kept while the store is unchanged (see ContextListCache).
        return Native(() => ContextListCache.Get(s, dir, autosave)).Select(o => new PSAzureContext(o)).ToList();
    }

    /// <summary>True when <paramref name="name"/> is the current context's name, ignoring case (Az's test).</summary>
    internal bool IsCurrent(string name) =>
        GetCurrent()?.Name is string current && string.Equals(current, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The scope a change will actually apply in (Az's rule): Process for -DefaultProfile, else a bound
    /// -Scope, else this session's autosave mode overridden by AzContextAutoSave.
    /// </summary>
    internal ContextModificationScope ResolvedScope(ContextModificationScope scope)
    {
        uint effective = EffectiveScope(scope);
        if (effective != (uint)AzctxScope.Default)
        {
            return effective == (uint)AzctxScope.CurrentUser ? ContextModificationScope.CurrentUser : ContextModificationScope.Process;
        }
        string json = CallJson((s, dir, autosave) => (out nint j) => NativeMethods.azctx_autosave_get(s, dir, autosave, (uint)AzctxScope.Process, out j));
        return string.Equals(Json.Str(Json.Parse(json) as JsonObject, "Mode"), "CurrentUser", StringComparison.Ordinal)
            ? ContextModificationScope.CurrentUser
            : ContextModificationScope.Process;
    }

    /// <summary>
    /// Calls a JSON-returning native function that changes one item; a failure is written as a
    /// non-terminating error (the pipeline goes on with the next item) and null returned.
    /// </summary>
    /// <remarks>An error of status <c>overrideStatus</c> gets <c>overrideErrorId</c> and
    /// <c>overrideTarget</c> instead of the table's id and <c>target</c>.</remarks>
    internal string? CallJsonOrWriteError(Func<SessionHandle, string?, string?, JsonCall> call, object? target,
        AzctxStatus? overrideStatus = null, string? overrideErrorId = null, object? overrideTarget = null) =>
        NativeOrWriteError(() =>
        {
            try
            {
                return NativeCall.Json(call(Session, StoreDir, AutosaveEnv), target);
            }
            catch (NativeException e) when (overrideStatus is not null && e.Status == overrideStatus)
            {
                ErrorMap.Entry entry = ErrorMap.Lookup(e.Status);
                WriteError(ErrorMap.Create(e, overrideErrorId ?? entry.ErrorId, entry.Category, overrideTarget ?? target));
                return null!;
            }
        });

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
