using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace AzContext.Native;

/// <summary>
/// The current context of each runspace, by name: what the library answers "current" for on every
/// call this runspace makes (it owns the rule; this only remembers the name it reports). The runspace
/// where the module was first imported holds the process's current context, decided by the library
/// at the module's first use (AZCONTEXT_NAME, else the stored default); every other runspace
/// (ForEach-Object -Parallel, Start-ThreadJob, runspace pools) starts from the process's current at
/// its first call, and its own changes leave the stored default alone. Each name belongs to one
/// native session: a new session (another AZCONTEXT_DIR) decides again.
/// </summary>
internal static class RunspaceCurrent
{
    private sealed class Slot
    {
        internal SessionHandle? Session;
        internal string? Name;
    }

    private static readonly ConditionalWeakTable<Runspace, Slot> s_slots = new();

    /// <summary>Calls made outside any runspace (a host without one) share this slot, as the main runspace.</summary>
    private static readonly Slot s_noRunspace = new();

    private static readonly object s_lock = new();

    /// <summary>
    /// A side runspace's mark on its slot, in its global scope: gone when the runspace's state is reset
    /// (<see cref="Runspace.ResetRunspaceState"/>), which tells that the runspace serves a new user.
    /// </summary>
    private const string Mark = "global:AzContextRunspaceCurrent";

    /// <summary>The runspace where the module was first imported.</summary>
    private static Runspace? s_main;

    /// <summary>Called at every Import-Module: remembers the first runspace that imported the module.</summary>
    internal static void NoteImport()
    {
        lock (s_lock)
        {
            s_main ??= Runspace.DefaultRunspace;
        }
    }

    /// <summary>
    /// <paramref name="settings"/> with this runspace's current context, decided now when this
    /// runspace has none yet for <paramref name="session"/>.
    /// </summary>
    internal static CallSettings Apply(SessionHandle session, CallSettings settings, SessionState? state)
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        bool main = runspace is null || s_main is null || ReferenceEquals(runspace, s_main);
        string? name;
        lock (s_lock)
        {
            Slot slot = SlotOf(runspace);
            if (!main && state is not null && slot.Session is not null && !ReferenceEquals(state.PSVariable.GetValue(Mark), slot))
            {
                // The runspace's variables were reset since its slot was made: ForEach-Object -Parallel
                // hands a finished iteration's runspace to the next one so. It starts again from the
                // process's current context, as a new runspace does.
                slot.Session = null;
            }
            if (!ReferenceEquals(slot.Session, session))
            {
                if (!main && state is not null)
                {
                    state.PSVariable.Set(Mark, slot);
                    if (state.PSVariable.Get(Mark) is PSVariable mark)
                    {
                        // The engine's own: Get-Variable and the user's scripts do not see it.
                        mark.Visibility = SessionStateEntryVisibility.Private;
                    }
                }
                Slot process = SlotOf(s_main);
                if (!ReferenceEquals(process.Session, session))
                {
                    process.Name = Initial(session, settings);
                    process.Session = session;
                }
                slot.Name = process.Name;
                slot.Session = session;
            }
            name = slot.Name;
        }
        return settings with
        {
            Current = name,
            CurrentFlags = AzctxCall.OwnCurrent | (main ? 0 : AzctxCall.KeepStoredDefault),
        };
    }

    /// <summary>Records what a change made this runspace's current context (the envelope's "Current").</summary>
    internal static void Set(SessionHandle session, string? name)
    {
        lock (s_lock)
        {
            Slot slot = SlotOf(Runspace.DefaultRunspace);
            if (ReferenceEquals(slot.Session, session))
            {
                slot.Name = name;
            }
        }
    }

    private static Slot SlotOf(Runspace? runspace) =>
        runspace is null ? s_noRunspace : s_slots.GetValue(runspace, _ => new Slot());

    /// <summary>The process's first current context, as the library decides it.</summary>
    private static string? Initial(SessionHandle session, CallSettings settings)
    {
        string? pinned = System.Environment.GetEnvironmentVariable("AZCONTEXT_NAME") is { Length: > 0 } p ? NativeCall.Arg(p, "AZCONTEXT_NAME") : null;
        string json = settings.Run(c => NativeCall.Json((out nint j) => NativeMethods.azctx_current_initial(session, c, pinned, out j)));
        return Models.Json.TryTopLevelString(System.Text.Encoding.UTF8.GetBytes(json), "Current", out string? current) ? current : null;
    }
}
