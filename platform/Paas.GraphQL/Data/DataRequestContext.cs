using GraphQL;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Core.Scripting;
using Paas.Data.Scripting;
using Paas.Data.Storage;
using Paas.GraphQL.Execution;

namespace Paas.GraphQL.Data;

/// <summary>What the data API's resolvers need about the request: who calls, the metadata the schema was built from, where the data is.</summary>
public sealed class DataRequestContext(Caller caller, TenantMetadata metadata, IDatabaseConnector connector, TimeProvider time, RequestLimits? limits = null,
    ScriptService? scripts = null)
    : Dictionary<string, object?>, IScriptedRequest
{
    private readonly List<ScriptEnvironment> _environments = [];

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

    public ScriptService? ScriptService => scripts;

    /// <summary>The workflow runtime behind the approval mutations; null when the host runs without workflows.</summary>
    public Paas.Workflows.Runtime.WorkflowRuntime? Workflows { get; init; }

    /// <summary>A session for one transaction, with its own script governor (custom actions get the longer CPU budget).</summary>
    public async Task<TenantSession> OpenSessionAsync(CancellationToken ct, bool asynchronousScripts = false)
    {
        var connection = await connector.OpenAsync(caller.Tenant, ct);
        var session = new TenantSession(caller.Tenant, connection, connector.Dialect, metadata) { Access = caller.Access, Workflows = Workflows };
        if (scripts is not null)
        {
            var environment = new ScriptEnvironment(scripts.Runner, new ScriptGovernor(Limits.Scripts, asynchronousScripts), caller, time);
            lock (_environments)
            {
                _environments.Add(environment);
            }

            session.Scripts = environment;
        }

        return session;
    }

    public IReadOnlyList<ScriptCost> ScriptCosts
    {
        get
        {
            lock (_environments)
            {
                return _environments.SelectMany(e => e.Governor.Costs).ToList();
            }
        }
    }

    public async Task CompleteScriptsAsync(CancellationToken ct)
    {
        List<ScriptRun> runs;
        lock (_environments)
        {
            runs = _environments.SelectMany(e => e.Runs).ToList();
        }

        if (scripts is not null)
        {
            await scripts.WriteRunsAsync(caller.Tenant, runs, ct);
        }
    }

    public static DataRequestContext From(IResolveFieldContext context) => (DataRequestContext)context.UserContext;
}
