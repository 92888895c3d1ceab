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
    internal static partial AzctxStatus azctx_secret_property_names(out nint jsonOut);

    [LibraryImport(Library)]
    internal static partial AzctxStatus azctx_scope_resolve(SessionHandle session, in AzctxCall call, uint scope, out uint scopeOut);

    [LibraryImport(Library)]
    internal static partial AzctxStatus azctx_store_paths(in AzctxCall call, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_current(SessionHandle session, in AzctxCall call, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_current_report(SessionHandle session, in AzctxCall call, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_current_initial(SessionHandle session, in AzctxCall call, string? pinned, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_get(SessionHandle session, in AzctxCall call, string name, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_list(SessionHandle session, in AzctxCall call, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_list_if_changed(SessionHandle session, in AzctxCall call, ulong knownVersion, out ulong versionOut, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_names(SessionHandle session, in AzctxCall call, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_autosave_get(SessionHandle session, in AzctxCall call, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_profile_save(SessionHandle session, in AzctxCall call, string? profileJson, string path, uint withCredential, uint overwrite);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_set(SessionHandle session, in AzctxCall call, string contextJson, string? name, string? extendedJson, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_set_subscription(SessionHandle session, in AzctxCall call, string? subscription, string? tenant, string? name, string? extendedJson, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_select(SessionHandle session, in AzctxCall call, string name, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_rename(SessionHandle session, in AzctxCall call, string source, string target, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_remove(SessionHandle session, in AzctxCall call, string name, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_context_clear(SessionHandle session, in AzctxCall call, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_profile_get(SessionHandle session, in AzctxCall call, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_profile_import(SessionHandle session, in AzctxCall call, string? path, string? profileJson, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_autosave_enable(SessionHandle session, in AzctxCall call, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_autosave_disable(SessionHandle session, in AzctxCall call, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_environment_list(SessionHandle session, in AzctxCall call, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_environment_set(SessionHandle session, in AzctxCall call, string environmentJson, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_environment_remove(SessionHandle session, in AzctxCall call, string name, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_account_connect_token(SessionHandle session, in AzctxCall call, string requestJson, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_arm_records(string requestJson, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_account_sign_in(SessionHandle session, in AzctxCall call, string requestJson, uint force, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_account_disconnect(SessionHandle session, in AzctxCall call, string requestJson, uint scope, out nint jsonOut);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial AzctxStatus azctx_contexts_refresh(SessionHandle session, in AzctxCall call, string requestJson, uint scope, out nint jsonOut);
}
