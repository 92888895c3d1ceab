using System;
using System.Collections.Generic;
using System.Management.Automation;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// The base of every AzContext cmdlet: -DefaultProfile (aliases AzContext, AzureRmContext,
/// AzureCredential) and the helpers that call the native library and turn its failures into errors.
/// </summary>
public abstract class AzContextCmdlet : PSCmdlet, IDisposable
{
    private SessionHandle? _detached;

    /// <summary>The process session this command last used: the one to drop if it turns out poisoned.</summary>
    private SessionHandle? _processSession;

    /// <summary>
    /// The context or profile to act on instead of the session's (a PSAzureContext, a PSAzureProfile, or
    /// their deserialized copies). A cmdlet given one changes only that copy and never writes to disk.
    /// </summary>
    [Parameter(Mandatory = false)]
    [Alias("AzContext", "AzureRmContext", "AzureCredential")]
    public object? DefaultProfile { get; set; }

    /// <summary>
    /// True when -DefaultProfile is bound to a value: the call is Process-scoped and touches no file. A
    /// bound $null is ignored, as Az falls back to the session's profile then (`-AzContext $using:c` with
    /// an unset $c).
    /// </summary>
    protected bool UsesDefaultProfile => MyInvocation.BoundParameters.ContainsKey(nameof(DefaultProfile)) && DefaultProfile is not null;

    /// <summary>True when the command runs with -WhatIf (or $WhatIfPreference).</summary>
    private bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w)
            ? w is SwitchParameter { IsPresent: true }
            : GetVariableValue("WhatIfPreference") is SwitchParameter { IsPresent: true } or true;

    /// <summary>The native session to use: a detached copy of -DefaultProfile, else the process's session.</summary>
    internal SessionHandle Session
    {
        get
        {
            if (!UsesDefaultProfile)
            {
                _processSession = Store.Session;
                return _processSession;
            }
            if (_detached is null)
            {
                string? json = PSAzureProfile.ProfileJsonFromObject(DefaultProfile);
                if (json is null)
                {
                    string type = DefaultProfile is null ? "null" : PSObject.AsPSObject(DefaultProfile).BaseObject.GetType().Name;
                    ThrowTerminatingError(ErrorMap.Create(
                        new PSArgumentException($"-DefaultProfile must be a context or profile, such as the output of Get-AzContext or Connect-AzAccount, or a deserialized copy of one; the value given is of type {type}.", nameof(DefaultProfile)),
                        "InvalidDefaultProfile", ErrorCategory.InvalidArgument, type));
                }
                WriteDebug("Turning Autosave off because an AzureRmContext was passed as a parameter.");
                try
                {
                    _detached = Store.Detached(json!);
                }
                catch (NativeException e)
                {
                    ThrowTerminatingError(ErrorMap.Create(e, "InvalidDefaultProfile", ErrorMap.Lookup(e.Status).Category, e.Target));
                    throw; // unreachable: ThrowTerminatingError always throws
                }
            }
            return _detached;
        }
    }

    /// <summary>The -Scope value as the library takes it (Default when not bound).</summary>
    internal static AzctxScope ToNative(ContextModificationScope? scope) => scope switch
    {
        ContextModificationScope.Process => AzctxScope.Process,
        ContextModificationScope.CurrentUser => AzctxScope.CurrentUser,
        _ => AzctxScope.Default,
    };

    /// <summary>
    /// The -Scope argument of a modifying call: the bound value, else Default. The library applies Az's
    /// rule (a -DefaultProfile session is always Process; else this scope; else the session's autosave
    /// mode overridden by AzContextAutoSave) and reports the scope it used.
    /// </summary>
    internal uint ScopeArgument(ContextModificationScope scope) =>
        MyInvocation.BoundParameters.ContainsKey("Scope") ? (uint)ToNative(scope) : (uint)AzctxScope.Default;

    /// <summary>
    /// AZCONTEXT_DIR as this pwsh sees it now; a relative value is taken relative to PowerShell's current
    /// location (the process's working directory, which the library would use, does not follow Set-Location).
    /// </summary>
    internal string? StoreDir
    {
        get
        {
            if (Store.Dir is not string d || System.IO.Path.IsPathRooted(d))
            {
                return Store.Dir;
            }
            string resolved = System.IO.Path.GetFullPath(d, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            Store.NoteResolvedDir(d, resolved);
            return resolved;
        }
    }

    /// <summary>AzContextAutoSave as this pwsh sees it now.</summary>
    internal static string? AutosaveEnv => Store.Autosave;

    /// <summary>
    /// The settings every native call of this command carries (never stored on the shared session),
    /// with this runspace's own current context unless the command acts on -DefaultProfile.
    /// </summary>
    internal CallSettings Settings
    {
        get
        {
            CallSettings settings = new(StoreDir, AutosaveEnv, IsWhatIf);
            return UsesDefaultProfile ? settings : RunspaceCurrent.Apply(Session, settings, SessionState);
        }
    }

    /// <summary>
    /// The current context as JSON text (<c>null</c> when there is none), after writing what the
    /// library says about it (a context another process removed: once).
    /// </summary>
    internal string CurrentContextJson() =>
        CallChange((s, c) => (out nint j) => NativeMethods.azctx_context_current_report(s, c, out j));

    /// <summary>Calls a JSON-returning native function with the session and this command's settings.</summary>
    internal string CallJson(Func<SessionHandle, AzctxCall, JsonCall> call, object? target = null) =>
        Native(() => RawJson(call, target));

    /// <summary>
    /// Calls a native function that changes something, and returns its "Value" as JSON text (<c>null</c>
    /// when there is none) after writing the warnings the library decided on.
    /// </summary>
    internal string CallChange(Func<SessionHandle, AzctxCall, JsonCall> call, object? target = null) =>
        Unwrap(CallJson(call, target));

    /// <summary>
    /// <see cref="CallChange"/> for one item of a pipeline: a failure is written as a non-terminating
    /// error (the pipeline goes on with the next item) and null returned.
    /// </summary>
    internal string? CallChangeOrWriteError(Func<SessionHandle, AzctxCall, JsonCall> call, object? target = null) =>
        NativeOrWriteError(() => RawJson(call, target)) is string envelope ? Unwrap(envelope) : null;

    /// <summary>One native call with the session and this command's settings; failures throw <see cref="NativeException"/>.</summary>
    internal string RawJson(Func<SessionHandle, AzctxCall, JsonCall> call, object? target = null)
    {
        SessionHandle session = Session;
        return Settings.Run(c => NativeCall.Json(call(session, c), target));
    }

    /// <summary>
    /// The envelope of a change: writes its warnings, records what the runspace's current context
    /// became (see <see cref="TakeEnvelope"/>), returns its value as JSON text (as sent).
    /// </summary>
    internal string Unwrap(string envelope)
    {
        // Read with a reader, no document built: every command unwraps at least one envelope, and a
        // process's first command is spared JsonDocument's start-up.
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(envelope);
        var reader = new System.Text.Json.Utf8JsonReader(utf8);
        List<string>? warnings = null;
        bool hasCurrent = false;
        string? current = null;
        string value = "null";
        if (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                string? member = reader.GetString();
                reader.Read();
                switch (member)
                {
                    case "Value":
                        long start = reader.TokenStartIndex;
                        reader.Skip();
                        value = System.Text.Encoding.UTF8.GetString(utf8, (int)start, (int)(reader.BytesConsumed - start));
                        break;
                    case "Warnings" when reader.TokenType == System.Text.Json.JsonTokenType.StartArray:
                        warnings = new List<string>();
                        while (reader.Read() && reader.TokenType != System.Text.Json.JsonTokenType.EndArray)
                        {
                            warnings.Add(reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() ?? "" : "");
                            reader.Skip();
                        }
                        break;
                    case "Current":
                        hasCurrent = true;
                        current = reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                        reader.Skip();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        ApplyEnvelope(warnings, hasCurrent, current);
        return value;
    }

    /// <summary>
    /// What every change envelope says besides its value: writes its warnings, and records what the
    /// runspace's current context became ("Current", which the library sends for a runspace's own
    /// current context, never for -DefaultProfile).
    /// </summary>
    internal void TakeEnvelope(System.Text.Json.JsonElement envelope)
    {
        if (envelope.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return;
        }
        List<string>? warnings = null;
        if (envelope.TryGetProperty("Warnings", out System.Text.Json.JsonElement w) && w.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            warnings = new List<string>();
            foreach (System.Text.Json.JsonElement e in w.EnumerateArray())
            {
                warnings.Add(e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() ?? "" : "");
            }
        }
        bool hasCurrent = envelope.TryGetProperty("Current", out System.Text.Json.JsonElement c);
        ApplyEnvelope(warnings, hasCurrent, hasCurrent && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString() : null);
    }

    /// <summary>An envelope's warnings, written; its "Current" (when it has one), this runspace's current context.</summary>
    private void ApplyEnvelope(List<string>? warnings, bool hasCurrent, string? current)
    {
        foreach (string w in warnings ?? [])
        {
            WriteWarning(w);
        }
        if (hasCurrent && _processSession is not null && !UsesDefaultProfile)
        {
            RunspaceCurrent.Set(_processSession, current);
        }
    }

    /// <summary>
    /// Runs a native call; a failure ends the command with the mapped ErrorRecord.
    /// </summary>
    internal T Native<T>(Func<T> call)
    {
        try
        {
            return WithCorruptFileRecovery(call);
        }
        catch (NativeException e)
        {
            ForgetPoisonedSession(e);
            ThrowTerminatingError(ErrorMap.ToErrorRecord(e));
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>Runs a native call; a failure is written as a non-terminating error and null returned.</summary>
    internal T? NativeOrWriteError<T>(Func<T> call) where T : class
    {
        try
        {
            return WithCorruptFileRecovery(call);
        }
        catch (NativeException e)
        {
            ForgetPoisonedSession(e);
            WriteError(ErrorMap.ToErrorRecord(e));
            return null;
        }
    }

    /// <summary>
    /// A context file that does not parse is moved aside by the library (kept, never lost) and reported
    /// once: that is a warning naming both paths, not a failure of the command (Az loads nothing,
    /// silently), and the call is made again on the store as it now is.
    /// </summary>
    private T WithCorruptFileRecovery<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (NativeException e) when (e.Status == AzctxStatus.CorruptFile)
        {
            WriteWarning(e.Message);
            return call();
        }
    }

    /// <summary>
    /// After a native panic the session may hold half-changed Process-scope state: the library refuses
    /// it from then on, so the module starts a fresh one (the store on disk is unaffected).
    /// </summary>
    private void ForgetPoisonedSession(NativeException e)
    {
        // Only the session the failed call used, and only when the library says it is poisoned: a
        // panic outside the session's lock leaves it intact, and another runspace may already hold a
        // fresh replacement.
        if (e.Status == AzctxStatus.SessionPoisoned && _processSession is not null)
        {
            Store.Discard(_processSession);
        }
    }

    public void Dispose()
    {
        _detached?.Dispose();
        GC.SuppressFinalize(this);
    }
}
