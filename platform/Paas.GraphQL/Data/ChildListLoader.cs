using GraphQL;
using GraphQL.DataLoader;
using Paas.Core.Metadata;
using Paas.Data.Query;

namespace Paas.GraphQL.Data;

/// <summary>
/// Batches a reverse relation across all the parents of one response level. graphql-dotnet resolves every sibling
/// first and only then awaits the <see cref="IDataLoaderResult"/>s, so the first await loads the children of all
/// parents that asked, in one statement (plus one for totalCount).
/// </summary>
public sealed class ChildListLoader(ListRequest request, FieldDefinition parentField, DataRequestContext context)
{
    private readonly object _gate = new();
    private readonly HashSet<Guid> _parents = [];
    private Task<Dictionary<Guid, RecordPage>>? _load;

    public IDataLoaderResult Add(Guid parentId)
    {
        lock (_gate)
        {
            _parents.Add(parentId);
        }

        return new Result(this, parentId);
    }

    private Task<Dictionary<Guid, RecordPage>> LoadAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            return _load ??= RunAsync(_parents.ToList(), ct);
        }
    }

    private async Task<Dictionary<Guid, RecordPage>> RunAsync(IReadOnlyCollection<Guid> parents, CancellationToken ct)
    {
        await using var session = await context.OpenSessionAsync(ct);
        var pages = await ChildListExecutor.ListAsync(session, request, parentField, parents, ct);
        context.AddStatements(session.StatementCount);
        return pages;
    }

    private sealed class Result(ChildListLoader loader, Guid parentId) : IDataLoaderResult
    {
        public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var pages = await loader.LoadAsync(cancellationToken);
            return new ConnectionResult(pages.TryGetValue(parentId, out var page) ? page : new RecordPage([], false, false, 0));
        }
    }
}
