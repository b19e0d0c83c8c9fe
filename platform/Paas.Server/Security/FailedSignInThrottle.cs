using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Paas.Server.Security;

/// <summary>
/// Stops key guessing: counts the different bad credentials (unknown, revoked, expired) each client address presents.
/// From the first failure a one-minute window runs; once <see cref="RateLimitOptions.FailedSignInsPerMinute"/> different
/// bad credentials came within it, every request of that address that carries a credential is refused, without looking
/// at the credential, until the window ends. A success does not reset the count.
/// </summary>
/// <remarks>
/// The same bad credential sent again counts once: a client retrying a stale key guesses nothing (and the catalog answers
/// repeats from its cache), so it should not lock out the other clients behind the same address. Only a 64-bit SHA-256
/// prefix of a bad credential is kept, for the window, never the credential itself, and nothing of it is logged.
/// Memory is bounded: at most <see cref="MaxAddresses"/> addresses are tracked; beyond that, new addresses are not counted
/// until old windows end (the keys are long random strings; the throttle is a second line of defence, not the first).
/// An unknown address (no connection address, e.g. in-process tests) is one shared address.
/// </remarks>
public sealed class FailedSignInThrottle(RateLimitOptions options, TimeProvider time, ILogger<FailedSignInThrottle> logger)
{
    /// <summary>Addresses tracked at most.</summary>
    public const int MaxAddresses = 100_000;

    /// <summary>How long a window of failures lasts.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const string RefusedItem = "paas.signInRefusedFor";
    private static readonly IPAddress Unknown = IPAddress.IPv6None;

    private readonly ConcurrentDictionary<IPAddress, Failures> _addresses = new();
    private readonly bool _enabled = options.Enabled;
    private readonly int _limit = options.FailedSignInsPerMinute;
    private int _tracked;
    private long _nextSweepTicks;

    /// <summary>
    /// For the authentication handler, before it checks a credential: true when the request's address is refused. The
    /// request is then marked so that <see cref="RefusedFor"/> tells the rate-limit middleware to answer 429.
    /// </summary>
    public bool Refuses(HttpContext http)
    {
        if (!IsBlocked(http.Connection.RemoteIpAddress, out var retryAfter))
        {
            return false;
        }

        http.Items[RefusedItem] = retryAfter;
        return true;
    }

    /// <summary>For the authentication handler: the request's credential was checked and is not valid.</summary>
    public void RecordFailure(HttpContext http, string credential) => RecordFailure(http.Connection.RemoteIpAddress, credential);

    /// <summary>How long the request's address must wait, when <see cref="Refuses"/> refused it; otherwise null.</summary>
    public static TimeSpan? RefusedFor(HttpContext http) =>
        http.Items.TryGetValue(RefusedItem, out var value) && value is TimeSpan wait ? wait : null;

    /// <summary>Addresses with a window of failures being tracked (for tests).</summary>
    internal int TrackedAddresses => Volatile.Read(ref _tracked);

    /// <summary>Whether <paramref name="address"/> is refused now, and for how long.</summary>
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_enabled || !_addresses.TryGetValue(Normalize(address), out var failures))
        {
            return false;
        }

        var now = time.GetUtcNow();
        lock (failures)
        {
            if (now >= failures.WindowEnd || failures.Credentials.Count < _limit)
            {
                return false;
            }

            retryAfter = failures.WindowEnd - now;
            return true;
        }
    }

    /// <summary>Counts a bad <paramref name="credential"/> presented from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address, string credential)
    {
        if (!_enabled)
        {
            return;
        }

        var now = time.GetUtcNow();
        SweepIfDue(now);
        var key = Normalize(address);
        var fingerprint = Fingerprint(credential);
        while (true)
        {
            if (!_addresses.TryGetValue(key, out var failures))
            {
                if (Volatile.Read(ref _tracked) >= MaxAddresses)
                {
                    return;
                }

                failures = new Failures { WindowEnd = now + Window };
                if (!_addresses.TryAdd(key, failures))
                {
                    continue;
                }

                Interlocked.Increment(ref _tracked);
            }

            lock (failures)
            {
                if (failures.Removed)
                {
                    continue;
                }

                if (now >= failures.WindowEnd)
                {
                    failures.WindowEnd = now + Window;
                    failures.Credentials.Clear();
                }

                if (failures.Credentials.Count < _limit && failures.Credentials.Add(fingerprint) && failures.Credentials.Count == _limit)
                {
                    logger.LogWarning("{Count} different bad credentials from {Address} within a minute; its requests with a credential are refused until {Until:O}.",
                        _limit, key == Unknown ? "an unknown address" : key.ToString(), failures.WindowEnd);
                }

                return;
            }
        }
    }

    /// <summary>Drops addresses whose window has ended, at most every <see cref="Window"/>.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + Window.Ticks, due) != due)
        {
            return;
        }

        foreach (var (address, failures) in _addresses)
        {
            lock (failures)
            {
                if (now < failures.WindowEnd || !_addresses.TryRemove(new KeyValuePair<IPAddress, Failures>(address, failures)))
                {
                    continue;
                }

                failures.Removed = true;
                Interlocked.Decrement(ref _tracked);
            }
        }
    }

    private static IPAddress Normalize(IPAddress? address) =>
        address is null ? Unknown : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static ulong Fingerprint(string credential) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    /// <summary>The bad credentials of one address in its current window.</summary>
    private sealed class Failures
    {
        public DateTimeOffset WindowEnd;
        public bool Removed;
        public readonly HashSet<ulong> Credentials = [];
    }
}
