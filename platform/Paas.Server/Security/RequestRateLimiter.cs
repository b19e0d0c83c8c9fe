using System.Threading.RateLimiting;

namespace Paas.Server.Security;

/// <summary>
/// Requests per minute per credential and per tenant: a chain of two partitioned token buckets (the built-in
/// <see cref="TokenBucketRateLimiter"/>). A request takes one token from its credential's bucket, then one from its
/// tenant's bucket, which all credentials of the tenant share; the platform operator's key has no tenant bucket.
/// </summary>
/// <remarks>
/// Why a token bucket: it gives clients a burst of up to one minute's allowance and then refills steadily, and its refusals
/// say when the next token comes (<see cref="MetadataName.RetryAfter"/>), which becomes the <c>Retry-After</c> header. The
/// built-in sliding window reports no retry time on a refusal, and the fixed window always reports the whole window.
/// The credential's bucket comes first in the chain, so a credential over its own limit spends none of its tenant's tokens
/// (a request the tenant's bucket refuses has spent its credential's token: chained leases are not given back). Buckets
/// of idle partitions are dropped by the partitioned limiter after a few seconds, so memory follows the active credentials.
/// </remarks>
public sealed class RequestRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<RateLimitIdentity> _perCredential;
    private readonly PartitionedRateLimiter<RateLimitIdentity> _perTenant;
    private readonly PartitionedRateLimiter<RateLimitIdentity> _chain;

    /// <summary>Creates the buckets for the configured limits.</summary>
    public RequestRateLimiter(RateLimitOptions options)
    {
        var perCredential = BucketOptions(options.PerCredentialPerMinute);
        var perTenant = BucketOptions(options.PerTenantPerMinute);
        _perCredential = PartitionedRateLimiter.Create<RateLimitIdentity, string>(identity =>
            RateLimitPartition.GetTokenBucketLimiter(identity.Credential, _ => perCredential));
        _perTenant = PartitionedRateLimiter.Create<RateLimitIdentity, string>(identity => identity.Tenant is { } tenant
            ? RateLimitPartition.GetTokenBucketLimiter(tenant, _ => perTenant)
            : RateLimitPartition.GetNoLimiter(string.Empty));
        _chain = PartitionedRateLimiter.CreateChained(_perCredential, _perTenant);
    }

    /// <summary>Takes a token for one request of <paramref name="identity"/>; the lease says whether it may run and, if not, when to retry.</summary>
    public RateLimitLease Acquire(RateLimitIdentity identity) => _chain.AttemptAcquire(identity);

    /// <summary>
    /// A bucket holding one minute's allowance, refilled in steps of at least a second (the partitioned limiter refills every
    /// 100 ms, so shorter steps would be skipped) that add up to <paramref name="perMinute"/> tokens a minute.
    /// </summary>
    internal static TokenBucketRateLimiterOptions BucketOptions(int perMinute)
    {
        var tokensPerStep = (int)Math.Ceiling(perMinute / 60.0);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = tokensPerStep,
            ReplenishmentPeriod = TimeSpan.FromTicks(TimeSpan.TicksPerMinute * tokensPerStep / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _chain.Dispose();
        _perTenant.Dispose();
        _perCredential.Dispose();
    }
}
