using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Models;
using AzContext.Native;
using AzContext.Shared;
using AzContext.SignIn;

namespace Microsoft.Azure.Commands.Profile.Models.Core;

/// <summary>
/// The token cache reference of a context: where this session keeps its accounts' tokens (one cache for
/// every context of the session, as in Az). The cache blob itself is never shown.
/// </summary>
public sealed class AzureTokenCache
{
    internal AzureTokenCache(string? cacheData, string? accountType)
    {
        CacheData = cacheData;
        if (accountType is "AccessToken" or "ManagedService")
        {
            // An access-token account holds its own token; MSAL keeps managed-identity tokens in memory.
            Storage = accountType == "AccessToken" ? "Account" : "Memory";
            return;
        }
        try
        {
            // Read after the command that made the context (shown by Format-List, say): a relative
            // AZCONTEXT_DIR means what it meant to that command, not the process's working directory.
            CallSettings settings = CallSettings.FromEnvironment;
            JsonObject cache = SignInRequest.CacheOf(settings, settings.Dir, (uint)AzctxScope.Default);
            Persistent = Json.Bool(cache, "Persistent");
            if (Persistent)
            {
                // Service principals' tokens are in MSAL's confidential-client cache beside the users' one.
                string file = AppAccounts.CacheFile(Json.Str(cache, "File")!, AppAccounts.IsApp(accountType));
                CacheFile = System.IO.Path.GetFullPath(System.IO.Path.Combine(Json.Str(cache, "Directory")!, file));
                Storage = EngineHost.CacheStorage(CacheFile);
            }
            else
            {
                Storage = "Memory";
            }
        }
        catch (NativeException e)
        {
            _unknown = e.Message;
        }
    }

    private readonly string? _unknown;

    /// <summary>Base64 of the cache blob, or null (autosaved contexts never carry one).</summary>
    internal string? CacheData { get; }

    public bool HasData => !string.IsNullOrEmpty(CacheData);

    /// <summary>
    /// True: MSAL's token cache on disk, which Az.Accounts and later sessions share (autosave CurrentUser);
    /// false: this process's memory, gone when it ends. A sign-in made with -Scope Process keeps its
    /// tokens in this process's memory either way (token requests look there first).
    /// </summary>
    public bool Persistent { get; }

    /// <summary>The full path of MSAL's cache file when <see cref="Persistent"/>; else null.</summary>
    public string? CacheFile { get; }

    /// <summary>
    /// Where the tokens are: "Keyring" (the Linux keyring or the macOS keychain, under CacheFile's
    /// name), "EncryptedFile" (Windows), "File" (an owner-only plain file, when no keyring works), or
    /// "Memory" (this process's, also for managed identities), "Account" (an access-token account holds
    /// its own token); null while this process has not opened the persistent cache yet (it tries the keyring first).
    /// </summary>
    public string? Storage { get; }

    public override string ToString() =>
        _unknown is not null ? $"Token cache: unknown ({_unknown})"
        : Storage == "Account" ? "Token cache: none (the account holds its access token)"
        : !Persistent ? "Token cache: this process's memory"
        : Storage switch
        {
            "Keyring" => $"Token cache: the OS keyring ({CacheFile})",
            "EncryptedFile" => $"Token cache: {CacheFile} (encrypted)",
            "File" => $"Token cache: {CacheFile} (plain file, owner-only)",
            _ => $"Token cache: {CacheFile}",
        };
}

/// <summary>A context: account, subscription, tenant and environment (Az's PSAzureContext).</summary>
public sealed class PSAzureContext
{
    private JsonObject? _raw;
    private readonly ContextRecord? _record;

    public PSAzureContext() : this(new JsonObject()) { }

    /// <summary>
    /// A context from its deserialized copy (Start-Job, remoting, Import-Clixml), as Az's own
    /// PSAzureContext(PSObject): PowerShell converts through it, so such a copy binds to -Context,
    /// -InputObject and -AzureContext as well as to -DefaultProfile.
    /// </summary>
    public PSAzureContext(PSObject other) : this(CopyOf(other)) { }

    private static JsonObject CopyOf(PSObject other) =>
        FromObject(other)?.ToJson()
        ?? throw new PSArgumentException($"A context needs Account or Tenant properties; the value given is of type {other.BaseObject.GetType().Name}.");

    internal PSAzureContext(JsonObject raw)
    {
        // Members are built on first use. The raw JSON is only read, never changed (ToJson copies it).
        _raw = raw;
        Name = Json.Str(raw, "Name");
    }

    /// <summary>
    /// A context of the list: -ListAvailable over 10,000 contexts makes 10,000 of these, and most are
    /// never looked into, so the record is parsed only when a member is first read.
    /// </summary>
    internal PSAzureContext(ContextRecord record)
    {
        _record = record;
        Name = record.Name;
    }

    /// <summary>The context's JSON object, parsed from its record on first use.</summary>
    private JsonObject Raw => _raw ?? Materialize();

    private JsonObject Materialize()
    {
        JsonObject parsed = JsonNode.Parse(_record!.Utf8, Json.NodeOptions) as JsonObject ?? new JsonObject();
        if (_record.Environment is byte[] environment)
        {
            parsed["Environment"] = JsonNode.Parse(environment, Json.NodeOptions);
        }
        // The object may be read from several runspaces at once: build every node's lookup before it is published.
        Json.Prepare(parsed);
        return Interlocked.CompareExchange(ref _raw, parsed, null) ?? parsed;
    }

    /// <summary>
    /// A context from the library's JSON (null when it is no object), parsed on first use as a listed
    /// one is: a command that only returns it (or passes it on) never builds its tree.
    /// </summary>
    internal static PSAzureContext? FromJson(string json)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(json);
        return Json.TryTopLevelString(utf8, "Name", out string? name) ? new PSAzureContext(new ContextRecord(name, utf8, null)) : null;
    }

    /// <summary>The context's key in the profile (null on objects built by hand).</summary>
    public string? Name { get; set; }

    public PSAzureRmAccount? Account
    {
        get => _account.Get(Raw, "Account", o => new PSAzureRmAccount(o));
        set => _account.Set(value);
    }

    public PSAzureEnvironment? Environment
    {
        get => _environment.Get(Raw, "Environment", o => new PSAzureEnvironment(o));
        set => _environment.Set(value);
    }

    public PSAzureSubscription? Subscription
    {
        get => _subscription.Get(Raw, "Subscription", o => new PSAzureSubscription(o));
        set => _subscription.Set(value);
    }

    public PSAzureTenant? Tenant
    {
        get => _tenant.Get(Raw, "Tenant", o => new PSAzureTenant(o));
        set => _tenant.Set(value);
    }

    /// <summary>Where this session keeps the tokens of the context's account (worked out on first read).</summary>
    public AzureTokenCache TokenCache => _tokenCache ??= new AzureTokenCache(Json.Str(Json.Obj(Raw, "TokenCache"), "CacheData"), Account?.Type);

    public string? VersionProfile
    {
        get => _versionProfileSet ? _versionProfile : Json.Str(Raw, "VersionProfile");
        set
        {
            _versionProfile = value;
            _versionProfileSet = true;
        }
    }

    public IDictionary<string, string> ExtendedProperties => _extendedProperties ??= Json.Map(Raw, "ExtendedProperties");

    private Lazy<PSAzureRmAccount> _account;
    private Lazy<PSAzureEnvironment> _environment;
    private Lazy<PSAzureSubscription> _subscription;
    private Lazy<PSAzureTenant> _tenant;
    private AzureTokenCache? _tokenCache;
    private string? _versionProfile;
    private bool _versionProfileSet;
    private IDictionary<string, string>? _extendedProperties;

    /// <summary>A member built from the raw JSON on first read, unless it was assigned first.</summary>
    private struct Lazy<T> where T : class
    {
        private T? _value;
        private bool _known;

        internal T? Get(JsonObject raw, string member, Func<JsonObject, T> make)
        {
            if (!_known)
            {
                _value = Json.Obj(raw, member) is JsonObject o ? make(o) : null;
                _known = true;
            }
            return _value;
        }

        internal void Set(T? value)
        {
            _value = value;
            _known = true;
        }
    }

    public override string ToString() => Name ?? string.Empty;

    /// <summary>The context as Az JSON (with "Name"), for the native library.</summary>
    internal JsonObject ToJson()
    {
        JsonObject o = Json.CloneObj(Raw);
        Json.Set(o, "Name", Name);
        Json.Set(o, "Account", Account?.ToJson());
        Json.Set(o, "Tenant", Tenant?.ToJson());
        Json.Set(o, "Subscription", Subscription?.ToJson());
        Json.Set(o, "Environment", Environment?.ToJson());
        Json.Set(o, "VersionProfile", VersionProfile);
        Json.Set(o, "ExtendedProperties", Json.MapToJson(ExtendedProperties));
        return o;
    }

    internal string ToJsonString() => ToJson().ToJsonString();

    /// <summary>
    /// A context from a live object or from its deserialized copy (CLIXML, from jobs and remoting): an
    /// object with Account and Tenant properties.
    /// </summary>
    internal static PSAzureContext? FromObject(object? value)
    {
        if (value is null) return null;
        PSObject p = PSObject.AsPSObject(value);
        if (p.BaseObject is PSAzureContext c) return c;
        if (p.Properties["Account"] is null && p.Properties["Tenant"] is null) return null;
        // Members in Az's file order (ToJson replaces the placeholders in place), so a context saved or
        // stored from a deserialized copy is written as Az writes it.
        var ctx = new PSAzureContext(new JsonObject
        {
            ["Name"] = Json.PropStr(p, "Name"),
            ["Account"] = null,
            ["Tenant"] = null,
            ["Subscription"] = null,
            ["Environment"] = null,
            ["VersionProfile"] = Json.PropStr(p, "VersionProfile"),
            ["TokenCache"] = new JsonObject { ["CacheData"] = null },
            ["ExtendedProperties"] = Json.PropMap(p, "ExtendedProperties"),
        })
        {
            Account = PSAzureRmAccount.FromPSObject(Json.PropObj(p, "Account")),
            Tenant = PSAzureTenant.FromPSObject(Json.PropObj(p, "Tenant")),
            Subscription = PSAzureSubscription.FromPSObject(Json.PropObj(p, "Subscription")),
            Environment = PSAzureEnvironment.FromPSObject(Json.PropObj(p, "Environment")),
        };
        return ctx;
    }
}

/// <summary>A profile: the default context and the environments (Az's PSAzureProfile).</summary>
public sealed class PSAzureProfile
{
    internal PSAzureProfile(JsonObject raw)
    {
        Raw = raw;
        Context = Json.Obj(raw, "Context") is JsonObject c ? new PSAzureContext(c) : null;
        var envs = new Dictionary<string, PSAzureEnvironment>(StringComparer.OrdinalIgnoreCase);
        if (Json.Obj(raw, "Environments") is JsonObject e)
        {
            foreach (KeyValuePair<string, JsonNode?> kv in e)
            {
                if (kv.Value is JsonObject env) envs[kv.Key] = new PSAzureEnvironment(env);
            }
        }
        Environments = envs;
    }

    internal static PSAzureProfile? FromJson(string json) => Json.Parse(json) is JsonObject o ? new PSAzureProfile(o) : null;

    /// <summary>
    /// From the library's profile record read as a document: its Context and Environments are parsed,
    /// the Profile (all stored contexts: 27 MB at 10,000) is kept as text, which is all it is used as.
    /// </summary>
    internal static PSAzureProfile FromRecord(System.Text.Json.JsonElement record)
    {
        var raw = new JsonObject();
        foreach (string member in new[] { "Context", "Environments" })
        {
            if (record.TryGetProperty(member, out System.Text.Json.JsonElement e))
            {
                raw[member] = JsonNode.Parse(e.GetRawText());
            }
        }
        string? profile = record.TryGetProperty("Profile", out System.Text.Json.JsonElement p) && p.ValueKind == System.Text.Json.JsonValueKind.Object ? p.GetRawText() : null;
        return new PSAzureProfile(raw) { _profileText = profile };
    }

    private string? _profileText;

    /// <summary>The profile as the library returned it: {"Context", "Environments", "Profile"} (Profile may be held as text, see <see cref="FromRecord"/>).</summary>
    internal JsonObject Raw { get; }

    public IDictionary<string, PSAzureEnvironment> Environments { get; }

    public PSAzureContext? Context { get; set; }

    public override string ToString() => Context?.ToString() ?? string.Empty;

    /// <summary>The Az profile JSON (AzureRmContext.json's shape) this object stands for.</summary>
    internal string ToProfileJson() => _profileText ?? Json.Obj(Raw, "Profile")?.ToJsonString() ?? Raw.ToJsonString();

    /// <summary>
    /// The Az profile JSON of a profile or a context, live or deserialized: an object with a Context
    /// property is a profile; one with Account and Tenant is a context (Az's AzureContextConverter rule).
    /// </summary>
    internal static string? ProfileJsonFromObject(object? value)
    {
        if (value is null) return null;
        PSObject p = PSObject.AsPSObject(value);
        if (p.BaseObject is PSAzureProfile live) return live.ToProfileJson();
        if (p.BaseObject is PSAzureContext ctx) return ctx.ToJsonString();
        if (p.Properties["Context"] is not null)
        {
            // A deserialized profile: its default context is what crosses (the other contexts were not
            // serialized by Az either).
            return PSAzureContext.FromObject(p.Properties["Context"].Value)?.ToJsonString();
        }
        return PSAzureContext.FromObject(p)?.ToJsonString();
    }
}
