using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;

namespace AzContext.Identity;

/// <summary>
/// MSAL token caches as Az.Accounts keeps them. Persistent: MSAL's unified cache in
/// Directory/File through MsalCacheHelper (the same file, lock file and format as Az), in the OS
/// keyring when one works, else an owner-only plain file with a one-line warning. Memory: one blob per
/// store (MemoryKey) for this process only. Service-principal (app) tokens go to File + ".confidential" beside it.
/// </summary>
internal static class TokenCaches
{
    private const string ServiceName = "Microsoft.Developer.IdentityService";

    private static readonly ConcurrentDictionary<string, Lazy<Task<MsalCacheHelper>>> s_helpers = new();
    private static readonly ConcurrentDictionary<string, byte[]> s_memory = new();
    private static readonly ConcurrentDictionary<string, string> s_storage = new();

    /// <summary>
    /// Where this process keeps the persistent cache <paramref name="path"/> (Directory/File): "Keyring" (the
    /// Linux keyring or the macOS keychain), "EncryptedFile" (Windows: DPAPI), "File" (the owner-only plain
    /// file), or null when this process has not opened it yet.
    /// </summary>
    internal static string? StorageOf(string path) => s_storage.TryGetValue(Path.GetFullPath(path), out string? s) ? s : null;

    internal static Task Attach(ITokenCache cache, Request r, bool app, Action<string> warn)
    {
        string file = app ? r.CacheFile + ".confidential" : r.CacheFile;
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
        var lazy = s_helpers.GetOrAdd(Path.Combine(dir, file), _ => new Lazy<Task<MsalCacheHelper>>(() => CreateHelper(dir, file, warn), LazyThreadSafetyMode.ExecutionAndPublication));
        MsalCacheHelper helper;
        try
        {
            helper = await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            s_helpers.TryRemove(Path.Combine(dir, file), out _);
            throw;
        }
        helper.RegisterCache(cache);
    }

    private static async Task<MsalCacheHelper> CreateHelper(string dir, string file, Action<string> warn)
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
            s_storage[Path.GetFullPath(Path.Combine(dir, file))] = OperatingSystem.IsWindows() ? "EncryptedFile" : "Keyring";
            return helper;
        }
        catch (MsalCachePersistenceException) when (OperatingSystem.IsLinux())
        {
            warn($"Token cache encryption is not supported in current environment and token cache will be fallen back as plain text: '{Path.Combine(dir, file)}' (readable by its owner only).");
            var helper = await MsalCacheHelper.CreateAsync(Props(plain: true)).ConfigureAwait(false);
            s_storage[Path.GetFullPath(Path.Combine(dir, file))] = "File";
            return helper;
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
