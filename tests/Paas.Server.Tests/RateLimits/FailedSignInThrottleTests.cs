using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Server.Security;

namespace Paas.Server.Tests.RateLimits;

/// <summary>The failed-sign-in window on a clock the test moves: when an address is refused, for how long, and what counts.</summary>
public sealed class FailedSignInThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Neighbour = IPAddress.Parse("203.0.113.8");

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private FailedSignInThrottle Throttle(int limit = 3, bool enabled = true) =>
        new(new RateLimitOptions { FailedSignInsPerMinute = limit, Enabled = enabled }, _clock, NullLogger<FailedSignInThrottle>.Instance);

    private static void Fail(FailedSignInThrottle throttle, IPAddress? address, params int[] guesses)
    {
        foreach (var guess in guesses)
        {
            throttle.RecordFailure(address, $"paas_guess_{guess}");
        }
    }

    [Fact]
    public void An_address_is_refused_from_the_limit_until_its_window_ends()
    {
        var throttle = Throttle();
        Fail(throttle, Attacker, 1, 2);
        Assert.False(throttle.IsBlocked(Attacker, out _));

        _clock.Advance(TimeSpan.FromSeconds(20));
        Fail(throttle, Attacker, 3);
        Assert.True(throttle.IsBlocked(Attacker, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);

        _clock.Advance(TimeSpan.FromSeconds(39));
        Assert.True(throttle.IsBlocked(Attacker, out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(throttle.IsBlocked(Attacker, out _));

        // A new window starts with the next failure.
        Fail(throttle, Attacker, 4, 5);
        Assert.False(throttle.IsBlocked(Attacker, out _));
        Fail(throttle, Attacker, 6);
        Assert.True(throttle.IsBlocked(Attacker, out retryAfter));
        Assert.Equal(FailedSignInThrottle.Window, retryAfter);
    }

    [Fact]
    public void Failures_of_an_ended_window_do_not_add_up_with_new_ones()
    {
        var throttle = Throttle();
        Fail(throttle, Attacker, 1, 2);
        _clock.Advance(TimeSpan.FromSeconds(61));
        Fail(throttle, Attacker, 3, 4);

        Assert.False(throttle.IsBlocked(Attacker, out _));
    }

    [Fact]
    public void The_same_bad_credential_counts_once()
    {
        var throttle = Throttle();
        Fail(throttle, Attacker, 1, 1, 1, 1, 2, 2);
        Assert.False(throttle.IsBlocked(Attacker, out _));

        Fail(throttle, Attacker, 3);
        Assert.True(throttle.IsBlocked(Attacker, out _));
    }

    [Fact]
    public void Each_address_has_its_own_count_and_an_IPv4_mapped_address_is_the_IPv4_address()
    {
        var throttle = Throttle();
        Fail(throttle, Attacker, 1, 2);
        Fail(throttle, Attacker.MapToIPv6(), 3);

        Assert.True(throttle.IsBlocked(Attacker, out _));
        Assert.True(throttle.IsBlocked(Attacker.MapToIPv6(), out _));
        Assert.False(throttle.IsBlocked(Neighbour, out _));
        Assert.False(throttle.IsBlocked(null, out _));
    }

    [Fact]
    public void Requests_without_an_address_share_one_count()
    {
        var throttle = Throttle();
        Fail(throttle, null, 1, 2, 3);

        Assert.True(throttle.IsBlocked(null, out _));
        Assert.False(throttle.IsBlocked(Attacker, out _));
    }

    [Fact]
    public void Ended_windows_are_forgotten_so_memory_does_not_grow()
    {
        var throttle = Throttle();
        for (var i = 0; i < 1000; i++)
        {
            Fail(throttle, new IPAddress(0x0A000000u + (uint)i), 1, 2, 3);
        }

        _clock.Advance(TimeSpan.FromMinutes(2));
        Fail(throttle, Neighbour, 1);

        Assert.Equal(1, throttle.TrackedAddresses);
        Assert.False(throttle.IsBlocked(new IPAddress(0x0A000001u), out _));
    }

    [Fact]
    public void When_disabled_nothing_is_counted()
    {
        var throttle = Throttle(enabled: false);
        Fail(throttle, Attacker, 1, 2, 3, 4, 5);

        Assert.False(throttle.IsBlocked(Attacker, out _));
    }

    /// <summary>A clock that moves only when the test says so.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
