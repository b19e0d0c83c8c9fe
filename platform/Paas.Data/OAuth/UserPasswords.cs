using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Security;
using Paas.Data.Storage;

namespace Paas.Data.OAuth;

/// <summary>
/// Users' passwords, hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2) in the
/// <c>password_hash</c> column of the tenant's <c>_paas_users</c>. Sign-in checks cost the same whether or not the
/// tenant or the user exists, so the answer's timing tells nothing either.
/// Invitations: a single-use token whose SHA-256 hash is kept in <c>invitation_hash</c>; the token carries its expiry, which
/// the hash covers, so it cannot be extended. Accepting sets the user's password and clears the invitation.
/// </summary>
public sealed class UserPasswords(IDatabaseConnector connector, MetadataCache metadata, TimeProvider time)
{
    /// <summary>How long an invitation can be accepted.</summary>
    public TimeSpan InvitationLifetime { get; init; } = TimeSpan.FromDays(7);

    private const string InvitationColumn = "invitation_hash";
    private const string InvitationPrefix = "inv_";

    public const int MinimumLength = 12;
    public const int MaximumLength = 200;
    private const string PasswordColumn = "password_hash";

    private static readonly PasswordHasher<UserInfo> Hasher = new();
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(null!, "not a password of anyone"));

    /// <summary>Sets a user's password (Manage Users), audited as <c>user.password_set</c> in the same transaction.</summary>
    public async Task SetAsync(Caller caller, Guid userId, string? password, CancellationToken ct)
    {
        SecurityService.RequireManageUsers(caller);
        if (password is null || password.Length < MinimumLength || password.Length > MaximumLength)
        {
            throw PaasException.Validation("password", $"A password has {MinimumLength} to {MaximumLength} characters.");
        }

        var snapshot = await metadata.GetAsync(caller.Tenant, ct);
        if (snapshot.Security.FindUser(userId) is not { } user)
        {
            throw PaasException.Validation("id", "There is no user with this id.");
        }

        await using var connection = await connector.OpenAsync(caller.Tenant, ct);
        await using var session = new TenantSession(caller.Tenant, connection, connector.Dialect, snapshot);
        await session.BeginAsync(ct);
        await SecurityStore.SetCredentialAsync(session, user.Id, PasswordColumn, Hasher.HashPassword(user, password), ct);
        await AuditLog.WriteAsync(session, caller, "user.password_set", user.Email, null, time.GetUtcNow(), ct);
        await session.CommitAsync(ct);
    }

    /// <summary>The active user of <paramref name="tenant"/> with this email and password; null otherwise (one answer for every reason).</summary>
    public async Task<UserInfo?> VerifyAsync(TenantInfo? tenant, string email, string password, CancellationToken ct)
    {
        UserInfo? user = null;
        string? hash = null;
        if (tenant is { IsActive: true } && password.Length <= MaximumLength)
        {
            var snapshot = await metadata.GetAsync(tenant, ct);
            user = snapshot.Security.Users.FirstOrDefault(u => string.Equals(u.Email, email.Trim(), StringComparison.OrdinalIgnoreCase));
            if (user is not null)
            {
                await using var connection = await connector.OpenAsync(tenant, ct);
                await using var session = new TenantSession(tenant, connection, connector.Dialect, snapshot);
                hash = (await SecurityStore.FindCredentialAsync(session, "email", user.Email, PasswordColumn, ct))?.Hash;
            }
        }

        // Always one hash check, so that unknown tenants and emails take as long as wrong passwords.
        var result = Hasher.VerifyHashedPassword(user!, hash ?? DummyHash.Value, password.Length <= MaximumLength ? password : "");
        return hash is not null && user is { IsActive: true } && result != PasswordVerificationResult.Failed ? user : null;
    }

    /// <summary>
    /// Issues an invitation for an active user (Manage Users), replacing any earlier one, audited as <c>user.invited</c>.
    /// The token is returned only here; only its hash is kept.
    /// </summary>
    public async Task<Invitation> InviteAsync(Caller caller, Guid userId, CancellationToken ct)
    {
        SecurityService.RequireManageUsers(caller);
        var snapshot = await metadata.GetAsync(caller.Tenant, ct);
        if (snapshot.Security.FindUser(userId) is not { } user)
        {
            throw PaasException.Validation("id", "There is no user with this id.");
        }

        if (!user.IsActive)
        {
            throw PaasException.Validation("id", "The user is deactivated; activate the user before inviting them.");
        }

        var expiresAt = time.GetUtcNow().Add(InvitationLifetime);
        var token = InvitationPrefix + Base64Url(RandomNumberGenerator.GetBytes(32)) + "." + expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await using var connection = await connector.OpenAsync(caller.Tenant, ct);
        await using var session = new TenantSession(caller.Tenant, connection, connector.Dialect, snapshot);
        await session.BeginAsync(ct);
        await SecurityStore.SetCredentialAsync(session, user.Id, InvitationColumn, Hash(token), ct);
        await AuditLog.WriteAsync(session, caller, "user.invited", user.Email, new { expiresAt }, time.GetUtcNow(), ct);
        await session.CommitAsync(ct);
        return new Invitation(user, caller.Tenant.Slug, token, expiresAt);
    }

    /// <summary>
    /// Accepts an invitation: sets the password, clears the invitation (single use) and audits <c>user.invitation_accepted</c>.
    /// Null for an unknown, used, expired or malformed token, a deactivated user or an inactive tenant (one answer for every
    /// reason); a password of the wrong length is a validation error and uses nothing up.
    /// </summary>
    public async Task<UserInfo?> AcceptInvitationAsync(TenantInfo? tenant, string token, string password, string? address, CancellationToken ct)
    {
        if (password.Length < MinimumLength || password.Length > MaximumLength)
        {
            throw PaasException.Validation("password", $"A password has {MinimumLength} to {MaximumLength} characters.");
        }

        if (tenant is not { IsActive: true } || !InvitationExpiry(token, out var expiresAt) || expiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var snapshot = await metadata.GetAsync(tenant, ct);
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, snapshot);
        await session.BeginAsync(ct);
        var hash = Hash(token);
        if (await SecurityStore.FindCredentialAsync(session, InvitationColumn, hash, InvitationColumn, ct) is not { } found
            || snapshot.Security.FindUser(found.UserId) is not { IsActive: true } user)
        {
            return null;
        }

        // Clearing only while the hash is still the one presented makes two concurrent accepts use the token once.
        if (!await SecurityStore.ClearInvitationAsync(session, user.Id, InvitationColumn, hash, ct))
        {
            return null;
        }

        await SecurityStore.SetCredentialAsync(session, user.Id, PasswordColumn, Hasher.HashPassword(user, password), ct);
        await AuditLog.WriteAsync(session, new Caller(tenant, user.Id, user.Name) { Credential = "invitation", Address = address },
            "user.invitation_accepted", user.Email, null, time.GetUtcNow(), ct);
        await session.CommitAsync(ct);
        return user;
    }

    private static bool InvitationExpiry(string token, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        var dot = token.LastIndexOf('.');
        if (token.Length is < 50 or > 100 || !token.StartsWith(InvitationPrefix, StringComparison.Ordinal) || dot < 0
            || !long.TryParse(token.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>An issued invitation; <see cref="Token"/> is shown once.</summary>
public sealed record Invitation(UserInfo User, string TenantSlug, string Token, DateTimeOffset ExpiresAt);
