using System.Diagnostics.Metrics;

namespace Paas.GraphQL.Http;

/// <summary>
/// Counts of how requests were executed, as the meter <c>Paas.GraphQL</c> (instruments <c>paas.graphql.direct</c> and
/// <c>paas.graphql.direct_fallbacks</c>) and as totals for this server instance.
/// </summary>
public sealed class GraphQLMetrics
{
    public const string MeterName = "Paas.GraphQL";

    private readonly Counter<long> _direct;
    private readonly Counter<long> _fallbacks;
    private long _directTotal;
    private long _fallbackTotal;

    public GraphQLMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _direct = meter.CreateCounter<long>("paas.graphql.direct", description: "Requests answered on the direct path.");
        _fallbacks = meter.CreateCounter<long>("paas.graphql.direct_fallbacks",
            description: "Requests planned for the direct path that ran through the full executor (a resolver failed or a value did not fit).");
    }

    /// <summary>Requests this server answered on the direct path.</summary>
    public long Direct => Interlocked.Read(ref _directTotal);

    /// <summary>Requests this server planned for the direct path and then ran through the full executor.</summary>
    public long DirectFallbacks => Interlocked.Read(ref _fallbackTotal);

    public void Answered(bool direct)
    {
        if (direct)
        {
            Interlocked.Increment(ref _directTotal);
            _direct.Add(1);
        }
        else
        {
            Interlocked.Increment(ref _fallbackTotal);
            _fallbacks.Add(1);
        }
    }
}
