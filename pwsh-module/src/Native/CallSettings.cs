using System;
using System.Runtime.InteropServices;

namespace AzContext.Native;

/// <summary>
/// The settings of one command, passed with every native call it makes: the environment values this
/// pwsh sees now, and -WhatIf. Nothing of one command is stored on the native session, which every
/// runspace of the process shares.
/// </summary>
internal readonly record struct CallSettings(string? Dir, string? Autosave, bool WhatIf)
{
    /// <summary>The runspace's own current context (with <see cref="CurrentFlags"/>; see <see cref="RunspaceCurrent"/>).</summary>
    internal string? Current { get; init; }

    /// <summary>AzctxCall.OwnCurrent, and KeepStoredDefault for a runspace other than the main one; 0: the store's default.</summary>
    internal uint CurrentFlags { get; init; }

    /// <summary>
    /// The settings of a call outside any command (argument completion, a context's TokenCache read
    /// after its command): the environment only, a relative AZCONTEXT_DIR as this thread's last command
    /// resolved it (see <see cref="Store.ResolvedDir"/>).
    /// </summary>
    internal static CallSettings FromEnvironment => new(Store.ResolvedDir, Store.Autosave, false);

    /// <summary>Runs <paramref name="body"/> with the settings as the library takes them; the UTF-8 copies live for that call only.</summary>
    internal T Run<T>(Func<AzctxCall, T> body)
    {
        nint dir = Utf8(Dir);
        nint autosave = Utf8(Autosave);
        nint current = Utf8(Current);
        try
        {
            return body(new AzctxCall
            {
                // Blittable: its managed size is its native size, known without Marshal.SizeOf's reflection.
                Size = (uint)System.Runtime.CompilerServices.Unsafe.SizeOf<AzctxCall>(),
                Flags = (WhatIf ? AzctxCall.WhatIf : 0) | CurrentFlags,
                AzcontextDir = dir,
                Autosave = autosave,
                Current = current,
            });
        }
        finally
        {
            Marshal.FreeCoTaskMem(dir);
            Marshal.FreeCoTaskMem(autosave);
            Marshal.FreeCoTaskMem(current);
        }
    }

    private static nint Utf8(string? value) => value is null ? 0 : Marshal.StringToCoTaskMemUTF8(value);
}
