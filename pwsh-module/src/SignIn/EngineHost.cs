using System;
using System.Collections.Concurrent;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;

namespace AzContext.SignIn;

/// <summary>
/// Loads the sign-in engine (AzContext.Engine.dll and MSAL, in the module's dependencies/ folder) into a
/// private AssemblyLoadContext, on the first sign-in or token call only: nothing of it loads at import.
/// AssemblyLoadContext.Default.Resolving is hooked for the engine assembly alone, so the engine's own
/// MSAL never meets another module's MSAL in the Default context, in either load order.
/// </summary>
internal static class EngineHost
{
    internal const string EngineAssembly = "AzContext.Engine";

    private static readonly object s_lock = new();
    private static bool s_hooked;
    private static EngineLoadContext? s_context;

    internal static string DependenciesDir =>
        Path.Combine(Path.GetDirectoryName(typeof(EngineHost).Assembly.Location)!, "dependencies");

    /// <summary>True once the engine was loaded in this process (its memory caches may then hold tokens).</summary>
    internal static bool Loaded => s_context is not null;

    private static void Ensure()
    {
        lock (s_lock)
        {
            if (!s_hooked)
            {
                AssemblyLoadContext.Default.Resolving += Resolve;
                s_hooked = true;
            }
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (!string.Equals(name.Name, EngineAssembly, StringComparison.Ordinal))
        {
            return null;
        }
        lock (s_lock)
        {
            s_context ??= new EngineLoadContext(DependenciesDir);
        }
        return s_context.LoadFromAssemblyName(name);
    }

    /// <summary>
    /// Runs an engine call on a worker thread while this (the pipeline) thread writes the warnings it
    /// sends as they come (the device code message must show while the sign-in waits), and returns its
    /// reply. <paramref name="cancel"/> stops it (Ctrl+C). A failure is a <see cref="SignInFailure"/>.
    /// </summary>
    internal static string Call(Func<Action<string>, CancellationToken, string> call, Action<string> writeWarning, CancellationToken cancel)
    {
        Ensure();
        using var messages = new BlockingCollection<string>();
        Task<string> task = Task.Run(() =>
        {
            try
            {
                return call(messages.Add, cancel);
            }
            finally
            {
                messages.CompleteAdding();
            }
        });
        foreach (string m in messages.GetConsumingEnumerable())
        {
            writeWarning(m);
        }
        return task.GetAwaiter().GetResult();
    }

    internal static string SignIn(string request, Action<string> warn, CancellationToken cancel) =>
        Call((w, c) => Calls.SignIn(request, w, c), warn, cancel);

    internal static string GetToken(string request, Action<string> warn, CancellationToken cancel) =>
        Call((w, c) => Calls.GetToken(request, w, c), warn, cancel);

    internal static string RemoveAccount(string request, Action<string> warn) =>
        Call((w, _) => Calls.RemoveAccount(request, w), warn, CancellationToken.None);

    internal static string ListAccounts(string request, Action<string> warn) =>
        Call((w, _) => Calls.ListAccounts(request, w), warn, CancellationToken.None);

    /// <summary>
    /// Where this process keeps the persistent token cache <paramref name="path"/> ("Keyring",
    /// "EncryptedFile" or "File"); null when the engine is not loaded or has not opened that cache. Never
    /// loads the engine.
    /// </summary>
    internal static string? CacheStorage(string path) => Loaded ? Calls.CacheStorage(path) : null;

    /// <summary>
    /// The only methods that name engine types: the JIT resolves AzContext.Engine when it compiles them,
    /// which happens after <see cref="Ensure"/> hooked the resolver.
    /// </summary>
    private static class Calls
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static string SignIn(string request, Action<string> warn, CancellationToken cancel) =>
            Translated(() => AzContext.Identity.Broker.SignIn(request, warn, cancel));

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static string GetToken(string request, Action<string> warn, CancellationToken cancel) =>
            Translated(() => AzContext.Identity.Broker.GetToken(request, warn, cancel));

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static string RemoveAccount(string request, Action<string> warn) =>
            Translated(() => AzContext.Identity.Broker.RemoveAccount(request, warn));

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static string ListAccounts(string request, Action<string> warn) =>
            Translated(() => AzContext.Identity.Broker.ListAccounts(request, warn));

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static string? CacheStorage(string path) => AzContext.Identity.Broker.CacheStorage(path);

        /// <summary>The engine's failure type becomes the module's own, so callers never name an engine type.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string Translated(Func<string> call)
        {
            try
            {
                return call();
            }
            catch (AzContext.Identity.SignInException e)
            {
                throw new SignInFailure(e.Kind, e.Message);
            }
        }
    }

    /// <summary>Serves the engine's folder only; everything else (the BCL) comes from the Default context.</summary>
    private sealed class EngineLoadContext : AssemblyLoadContext
    {
        private readonly string _dir;

        internal EngineLoadContext(string dir) : base("azcontext-signin") => _dir = dir;

        protected override Assembly? Load(AssemblyName name)
        {
            string path = Path.Combine(_dir, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}

/// <summary>A sign-in or token failure from the engine: a stable kind and a message free of secrets.</summary>
internal sealed class SignInFailure : Exception
{
    internal SignInFailure(string kind, string message) : base(message) => Kind = kind;

    internal string Kind { get; }
}
