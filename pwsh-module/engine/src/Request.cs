using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace AzContext.Identity;

/// <summary>
/// What the module asks for, parsed from its JSON. Members:
/// Flow (ClientSecret | ClientCertificate | ClientAssertion | DeviceCode | Interactive | UsernamePassword |
/// ManagedIdentity; GetToken ignores it), Authority (the environment's ActiveDirectoryAuthority),
/// Tenant, ValidateAuthority (false for custom environments: then MSAL calls nothing but the authority),
/// ClientId, Resource (the token's audience; the scope is Resource + "/.default"), Cache {Persistent,
/// Directory, File}, the credential members (Secret, CertificatePath, CertificatePassword,
/// CertificateThumbprint, SendCertificateChain, Assertion, UserName, Password), LoginHint,
/// ManagedIdentityClientId, and for tokens of a stored account: AccountType, AccountId, HomeAccountId,
/// ForceRefresh.
/// </summary>
internal sealed class Request
{
    internal string Flow = "";
    internal string Authority = "https://login.microsoftonline.com/";
    internal string? Tenant;
    internal bool ValidateAuthority = true;
    internal string ClientId = Broker.AzurePowerShellClientId;
    internal string Resource = "https://management.core.windows.net/";
    internal bool PersistentCache;
    internal string? CacheDirectory;
    internal string CacheFile = "msal.cache.cae";
    internal string MemoryKey = "";
    internal string? Secret;
    internal string? CertificatePath;
    internal string? CertificatePassword;
    internal string? CertificateThumbprint;
    internal bool SendCertificateChain;
    internal string? Assertion;
    internal string? UserName;
    internal string? Password;
    internal string? LoginHint;
    internal string? ManagedIdentityClientId;
    internal string? AccountType;
    internal string? AccountId;
    internal string? HomeAccountId;
    internal bool ForceRefresh;

    internal static Request Parse(string json)
    {
        if (JsonNode.Parse(json) is not JsonObject o)
        {
            throw new SignInException("InvalidRequest", "The sign-in request is not a JSON object.");
        }
        string? S(string k) => o[k] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? s : null;
        bool B(string k) => o[k] is JsonValue v && v.TryGetValue(out bool b) && b;
        var r = new Request
        {
            Flow = S("Flow") ?? "",
            Authority = S("Authority") ?? "https://login.microsoftonline.com/",
            Tenant = S("Tenant"),
            ValidateAuthority = o["ValidateAuthority"] is not JsonValue va || !va.TryGetValue(out bool vb) || vb,
            ClientId = S("ClientId") ?? Broker.AzurePowerShellClientId,
            Resource = S("Resource") ?? "https://management.core.windows.net/",
            Secret = S("Secret"),
            CertificatePath = S("CertificatePath"),
            CertificatePassword = o["CertificatePassword"] is JsonValue cp && cp.TryGetValue(out string? cps) ? cps : null,
            CertificateThumbprint = S("CertificateThumbprint"),
            SendCertificateChain = B("SendCertificateChain"),
            Assertion = S("Assertion"),
            UserName = S("UserName"),
            Password = o["Password"] is JsonValue pw && pw.TryGetValue(out string? pws) ? pws : null,
            LoginHint = S("LoginHint"),
            ManagedIdentityClientId = S("ManagedIdentityClientId"),
            AccountType = S("AccountType"),
            AccountId = S("AccountId"),
            HomeAccountId = S("HomeAccountId"),
            ForceRefresh = B("ForceRefresh"),
        };
        if (o["Cache"] is JsonObject c)
        {
            r.PersistentCache = c["Persistent"] is JsonValue p && p.TryGetValue(out bool pb) && pb;
            r.CacheDirectory = c["Directory"] is JsonValue d && d.TryGetValue(out string? ds) ? ds : null;
            r.MemoryKey = c["MemoryKey"] is JsonValue mk && mk.TryGetValue(out string? mks) ? mks : "";
            if (c["File"] is JsonValue f && f.TryGetValue(out string? fs) && !string.IsNullOrEmpty(fs))
            {
                r.CacheFile = fs;
            }
        }
        if (!Uri.TryCreate(r.Authority, UriKind.Absolute, out Uri? authority) || authority.Scheme != Uri.UriSchemeHttps)
        {
            throw new SignInException("InvalidRequest", $"The environment's ActiveDirectoryAuthority '{r.Authority}' is not an https URL; Microsoft Entra ID sign-in needs one.");
        }
        return r;
    }

    internal Request Copy() => (Request)MemberwiseClone();

    /// <summary>The tenant part of the authority: the tenant asked for, else "organizations" (work or school accounts, as Az).</summary>
    internal string AuthorityTenant => Tenant ?? "organizations";

    internal string AuthorityUrl => Authority.TrimEnd('/') + "/" + AuthorityTenant;

    /// <summary>Az's scope for a resource: the resource id followed by "/.default" (ARM's is "https://management.core.windows.net//.default").</summary>
    internal IEnumerable<string> Scopes => new[] { Resource + "/.default" };

    /// <summary>Where this request's cache lives, as a key: the folder and file, or the process's memory.</summary>
    internal string CacheKey => PersistentCache ? $"file:{CacheDirectory}|{CacheFile}" : $"memory:{MemoryKey}";

    /// <summary>This request with this process's memory cache of the same store instead of the file.</summary>
    internal Request InMemory()
    {
        var c = Copy();
        c.PersistentCache = false;
        return c;
    }
}
