using System.Runtime.InteropServices;

namespace AzContext.Native;

/// <summary>
/// The C functions of libazcontext (crates/azcontext-ffi/include/azcontext.h), one declaration each,
/// named as in C. Only code in this folder touches pointers.
/// </summary>
internal static partial class NativeMethods
{
    internal const string Library = "azcontext";

    [LibraryImport(Library)]
    internal static partial uint azctx_abi_version();

    [LibraryImport(Library)]
    internal static partial nint azctx_last_error_message();

    [LibraryImport(Library)]
    internal static partial void azctx_string_free(nint s);

    [LibraryImport(Library)]
    internal static partial AzctxStatus azctx_session_new(out nint sessionOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_session_from_profile(string profileJson, out nint sessionOut);

    [LibraryImport(Library)]
    internal static partial void azctx_session_free(nint session);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_current(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_get(SessionHandle session, string? azcontextDir, string? autosave, string name, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_list(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_names(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_autosave_get(SessionHandle session, string? azcontextDir, string? autosave, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_profile_save(SessionHandle session, string? azcontextDir, string? autosave, string? profileJson, string path, uint withCredential, uint overwrite);
}
