using System.Data.Common;
using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Data.Query;
using Paas.Data.Security;
using Paas.Data.Sql;

namespace Paas.Data.Storage;

/// <summary>An open connection (and optional transaction) to one tenant's storage, with its metadata snapshot.</summary>
public sealed class TenantSession(TenantInfo tenant, DbConnection connection, ISqlDialect dialect, TenantMetadata metadata) : IAsyncDisposable
{
    public TenantInfo Tenant => tenant;
    public DbConnection Connection => connection;
    public DbTransaction? Transaction { get; private set; }
    public ISqlDialect Dialect => dialect;
    public TenantMetadata Metadata { get; set; } = metadata;

    /// <summary>Statements run through this session, for tests and diagnostics that count round trips.</summary>
    public int StatementCount { get; private set; }

    /// <summary>
    /// The caller's rights. Null for the platform's own work (provisioning, metadata changes, cascades), which sees
    /// every record; every request on behalf of a user sets it.
    /// </summary>
    public AccessContext? Access { get; set; }

    /// <summary>The scripts of this session's transaction (sandbox, governor, caller); every session that writes records has one.</summary>
    public Scripting.ScriptEnvironment? Scripts { get; set; }

    /// <summary>Starts record-triggered workflows in this session's transaction; null where changes start none (workflow steps).</summary>
    public Workflows.IWorkflowStarter? Workflows { get; set; }

    /// <summary>The caller's record access to <paramref name="definition"/> as a predicate over <paramref name="alias"/>; null when unrestricted.</summary>
    public string? AccessPredicate(SqlStatement statement, ObjectDefinition definition, string alias, AccessLevel level = AccessLevel.Read) =>
        RecordAccess.Predicate(this, statement, definition, alias, level);

    /// <summary>A filter compiler whose relation conditions see only records the caller may read.</summary>
    public FilterCompiler Filters(SqlStatement statement) =>
        new(statement, Metadata, Table, (definition, alias) => AccessPredicate(statement, definition, alias));

    public string Table(ObjectDefinition definition) => dialect.Table(tenant.StorageName, definition.Table);

    public string Table(string table) => dialect.Table(tenant.StorageName, table);

    public async Task BeginAsync(CancellationToken ct) => Transaction = await connection.BeginTransactionAsync(ct);

    public async Task CommitAsync(CancellationToken ct)
    {
        if (Transaction is not null)
        {
            await Transaction.CommitAsync(ct);
            await Transaction.DisposeAsync();
            Transaction = null;
        }

        var committed = _afterCommit;
        _afterCommit = null;
        committed?.ForEach(action => action());
    }

    private List<Action>? _afterCommit;

    /// <summary>
    /// Runs <paramref name="action"/> once this session's transaction has committed (at once when none is open); never
    /// when it rolls back. For signals to other threads, such as waking the workflow worker for work just queued.
    /// </summary>
    public void AfterCommit(Action action)
    {
        if (Transaction is null)
        {
            action();
            return;
        }

        (_afterCommit ??= []).Add(action);
    }

    public SqlStatement Statement() => new(dialect);

    public DbCommand Command(SqlStatement statement)
    {
        StatementCount++;
        return statement.CreateCommand(connection, Transaction);
    }

    public async Task<int> ExecuteAsync(SqlStatement statement, CancellationToken ct)
    {
        await using var command = Command(statement);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<object?> ScalarAsync(SqlStatement statement, CancellationToken ct)
    {
        await using var command = Command(statement);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        if (Transaction is not null)
        {
            // Disposing an uncommitted transaction rolls it back.
            await Transaction.DisposeAsync();
            Transaction = null;
        }

        await connection.DisposeAsync();
    }
}
