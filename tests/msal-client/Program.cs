// A public client using MSAL.NET and MsalCacheHelper as Azure PowerShell (Az.Accounts) does, for tests:
//
//   AzContext.MsalClient devicecode --authority URL --cache FILE
//   AzContext.MsalClient interactive --authority URL --cache FILE [--username U]   (the system browser: xdg-open)
//   AzContext.MsalClient ropc       --authority URL --cache FILE --username U --password P
//   AzContext.MsalClient silent     --authority URL --cache FILE [--username U] [--tenant T] [--force-refresh]
//
// URL is https://HOST:PORT/{tenant}. Prints one JSON line: the account, the tenant, and whether the
// token came from the cache — never a token. The device code message goes to stderr. Exit code 1 with
// {"error":..., "message":...} when MSAL fails.
using System.Text.Json.Nodes;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;

// Azure PowerShell's public client id, and the ARM scope it asks for.
const string AzurePowerShellClientId = "1950a258-227b-4e31-a9cf-717495945fc2";
string[] armScopes = ["https://management.core.windows.net//.default"];

if (args.Length == 0 || args[0] is not ("devicecode" or "interactive" or "ropc" or "silent"))
{
    Console.Error.WriteLine("usage: AzContext.MsalClient devicecode|interactive|ropc|silent --authority URL --cache FILE [--username U] [--password P] [--tenant T] [--force-refresh]");
    return 2;
}
var options = new Dictionary<string, string>(StringComparer.Ordinal);
var forceRefresh = false;
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--force-refresh") { forceRefresh = true; continue; }
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"msal-client: unexpected argument '{args[i]}'");
        return 2;
    }
    options[args[i][2..]] = args[++i];
}
string Required(string name) => options.TryGetValue(name, out var v) ? v
    : throw new ArgumentException($"--{name} is required");

try
{
    var authority = Required("authority");
    var cacheFile = Path.GetFullPath(Required("cache"));
    var app = PublicClientApplicationBuilder.Create(AzurePowerShellClientId)
        .WithAuthority(authority, validateAuthority: false)
        .WithInstanceDiscovery(false)
        .WithRedirectUri("http://localhost")
        .Build();
    // Az.Accounts' cache: MsalCacheHelper over one file (the keyring is not there, so the plain file).
    var storage = new StorageCreationPropertiesBuilder(Path.GetFileName(cacheFile), Path.GetDirectoryName(cacheFile))
        .WithLinuxUnprotectedFile()
        .WithMacKeyChain("Microsoft.Developer.IdentityService", "MSALCache")
        .Build();
    var helper = await MsalCacheHelper.CreateAsync(storage);
    helper.RegisterCache(app.UserTokenCache);

    AuthenticationResult result;
    switch (args[0])
    {
        case "devicecode":
            result = await app.AcquireTokenWithDeviceCode(armScopes, dc =>
            {
                Console.Error.WriteLine(dc.Message);
                return Task.CompletedTask;
            }).ExecuteAsync();
            break;
        case "interactive":
        {
            // MSAL starts its loopback listener and runs xdg-open with the authorize URL; bounded so a
            // browser that never comes back fails the run instead of hanging it.
            using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var interactive = app.AcquireTokenInteractive(armScopes).WithUseEmbeddedWebView(false);
            if (options.TryGetValue("username", out var hint)) interactive = interactive.WithLoginHint(hint);
            result = await interactive.ExecuteAsync(cancel.Token);
            break;
        }
        case "ropc":
#pragma warning disable CS0618 // ROPC is obsolete in MSAL for public clients; Az still uses it for -Credential.
            result = await app.AcquireTokenByUsernamePassword(armScopes, Required("username"), Required("password")).ExecuteAsync();
#pragma warning restore CS0618
            break;
        default:
            var accounts = await app.GetAccountsAsync();
            var account = options.TryGetValue("username", out var user)
                ? accounts.FirstOrDefault(a => string.Equals(a.Username, user, StringComparison.OrdinalIgnoreCase))
                : accounts.FirstOrDefault();
            if (account is null)
            {
                Console.Out.WriteLine(new JsonObject { ["error"] = "no_account", ["message"] = "the cache holds no matching account" }.ToJsonString());
                return 1;
            }
            var silent = app.AcquireTokenSilent(armScopes, account).WithForceRefresh(forceRefresh);
            if (options.TryGetValue("tenant", out var tenant)) silent = silent.WithTenantId(tenant);
            result = await silent.ExecuteAsync();
            break;
    }
    Console.Out.WriteLine(new JsonObject
    {
        ["account"] = result.Account.Username,
        ["homeAccountId"] = result.Account.HomeAccountId.Identifier,
        ["tenantId"] = result.TenantId,
        ["fromCache"] = result.AuthenticationResultMetadata.TokenSource == TokenSource.Cache,
        ["tokenSource"] = result.AuthenticationResultMetadata.TokenSource.ToString(),
    }.ToJsonString());
    return 0;
}
catch (MsalException e)
{
    Console.Out.WriteLine(new JsonObject { ["error"] = e.ErrorCode, ["message"] = e.Message }.ToJsonString());
    return 1;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"msal-client: {e.Message}");
    return 2;
}
