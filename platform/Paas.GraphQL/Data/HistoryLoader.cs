using GraphQL;
using GraphQL.DataLoader;
using Paas.Core.Metadata;
using Paas.Data.Security;

namespace Paas.GraphQL.Data;

/// <summary>
/// A record's field history (<c>history</c>), batched like reverse relations: all records of one response level are
/// read in one statement. Only tracked fields the caller may read are shown.
/// </summary>
public sealed class HistoryLoader(ObjectDefinition definition, IReadOnlyCollection<string> fields, int perRecord, DataRequestContext context)
{
    private readonly object _gate = new();
    private readonly HashSet<Guid> _records = [];
    private Task<Dictionary<Guid, List<FieldHistoryEntry>>>? _load;

    public IDataLoaderResult Add(Guid recordId)
    {
        lock (_gate)
        {
            _records.Add(recordId);
        }

        return new Result(this, recordId);
    }

    private Task<Dictionary<Guid, List<FieldHistoryEntry>>> LoadAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            return _load ??= RunAsync(_records.ToList(), ct);
        }
    }

    private async Task<Dictionary<Guid, List<FieldHistoryEntry>>> RunAsync(IReadOnlyCollection<Guid> records, CancellationToken ct)
    {
        await using var session = await context.OpenSessionAsync(ct);
        var entries = await FieldHistory.ReadAsync(session, definition, records, fields, perRecord, ct);
        context.AddStatements(session.StatementCount);
        return entries;
    }

    private sealed class Result(HistoryLoader loader, Guid recordId) : IDataLoaderResult
    {
        public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default) =>
            (await loader.LoadAsync(cancellationToken)).GetValueOrDefault(recordId) ?? [];
    }
}
