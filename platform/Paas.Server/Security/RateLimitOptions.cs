using System.Globalization;

namespace Paas.Server.Security;

/// <summary>
/// The abuse limits from configuration (<c>Paas:RateLimits:…</c>): requests per minute per credential and per tenant, and
/// failed sign-ins per minute per client address. Read once at startup; a bad value stops the server with a message naming the key.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Paas:RateLimits";

    /// <summary>Whether any limit applies (<c>Paas:RateLimits:Enabled</c>, default true).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Requests per minute one credential may make (<c>Paas:RateLimits:PerCredentialPerMinute</c>, default 6000).</summary>
    public int PerCredentialPerMinute { get; init; } = 6000;

    /// <summary>Requests per minute all credentials of one tenant may make together (<c>Paas:RateLimits:PerTenantPerMinute</c>, default 30000).</summary>
    public int PerTenantPerMinute { get; init; } = 30000;

    /// <summary>Different bad credentials one client address may present per minute before it is refused (<c>Paas:RateLimits:FailedSignInsPerMinute</c>, default 20).</summary>
    public int FailedSignInsPerMinute { get; init; } = 20;

    /// <summary>Reads and checks the section; unset keys keep their defaults.</summary>
    /// <exception cref="InvalidOperationException">A value is not a whole number above 0 (or, for <c>Enabled</c>, not true/false).</exception>
    public static RateLimitOptions FromConfiguration(IConfiguration configuration)
    {
        var defaults = new RateLimitOptions();
        return new RateLimitOptions
        {
            Enabled = ReadBool(configuration, nameof(Enabled), defaults.Enabled),
            PerCredentialPerMinute = ReadPositive(configuration, nameof(PerCredentialPerMinute), defaults.PerCredentialPerMinute),
            PerTenantPerMinute = ReadPositive(configuration, nameof(PerTenantPerMinute), defaults.PerTenantPerMinute),
            FailedSignInsPerMinute = ReadPositive(configuration, nameof(FailedSignInsPerMinute), defaults.FailedSignInsPerMinute),
        };
    }

    private static int ReadPositive(IConfiguration configuration, string name, int fallback)
    {
        var text = configuration[$"{Section}:{name}"];
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new InvalidOperationException(
                $"Configuration value '{Section}:{name}' must be a whole number greater than 0 (requests per minute), not '{text}'.");
        }

        return value;
    }

    private static bool ReadBool(IConfiguration configuration, string name, bool fallback)
    {
        var text = configuration[$"{Section}:{name}"];
        if (text is null)
        {
            return fallback;
        }

        if (!bool.TryParse(text.Trim(), out var value))
        {
            throw new InvalidOperationException($"Configuration value '{Section}:{name}' must be true or false, not '{text}'.");
        }

        return value;
    }
}
