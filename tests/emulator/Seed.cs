using System.Text.Json;

namespace AzContext.Emulator;

// The identities the emulator knows, read from the seed file Emulator.psm1 writes. Property names match
// the PowerShell side's hashtables (read case-insensitively).
public sealed class TenantSeed
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Domain { get; set; } = "";
    public string CountryCode { get; set; } = "US";
}

public sealed class UserSeed
{
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public string ObjectId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string HomeTenantId { get; set; } = "";
    public string[] Tenants { get; set; } = [];
}

public sealed class ServicePrincipalSeed
{
    public string AppId { get; set; } = "";
    public string ObjectId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string? Secret { get; set; }
    // Certificate credential: the PEM of the public certificate.
    public string? CertPath { get; set; }
    // Federated credential: the one assertion string accepted.
    public string? Assertion { get; set; }
}

public sealed class ManagedIdentitySeed
{
    public string TenantId { get; set; } = "";
    public string SystemAssignedClientId { get; set; } = "";
    public string SystemAssignedPrincipalId { get; set; } = "";
    public string UserAssignedClientId { get; set; } = "";
    public string UserAssignedPrincipalId { get; set; } = "";
    // The secret App Service passes in IDENTITY_HEADER; requests must echo it in X-IDENTITY-HEADER.
    public string IdentityHeader { get; set; } = "";
}

public sealed class SubscriptionSeed
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string State { get; set; } = "Enabled";
}

public sealed class Seed
{
    public string HomeTenantId { get; set; } = "";
    public string OtherTenantId { get; set; } = "";
    public List<TenantSeed> Tenants { get; set; } = [];
    public List<UserSeed> Users { get; set; } = [];
    public ServicePrincipalSeed? ServicePrincipal { get; set; }
    public ServicePrincipalSeed? CertServicePrincipal { get; set; }
    public ServicePrincipalSeed? FederatedServicePrincipal { get; set; }
    public ManagedIdentitySeed? ManagedIdentity { get; set; }
    public List<SubscriptionSeed> Subscriptions { get; set; } = [];
    // When > 0, that many more subscriptions are generated in the home tenant (paging and bench).
    public int SubscriptionCount { get; set; }

    public static Seed Load(string path)
    {
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        var seed = JsonSerializer.Deserialize<Seed>(File.ReadAllText(path), options)
            ?? throw new InvalidDataException($"seed file '{path}' is empty");
        seed.Validate(path);
        seed.Generate();
        return seed;
    }

    private void Validate(string path)
    {
        if (Tenants.Count == 0) throw new InvalidDataException($"seed file '{path}' names no tenant");
        foreach (var u in Users)
        {
            if (string.IsNullOrEmpty(u.UserName) || string.IsNullOrEmpty(u.ObjectId) || string.IsNullOrEmpty(u.HomeTenantId))
                throw new InvalidDataException($"seed file '{path}': every user needs UserName, ObjectId and HomeTenantId");
        }
    }

    // Generated subscriptions have ids derived from the home tenant and their index, so they are stable
    // for one seed and distinct between emulators with different tenants.
    private void Generate()
    {
        if (SubscriptionCount <= 0) return;
        var prefix = HomeTenantId.Replace("-", "")[..8];
        for (var i = 1; i <= SubscriptionCount; i++)
        {
            Subscriptions.Add(new SubscriptionSeed
            {
                Id = $"{prefix}-0000-4000-8000-{i:x12}",
                DisplayName = $"Generated {i:D5}",
                TenantId = HomeTenantId,
                State = "Enabled",
            });
        }
    }
}
