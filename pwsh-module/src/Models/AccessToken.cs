using System;
using System.Security;

namespace Microsoft.Azure.Commands.Profile.Models;

/// <summary>
/// Get-AzAccessToken's result (Az's PSSecureAccessToken): the token is a SecureString, so it shows in no
/// view, ToString or transcript; read it with ConvertFrom-SecureString -AsPlainText when it must be sent.
/// </summary>
public sealed class PSSecureAccessToken
{
    internal PSSecureAccessToken(SecureString token, DateTimeOffset expiresOn, string? tenantId, string? userId, string type)
    {
        Token = token;
        ExpiresOn = expiresOn;
        TenantId = tenantId;
        UserId = userId;
        Type = type;
    }

    public SecureString Token { get; }

    public DateTimeOffset ExpiresOn { get; }

    public string? TenantId { get; }

    public string? UserId { get; }

    public string Type { get; }

    public override string ToString() => $"{Type} token for '{UserId}' (tenant {TenantId}), expires {ExpiresOn:u}";
}
