using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AzContext.Emulator;

// Compact JWTs: the tokens this emulator issues (HS256 with a key that lives as long as the process, so
// ARM accepts only tokens of this emulator) and the client assertions it receives.
public static class Jwt
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        return Convert.FromBase64String(s);
    }

    public static string Issue(JsonObject claims)
    {
        var header = Base64Url("""{"typ":"JWT","alg":"HS256","kid":"azcontext-emulator"}""");
        var payload = Base64Url(claims.ToJsonString());
        var signingInput = $"{header}.{payload}";
        var sig = HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url(sig)}";
    }

    // The claims of a token this emulator issued, or null when the signature is not its own.
    public static JsonObject? ReadOwn(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        byte[] sig;
        try { sig = FromBase64Url(parts[2]); } catch (FormatException) { return null; }
        var expected = HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        if (!CryptographicOperations.FixedTimeEquals(sig, expected)) return null;
        return Parse(parts[1]);
    }

    // Header and claims of any compact JWT, unverified; null when it is not one.
    public static (JsonObject Header, JsonObject Claims, string SigningInput, byte[] Signature)? Split(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        var header = Parse(parts[0]);
        var claims = Parse(parts[1]);
        if (header is null || claims is null) return null;
        try
        {
            return (header, claims, $"{parts[0]}.{parts[1]}", FromBase64Url(parts[2]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static JsonObject? Parse(string part)
    {
        try
        {
            return JsonNode.Parse(FromBase64Url(part)) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    // A numeric claim, whether sent as a number or (as MSAL does in assertions) as a string.
    public static long? Number(JsonObject claims, string name)
    {
        var node = claims[name];
        if (node is null) return null;
        try { return node.GetValue<long>(); } catch (Exception e) when (e is FormatException or InvalidOperationException) { }
        return long.TryParse(node.ToString(), out var n) ? n : null;
    }

    public static string? Text(JsonObject claims, string name) =>
        claims[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
