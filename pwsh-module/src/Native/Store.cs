using System;

namespace AzContext.Native;

/// <summary>
/// The process's session (Az's default context is process-wide too) and the environment values passed on
/// every call: native getenv does not see <c>$env:</c> changes made in a pwsh session, so they are read
/// here, on each call, and handed to the library.
/// </summary>
internal static class Store
{
    private static readonly object s_lock = new();
    private static SessionHandle? s_session;
    private static string? s_sessionDir;

    /// <summary>
    /// Azure_Profile_Autosave as the process had it when the module was imported: Az reads it at import,
    /// and so it decides the mode of every session this process starts.
    /// </summary>
    private static readonly string? ProfileAutosave =
        Environment.GetEnvironmentVariable("Azure_Profile_Autosave") is { Length: > 0 } v ? NativeCall.Arg(v, "Azure_Profile_Autosave") : null;

    internal static string? Dir => Environment.GetEnvironmentVariable("AZCONTEXT_DIR") is { Length: > 0 } d ? NativeCall.Arg(d, "AZCONTEXT_DIR") : null;

    [ThreadStatic]
    private static (string Raw, string Resolved)? t_resolvedDir;

    /// <summary>
    /// Records how a command on this thread resolved a relative AZCONTEXT_DIR (against PowerShell's
    /// location, which the process's working directory does not follow), for what is read after the
    /// command: a context's TokenCache, worked out when it is first shown.
    /// </summary>
    internal static void NoteResolvedDir(string raw, string resolved) => t_resolvedDir = (raw, resolved);

    /// <summary>
    /// AZCONTEXT_DIR as the last command on this thread resolved it while the variable still says the
    /// same; else as set (an absolute value, or a relative one no command resolved here yet).
    /// </summary>
    internal static string? ResolvedDir
    {
        get
        {
            string? d = Dir;
            return d is not null && t_resolvedDir is { } r && string.Equals(r.Raw, d, StringComparison.Ordinal) ? r.Resolved : d;
        }
    }

    internal static string? Autosave => Environment.GetEnvironmentVariable("AzContextAutoSave") is { Length: > 0 } a ? NativeCall.Arg(a, "AzContextAutoSave") : null;

    /// <summary>
    /// The session of this process, created on first use. Process-scope state belongs to one store: when
    /// AZCONTEXT_DIR names another store, the process starts over with a new session for it, as a new
    /// process would (the old session is released once no call uses it).
    /// </summary>
    internal static SessionHandle Session
    {
        get
        {
            string? dir = Dir;
            lock (s_lock)
            {
                if (s_session is null || s_session.IsClosed || !string.Equals(s_sessionDir, dir, StringComparison.Ordinal))
                {
                    NativeCall.Check(NativeMethods.azctx_session_new(ProfileAutosave, out nint raw));
                    s_session?.Dispose();
                    s_session = new SessionHandle(raw);
                    s_sessionDir = dir;
                }
                return s_session;
            }
        }
    }

    /// <summary>Drops a session that a native panic poisoned, so the next call starts a fresh one.</summary>
    internal static void Discard(SessionHandle session)
    {
        lock (s_lock)
        {
            if (ReferenceEquals(s_session, session))
            {
                s_session = null;
                session.Dispose();
            }
        }
    }

    /// <summary>A detached session over a profile or context given as JSON (for -DefaultProfile).</summary>
    internal static SessionHandle Detached(string profileJson)
    {
        NativeCall.Check(NativeMethods.azctx_session_from_profile(NativeCall.Arg(profileJson, "DefaultProfile")!, out nint raw));
        return new SessionHandle(raw);
    }
}
