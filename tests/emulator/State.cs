using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AzContext.Emulator;

// What tests may change at run time through POST /_emu/settings.
public sealed class Settings
{
    public int ExpiresIn { get; set; } = 3600;
    public int DeviceCodeInterval { get; set; }
    public int DeviceCodePendingPolls { get; set; } = 1;
    // After the pending polls: 'approve' (tokens), 'decline' (authorization_declined), 'expire' (expired_token).
    public string DeviceCodeOutcome { get; set; } = "approve";
    // The user who approves device codes and signs in on the authorize page (when no login_hint names a
    // known user); empty: the first seeded user.
    public string DeviceCodeUser { get; set; } = "";
    public int PageSize { get; set; } = 100;
    // Refresh tokens older than this many seconds are expired (AADSTS700082); 0: they never expire.
    public int RefreshTokenLifetime { get; set; }
    // Long-running operations (Microsoft.Emu/widgets): polls answered "still running" before the operation
    // ends, how it ends ('Succeeded', 'Failed' or 'Canceled'), and the Retry-After (seconds) of its answers.
    public int LroPendingPolls { get; set; } = 2;
    public string LroOutcome { get; set; } = "Succeeded";
    public int LroRetryAfter { get; set; }
}

// One long-running operation of the emulator's Microsoft.Emu provider: a widget's PUT, its POST restart or
// its DELETE. Each poll of its status or result counts down PollsLeft; at zero it ends with Outcome.
public sealed class LroOperation
{
    public required string Id { get; init; }
    public required string Kind { get; init; } // "put", "post" or "delete"
    public required string SubscriptionId { get; init; }
    public required string ResourceId { get; init; }
    public required string Outcome { get; init; }
    public int PollsLeft { get; set; }
    public bool Done { get; set; }
}

public sealed record Principal(
    string Kind, // "user", "app" or "managedIdentity"
    string ObjectId,
    string TenantId,
    string? UserName = null,
    string? DisplayName = null,
    string? AppId = null);

public sealed class RefreshGrant
{
    public required UserSeed User { get; init; }
    public required string ClientId { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public bool Revoked { get; set; }
    public bool Expired { get; set; }
}

public sealed record AuthCode(UserSeed User, string TenantId, string ClientId, string RedirectUri, string? Challenge, string Scope);

public sealed class DeviceCode
{
    public required string TenantId { get; init; }
    public required string ClientId { get; init; }
    public required string Scope { get; init; }
    public int PendingPollsLeft { get; set; }
    public bool Used { get; set; }
}

public sealed class FailRule
{
    public required Regex Path { get; init; }
    public string? Method { get; init; }
    public int Status { get; init; }
    public int Count { get; set; }
    public string? RetryAfter { get; init; }
    public JsonNode? Body { get; init; }
    public long Size { get; init; }
}

public sealed class RequestRecord
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public string? GrantType { get; set; }
    public string? Tenant { get; set; }
    public required string Scheme { get; init; }
    public required DateTimeOffset Time { get; init; }
    public int Status { get; set; }
    public bool Injected { get; set; }
}

// All mutable state of one emulator, behind one lock: requests are few and small.
public sealed class State(Seed seed)
{
    public Seed Seed { get; } = seed;
    public Settings Settings { get; private set; } = new();
    public readonly object Lock = new();
    public readonly Dictionary<string, RefreshGrant> RefreshTokens = new(StringComparer.Ordinal);
    public readonly Dictionary<string, AuthCode> AuthCodes = new(StringComparer.Ordinal);
    public readonly Dictionary<string, DeviceCode> DeviceCodes = new(StringComparer.Ordinal);
    public readonly List<FailRule> FailRules = [];
    public readonly List<RequestRecord> Requests = [];
    // subscription id -> resource group name -> the group's JSON.
    public readonly Dictionary<string, Dictionary<string, JsonObject>> ResourceGroups = new(StringComparer.OrdinalIgnoreCase);
    // Microsoft.Emu widgets by resource id, and their long-running operations by id.
    public readonly Dictionary<string, JsonObject> Widgets = new(StringComparer.OrdinalIgnoreCase);
    public readonly Dictionary<string, LroOperation> Operations = new(StringComparer.Ordinal);

    public void ReplaceSettings(Settings s)
    {
        lock (Lock) Settings = s;
    }

    public static string NewOpaque(int bytes = 32) => Jwt.Base64Url(RandomNumberGenerator.GetBytes(bytes));

    // A tenant named in a path: its id or one of its domains (case-insensitive).
    public TenantSeed? FindTenant(string idOrDomain) =>
        Seed.Tenants.FirstOrDefault(t =>
            string.Equals(t.Id, idOrDomain, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(t.Domain, idOrDomain, StringComparison.OrdinalIgnoreCase));

    public UserSeed? FindUser(string? nameOrId) =>
        string.IsNullOrEmpty(nameOrId) ? null : Seed.Users.FirstOrDefault(u =>
            string.Equals(u.UserName, nameOrId, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(u.ObjectId, nameOrId, StringComparison.OrdinalIgnoreCase));

    public UserSeed? DefaultUser()
    {
        var name = Settings.DeviceCodeUser;
        return FindUser(name) ?? Seed.Users.FirstOrDefault();
    }

    public IEnumerable<ServicePrincipalSeed> ServicePrincipals()
    {
        foreach (var sp in new[] { Seed.ServicePrincipal, Seed.CertServicePrincipal, Seed.FederatedServicePrincipal })
        {
            if (sp is not null && !string.IsNullOrEmpty(sp.AppId)) yield return sp;
        }
    }

    public static bool IsMember(UserSeed user, string tenantId) =>
        string.Equals(user.HomeTenantId, tenantId, StringComparison.OrdinalIgnoreCase) ||
        user.Tenants.Any(t => string.Equals(t, tenantId, StringComparison.OrdinalIgnoreCase));
}
