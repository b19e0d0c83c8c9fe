using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Paas.Server.Security;

/// <summary>
/// Counts failed password sign-ins per client address and per account (tenant slug and email, whether or not they exist,
/// so the throttle tells nothing about which accounts exist). From the first failure a window of
/// <see cref="OAuthOptions.SignInLockoutMinutes"/> runs; once its limit is reached, sign-ins of that address or account are
/// refused, without the password being checked, until the window ends. Keys are kept as SHA-256 prefixes, never in clear.
/// </summary>
public sealed class SignInThrottle(OAuthOptions options, RateLimitOptions rateLimits, TimeProvider time)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset Until)> _failures = new();

    /// <summary>How long the address or the account must wait; null when neither is refused.</summary>
    public TimeSpan? Refused(string? address, string tenant, string email)
    {
        if (!rateLimits.Enabled)
        {
            return null;
        }

        var now = time.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var (key, limit) in Keys(address, tenant, email))
        {
            if (_failures.TryGetValue(key, out var entry) && entry.Until > now && entry.Count >= limit)
            {
                var left = entry.Until - now;
                wait = wait is null || left > wait ? left : wait;
            }
        }

        return wait;
    }

    public void RecordFailure(string? address, string tenant, string email)
    {
        if (!rateLimits.Enabled)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_failures.Count > MaxEntries)
        {
            foreach (var (key, entry) in _failures)
            {
                if (entry.Until <= now)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }

        foreach (var (key, _) in Keys(address, tenant, email))
        {
            _failures.AddOrUpdate(key, _ => (1, now + Window),
                (_, entry) => entry.Until <= now ? (1, now + Window) : (entry.Count + 1, entry.Until));
        }
    }

    private TimeSpan Window => TimeSpan.FromMinutes(options.SignInLockoutMinutes);

    private (string Key, int Limit)[] Keys(string? address, string tenant, string email) =>
    [
        (Hash("address:" + (address ?? "unknown")), options.FailedSignInsPerAddress),
        (Hash("account:" + tenant.Trim().ToLowerInvariant() + "\n" + email.Trim().ToLowerInvariant()), options.FailedSignInsPerAccount),
    ];

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 12);
}
