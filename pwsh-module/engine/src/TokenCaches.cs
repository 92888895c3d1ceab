using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;
using AzContext.Shared;

namespace AzContext.Identity;

/// <summary>
/// MSAL token caches as Az.Accounts keeps them. Persistent: MSAL's unified cache in
/// Directory/File through MsalCacheHelper (the same file, lock file and format as Az), in the OS
/// keyring when one works, else an owner-only plain file with a one-line warning. Memory: one blob per
/// store (MemoryKey) for this process only. Service-principal (app) tokens go to the file AppAccounts.CacheFile names beside it.
/// </summary>
internal static class TokenCaches
{
    private const string ServiceName = "Microsoft.Developer.IdentityService";

    /// <summary>The persistent caches this process opened, by full path, each with where it keeps its tokens.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<OpenCache>>> s_helpers = new();
    private static readonly ConcurrentDictionary<string, byte[]> s_memory = new();

    private sealed record OpenCache(MsalCacheHelper Helper, string Storage);

    /// <summary>
    /// Where this process keeps the persistent cache <paramref name="path"/> (Directory/File): "Keyring" (the
    /// Linux keyring or the macOS keychain), "EncryptedFile" (Windows: DPAPI), "File" (the owner-only plain
    /// file), or null when this process has not opened it yet.
    /// </summary>
    internal static string? StorageOf(string path) =>
        s_helpers.TryGetValue(Path.GetFullPath(path), out var open) && open.IsValueCreated && open.Value.IsCompletedSuccessfully
            ? open.Value.Result.Storage
            : null;

    internal static Task Attach(ITokenCache cache, Request r, bool app, Action<string> warn)
    {
        string file = AppAccounts.CacheFile(r.CacheFile, app);
        if (!r.PersistentCache || string.IsNullOrEmpty(r.CacheDirectory))
        {
            string key = $"{r.MemoryKey}|{file}";
            cache.SetBeforeAccess(a =>
            {
                if (s_memory.TryGetValue(key, out byte[]? blob))
                {
                    a.TokenCache.DeserializeMsalV3(blob, shouldClearExistingCache: true);
                }
            });
            cache.SetAfterAccess(a =>
            {
                if (a.HasStateChanged)
                {
                    s_memory[key] = a.TokenCache.SerializeMsalV3();
                }
            });
            return Task.CompletedTask;
        }
        return AttachPersistent(cache, r.CacheDirectory!, file, warn);
    }

    private static async Task AttachPersistent(ITokenCache cache, string dir, string file, Action<string> warn)
    {
        string path = Path.GetFullPath(Path.Combine(dir, file));
        var lazy = s_helpers.GetOrAdd(path, _ => new Lazy<Task<OpenCache>>(() => Open(dir, file, path, warn), LazyThreadSafetyMode.ExecutionAndPublication));
        OpenCache open;
        try
        {
            open = await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            s_helpers.TryRemove(path, out _);
            throw;
        }
        open.Helper.RegisterCache(cache);
    }

    private static async Task<OpenCache> Open(string dir, string file, string path, Action<string> warn)
    {
        EnsureOwnerOnlyDirectory(dir);
        var attributes = new[]
        {
            new KeyValuePair<string, string>("MsalClientID", ServiceName),
            new KeyValuePair<string, string>(ServiceName, "1.0.0.0"),
        };
        StorageCreationProperties Props(bool plain)
        {
            var b = new StorageCreationPropertiesBuilder(file, dir);
            if (plain)
            {
                b = b.WithLinuxUnprotectedFile().WithMacKeyChain(ServiceName, file);
            }
            else
            {
                b = b.WithMacKeyChain(ServiceName, file)
                     .WithLinuxKeyring("msal.cache", MsalCacheHelper.LinuxKeyRingDefaultCollection, file, attributes[0], attributes[1]);
            }
            return b.Build();
        }
        try
        {
            var helper = await MsalCacheHelper.CreateAsync(Props(plain: false)).ConfigureAwait(false);
            helper.VerifyPersistence();
            return new OpenCache(helper, OperatingSystem.IsWindows() ? "EncryptedFile" : "Keyring");
        }
        catch (MsalCachePersistenceException) when (OperatingSystem.IsLinux())
        {
            warn($"Token cache encryption is not supported in current environment and token cache will be fallen back as plain text: '{path}' (readable by its owner only).");
            return new OpenCache(await MsalCacheHelper.CreateAsync(Props(plain: true)).ConfigureAwait(false), "File");
        }
    }

    private static void EnsureOwnerOnlyDirectory(string dir)
    {
        if (Directory.Exists(dir))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dir);
        }
        else
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
