using System.Threading.RateLimiting;
using Paas.Server.Security;

namespace Paas.Server.Tests.RateLimits;

/// <summary>The chained token buckets themselves: one per credential, one per tenant shared by its credentials.</summary>
public sealed class RequestRateLimiterTests
{
    private static readonly RateLimitIdentity Alice = new("key:alice", "tenant:home");
    private static readonly RateLimitIdentity Bob = new("key:bob", "tenant:home");
    private static readonly RateLimitIdentity Carol = new("key:carol", "tenant:other");
    private static readonly RateLimitIdentity Operator = new("key:operator", null);

    private static bool Served(RequestRateLimiter limiter, RateLimitIdentity identity)
    {
        using var lease = limiter.Acquire(identity);
        return lease.IsAcquired;
    }

    [Theory]
    [InlineData(6000, 100, 1.0)]
    [InlineData(30000, 500, 1.0)]
    [InlineData(5, 1, 12.0)]
    [InlineData(90, 2, 1.3333333)]
    public void A_bucket_holds_a_minute_and_refills_that_much_a_minute_in_steps_of_a_second_or_more(int perMinute, int tokensPerStep, double stepSeconds)
    {
        var options = RequestRateLimiter.BucketOptions(perMinute);

        Assert.Equal(perMinute, options.TokenLimit);
        Assert.Equal(tokensPerStep, options.TokensPerPeriod);
        Assert.Equal(stepSeconds, options.ReplenishmentPeriod.TotalSeconds, 6);
        Assert.Equal(perMinute, options.TokensPerPeriod * TimeSpan.FromMinutes(1) / options.ReplenishmentPeriod, 3);
        Assert.Equal(0, options.QueueLimit);
    }

    [Fact]
    public void A_credential_over_its_limit_is_refused_with_a_retry_time_while_another_of_its_tenant_is_served()
    {
        using var limiter = new RequestRateLimiter(new RateLimitOptions { PerCredentialPerMinute = 2, PerTenantPerMinute = 100 });

        Assert.True(Served(limiter, Alice));
        Assert.True(Served(limiter, Alice));
        using (var refused = limiter.Acquire(Alice))
        {
            Assert.False(refused.IsAcquired);
            Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
            Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
        }

        Assert.True(Served(limiter, Bob));
    }

    [Fact]
    public void The_tenant_limit_is_shared_by_its_credentials_and_not_by_other_tenants_or_the_operator()
    {
        using var limiter = new RequestRateLimiter(new RateLimitOptions { PerCredentialPerMinute = 100, PerTenantPerMinute = 3 });

        Assert.True(Served(limiter, Alice));
        Assert.True(Served(limiter, Alice));
        Assert.True(Served(limiter, Bob));
        Assert.False(Served(limiter, Bob));
        Assert.False(Served(limiter, Alice));

        Assert.True(Served(limiter, Carol));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(Served(limiter, Operator));
        }
    }

    [Fact]
    public void A_credential_refused_by_its_own_limit_spends_nothing_of_its_tenant()
    {
        using var limiter = new RequestRateLimiter(new RateLimitOptions { PerCredentialPerMinute = 1, PerTenantPerMinute = 2 });

        Assert.True(Served(limiter, Alice));
        for (var i = 0; i < 5; i++)
        {
            Assert.False(Served(limiter, Alice));
        }

        Assert.True(Served(limiter, Bob));
    }
}
