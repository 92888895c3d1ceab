using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using AzContext.Native;

namespace AzContext;

/// <summary>
/// Runs at Import-Module: points the loader at libazcontext beside this dll (whatever the current
/// directory), then checks the library's ABI version. No session and no file access happen here.
/// </summary>
public sealed class ModuleInit : IModuleAssemblyInitializer
{
    /// <summary>The ABI this module was built for: AZCTX_ABI_VERSION in azcontext.h.</summary>
    internal const uint ExpectedAbiVersion = 4;

    private static bool s_resolverSet;
    private static readonly object s_lock = new();

    internal static string LibraryPath
    {
        get
        {
            string dir = Path.GetDirectoryName(typeof(ModuleInit).Assembly.Location)!;
            string file = OperatingSystem.IsWindows() ? "azcontext.dll" : OperatingSystem.IsMacOS() ? "libazcontext.dylib" : "libazcontext.so";
            return Path.Combine(dir, file);
        }
    }

    public void OnImport()
    {
        lock (s_lock)
        {
            // A second registration throws, and OnImport runs again on every re-import.
            if (!s_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(ModuleInit).Assembly, Resolve);
                s_resolverSet = true;
            }
        }
        RunspaceCurrent.NoteImport();

        uint actual;
        try
        {
            actual = NativeMethods.azctx_abi_version();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new InvalidOperationException($"AzContext cannot load its native library '{LibraryPath}': {e.Message}", e);
        }
        if (actual != ExpectedAbiVersion)
        {
            throw new InvalidOperationException(
                $"AzContext's native library '{LibraryPath}' has ABI version {actual}, but this module needs version {ExpectedAbiVersion}. Reinstall the module so that both come from the same build.");
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Library)
        {
            return IntPtr.Zero;
        }
        // Only the library beside the module: never a different copy found on the search path.
        return NativeLibrary.Load(LibraryPath);
    }
}
