using GraphQL;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Storage;

namespace Paas.GraphQL.Data;

/// <summary>What the data API's resolvers need about the request: who calls, the metadata the schema was built from, where the data is.</summary>
public sealed class DataRequestContext(Caller caller, TenantMetadata metadata, IDatabaseConnector connector, TimeProvider time, RequestLimits? limits = null)
    : Dictionary<string, object?>
{
    public RequestLimits Limits { get; } = limits ?? caller.Tenant.Limits ?? new RequestLimits();

    public Caller Caller => caller;
    public TenantMetadata Metadata => metadata;
    public IDatabaseConnector Connector => connector;
    public TimeProvider Time => time;

    private readonly Dictionary<(GraphQLParser.AST.GraphQLField Field, string Path), ChildListLoader> _childLoaders = [];
    private int _statementCount;

    /// <summary>SQL statements this request ran, for diagnostics and the tests that bound them.</summary>
    public int StatementCount
    {
        get => Volatile.Read(ref _statementCount);
        set => Volatile.Write(ref _statementCount, value);
    }

    public void AddStatements(int count) => Interlocked.Add(ref _statementCount, count);

    /// <summary>
    /// One loader per selection of a reverse relation and per place in the response (its path without list indexes):
    /// all parents there share it. A fragment used at two levels gives two loaders.
    /// </summary>
    public HistoryLoader HistoryLoader(IResolveFieldContext context, Func<HistoryLoader> create)
    {
        var key = (context.FieldAst, string.Join('.', context.ResponsePath.OfType<string>()));
        lock (_historyLoaders)
        {
            if (!_historyLoaders.TryGetValue(key, out var loader))
            {
                loader = create();
                _historyLoaders[key] = loader;
            }

            return loader;
        }
    }

    private readonly Dictionary<(GraphQLParser.AST.GraphQLField Field, string Path), HistoryLoader> _historyLoaders = [];

    public ChildListLoader ChildLoader(IResolveFieldContext context, Func<ChildListLoader> create)
    {
        var key = (context.FieldAst, string.Join('.', context.ResponsePath.OfType<string>()));
        lock (_childLoaders)
        {
            if (!_childLoaders.TryGetValue(key, out var loader))
            {
                loader = create();
                _childLoaders[key] = loader;
            }

            return loader;
        }
    }

    public async Task<TenantSession> OpenSessionAsync(CancellationToken ct)
    {
        var connection = await connector.OpenAsync(caller.Tenant, ct);
        return new TenantSession(caller.Tenant, connection, connector.Dialect, metadata) { Access = caller.Access };
    }

    public static DataRequestContext From(IResolveFieldContext context) => (DataRequestContext)context.UserContext;
}
