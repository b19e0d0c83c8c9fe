namespace Paas.Server.Security;

/// <summary><c>Paas:OAuth:*</c>: token lifetimes, signing keys, transport security, the sign-in throttle and invitations.</summary>
public sealed class OAuthOptions
{
    /// <summary>Lifetime of access tokens, in minutes.</summary>
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>When set, the access token lifetime in seconds (overrides <see cref="AccessTokenMinutes"/>; for tests and short-lived setups).</summary>
    public int? AccessTokenSeconds { get; set; }

    /// <summary>Lifetime of refresh tokens (each use rotates the token and restarts it), in days.</summary>
    public int RefreshTokenDays { get; set; } = 14;

    /// <summary>Lifetime of authorization codes, in seconds.</summary>
    public int AuthorizationCodeSeconds { get; set; } = 120;

    /// <summary>A PKCS#12 file with the certificate (and private key) that signs tokens; unset: an ephemeral key per process.</summary>
    public string? SigningCertificatePath { get; set; }

    public string? SigningCertificatePassword { get; set; }

    /// <summary>A PKCS#12 file with the certificate that encrypts access tokens; unset: an ephemeral key per process.</summary>
    public string? EncryptionCertificatePath { get; set; }

    public string? EncryptionCertificatePassword { get; set; }

    /// <summary>The issuer (absolute URL) put in and expected of tokens; unset: derived from the request.</summary>
    public string? Issuer { get; set; }

    /// <summary>Refuse OAuth2 endpoints over plain HTTP. Default: true, except in the Development environment.</summary>
    public bool? RequireHttps { get; set; }

    /// <summary>Failed sign-ins of one account (tenant and email) within <see cref="SignInLockoutMinutes"/> before it is refused for the rest of that window.</summary>
    public int FailedSignInsPerAccount { get; set; } = 5;

    /// <summary>Failed sign-ins from one client address within <see cref="SignInLockoutMinutes"/> before it is refused for the rest of that window.</summary>
    public int FailedSignInsPerAddress { get; set; } = 20;

    public int SignInLockoutMinutes { get; set; } = 15;

    /// <summary>How long an invitation (<c>inviteUser</c>, <c>reissueInvitation</c>) can be accepted, in days.</summary>
    public int InvitationDays { get; set; } = 7;

    public TimeSpan AccessTokenLifetime => AccessTokenSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(AccessTokenMinutes);

    public OAuthOptions Validate()
    {
        Check(AccessTokenMinutes > 0 && AccessTokenMinutes <= 1440, "AccessTokenMinutes", "1 to 1440");
        Check(AccessTokenSeconds is null or > 0 and <= 86400, "AccessTokenSeconds", "1 to 86400");
        Check(RefreshTokenDays is > 0 and <= 365, "RefreshTokenDays", "1 to 365");
        Check(AuthorizationCodeSeconds is > 0 and <= 600, "AuthorizationCodeSeconds", "1 to 600");
        Check(FailedSignInsPerAccount > 0, "FailedSignInsPerAccount", "above 0");
        Check(FailedSignInsPerAddress > 0, "FailedSignInsPerAddress", "above 0");
        Check(SignInLockoutMinutes > 0, "SignInLockoutMinutes", "above 0");
        Check(InvitationDays is > 0 and <= 90, "InvitationDays", "1 to 90");
        Check(Issuer is null || Uri.TryCreate(Issuer, UriKind.Absolute, out _), "Issuer", "an absolute URL");
        return this;
    }

    private static void Check(bool ok, string key, string range)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"Paas:OAuth:{key} must be {range}.");
        }
    }
}
