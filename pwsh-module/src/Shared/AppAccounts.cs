namespace AzContext.Shared;

/// <summary>
/// Which accounts are applications (service principals), and where MSAL keeps their tokens: in the
/// confidential-client cache file beside the users' one. One source file compiled into both AzContext.dll
/// and AzContext.Engine.dll (linked from engine/AzContext.Engine.csproj), because the module names the
/// cache file of a context without loading the engine, and the engine opens that same file.
/// </summary>
internal static class AppAccounts
{
    /// <summary>Appended to the users' cache file name for the application tokens' file.</summary>
    internal const string CacheFileSuffix = ".confidential";

    private static readonly string[] s_types = { "ServicePrincipal", "ClientAssertion", "Certificate" };

    /// <summary>True for Az's application account types (any case): a secret or certificate principal, a federated token.</summary>
    internal static bool IsApp(string? accountType) =>
        accountType is not null && System.Array.Exists(s_types, t => string.Equals(t, accountType, System.StringComparison.OrdinalIgnoreCase));

    /// <summary>The cache file that holds the tokens of an application (<paramref name="app"/>) or of users.</summary>
    internal static string CacheFile(string usersFile, bool app) => app ? usersFile + CacheFileSuffix : usersFile;
}
