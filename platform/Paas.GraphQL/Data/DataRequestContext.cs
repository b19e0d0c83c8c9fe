using GraphQL;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Storage;

namespace Paas.GraphQL.Data;

/// <summary>What the data API's resolvers need about the request: who calls, the metadata the schema was built from, where the data is.</summary>
public sealed class DataRequestContext(Caller caller, TenantMetadata metadata, IDatabaseConnector connector, TimeProvider time)
    : Dictionary<string, object?>
{
    public Caller Caller => caller;
    public TenantMetadata Metadata => metadata;
    public IDatabaseConnector Connector => connector;
    public TimeProvider Time => time;

    /// <summary>SQL statements this request ran, for diagnostics and the tests that bound them.</summary>
    public int StatementCount { get; set; }

    public async Task<TenantSession> OpenSessionAsync(CancellationToken ct)
    {
        var connection = await connector.OpenAsync(caller.Tenant, ct);
        return new TenantSession(caller.Tenant, connection, connector.Dialect, metadata);
    }

    public static DataRequestContext From(IResolveFieldContext context) => (DataRequestContext)context.UserContext;
}
