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

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_session_new(string? profileAutosave, out nint sessionOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_session_from_profile(string profileJson, out nint sessionOut);

    [LibraryImport(Library)]
    internal static partial void azctx_session_free(nint session);

    [LibraryImport(Library)]
    internal static partial AzctxStatus azctx_session_set_what_if(SessionHandle session, uint whatIf);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_current(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_get(SessionHandle session, string? azcontextDir, string? autosave, string name, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_list(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_list_if_changed(SessionHandle session, string? azcontextDir, string? autosave, ulong knownVersion, out ulong versionOut, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_names(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_autosave_get(SessionHandle session, string? azcontextDir, string? autosave, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_profile_save(SessionHandle session, string? azcontextDir, string? autosave, string? profileJson, string path, uint withCredential, uint overwrite);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_set(SessionHandle session, string? azcontextDir, string? autosave, string contextJson, string? name, string? extendedJson, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_set_subscription(SessionHandle session, string? azcontextDir, string? autosave, string? subscription, string? tenant, string? name, string? extendedJson, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_select(SessionHandle session, string? azcontextDir, string? autosave, string name, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_rename(SessionHandle session, string? azcontextDir, string? autosave, string source, string target, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_remove(SessionHandle session, string? azcontextDir, string? autosave, string name, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_clear(SessionHandle session, string? azcontextDir, string? autosave, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_profile_get(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_profile_import(SessionHandle session, string? azcontextDir, string? autosave, string? path, string? profileJson, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_autosave_enable(SessionHandle session, string? azcontextDir, string? autosave, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_autosave_disable(SessionHandle session, string? azcontextDir, string? autosave, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_environment_list(SessionHandle session, string? azcontextDir, string? autosave, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_environment_set(SessionHandle session, string? azcontextDir, string? autosave, string environmentJson, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_environment_remove(SessionHandle session, string? azcontextDir, string? autosave, string name, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_account_connect_token(SessionHandle session, string? azcontextDir, string? autosave, string requestJson, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_account_disconnect(SessionHandle session, string? azcontextDir, string? autosave, string requestJson, uint scope, out nint jsonOut);
}
