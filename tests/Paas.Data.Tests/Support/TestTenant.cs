using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Query;
using Paas.Data.Records;
using Paas.Data.Storage;
using Paas.Testing;

namespace Paas.Data.Tests.Support;

/// <summary>
/// A fresh platform database with one tenant, and short ways to change its metadata and to read and write its records
/// the way a request does: one session, one transaction, committed only when the work succeeds (a failure rolls back).
/// </summary>
public sealed class TestTenant : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    private TestTenant(TestDatabase database, TenantInfo tenant)
    {
        Database = database;
        Tenant = tenant;
        Caller = new Caller(tenant, Guid.NewGuid(), "test");
    }

    public TestDatabase Database { get; }

    public TenantInfo Tenant { get; }

    public Caller Caller { get; }

    public MetadataService Metadata => Database.Metadata;

    public static async Task<TestTenant> CreateAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var (tenant, _) = await database.CreateTenantAsync();
        return new TestTenant(database, tenant);
    }

    /// <summary>Another tenant in the same platform database (disposed with this one).</summary>
    public async Task<TestTenant> CreateSiblingAsync()
    {
        var (tenant, _) = await Database.CreateTenantAsync();
        return new TestTenant(Database, tenant);
    }

    // ------------------------------------------------------------------ metadata

    public Task<TenantMetadata> MetadataAsync() => Metadata.GetAsync(Tenant, None).AsTask();

    /// <summary>The metadata as stored in the database (not the cached snapshot).</summary>
    public Task<TenantMetadata> StoredMetadataAsync() =>
        Database.Services.GetRequiredService<MetadataCache>().LoadAsync(Tenant, None);

    public async Task<long> VersionAsync() => (await MetadataAsync()).Version;

    /// <summary>Adds an active user (Standard User profile) and returns its id.</summary>
    public async Task<Guid> AddUserAsync(string email) =>
        (await Database.Services.GetRequiredService<Paas.Data.Security.SecurityService>()
            .SaveUserAsync(Caller, new Paas.Data.Security.UserInput { Name = email, Email = email }, None)).Id;

    public async Task<ObjectDefinition> ObjectAsync(string apiName) =>
        (await MetadataAsync()).FindObject(apiName) ?? throw new InvalidOperationException($"No live object '{apiName}'.");

    public async Task<FieldDefinition?> FieldAsync(string objectName, string fieldName) =>
        (await ObjectAsync(objectName)).FindField(fieldName);

    public async Task<IReadOnlyList<string>> ObjectNamesAsync() =>
        (await MetadataAsync()).AllObjects.Select(o => o.ApiName + (o.IsDeleted ? " (deleted)" : "")).Order(StringComparer.Ordinal).ToList();

    public Task<ObjectDefinition> CreateObjectAsync(string apiName, NameType? nameType = null, string? nameFormat = null, string? pluralApiName = null) =>
        Metadata.CreateObjectAsync(Tenant, new ObjectInput
        {
            ApiName = apiName, Label = apiName, NameType = nameType, NameFormat = nameFormat, PluralApiName = pluralApiName,
        }, None);

    public Task<FieldDefinition> CreateFieldAsync(FieldInput input) => Metadata.CreateFieldAsync(Tenant, input, None);

    /// <summary>Creates a field labelled like its name; <paramref name="configure"/> sets its options.</summary>
    public Task<FieldDefinition> CreateFieldAsync(string objectName, string apiName, FieldType type, Func<FieldInput, FieldInput>? configure = null) =>
        CreateFieldAsync(Field(objectName, apiName, type, configure));

    public static FieldInput Field(string objectName, string apiName, FieldType type, Func<FieldInput, FieldInput>? configure = null)
    {
        var input = new FieldInput { Object = objectName, ApiName = apiName, Label = apiName, Type = type };
        return configure is null ? input : configure(input);
    }

    public Task<FieldDefinition> UpdateFieldAsync(string objectName, string apiName, FieldInput input) =>
        Metadata.UpdateFieldAsync(Tenant, objectName, apiName, input, None);

    public Task<bool> DeleteFieldAsync(string objectName, string apiName) => Metadata.DeleteFieldAsync(Tenant, objectName, apiName, None);

    public Task<FieldDefinition> RestoreFieldAsync(string objectName, string apiName) => Metadata.RestoreFieldAsync(Tenant, objectName, apiName, None);

    public Task<bool> PurgeFieldAsync(string objectName, string apiName) => Metadata.PurgeFieldAsync(Tenant, objectName, apiName, None);

    public Task<bool> DeleteObjectAsync(string apiName) => Metadata.DeleteObjectAsync(Tenant, apiName, None);

    public Task<ObjectDefinition> RestoreObjectAsync(string apiName) => Metadata.RestoreObjectAsync(Tenant, apiName, None);

    public Task<bool> PurgeObjectAsync(string apiName) => Metadata.PurgeObjectAsync(Tenant, apiName, None);

    // ------------------------------------------------------------------ sessions

    public async Task<TenantSession> OpenSessionAsync()
    {
        var metadata = await MetadataAsync();
        var connector = Database.Services.GetRequiredService<IDatabaseConnector>();
        return new TenantSession(Tenant, await connector.OpenAsync(Tenant, None), connector.Dialect, metadata);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction, committed only if it succeeds.</summary>
    public async Task<T> WriteAsync<T>(Func<RecordWritePipeline, TenantMetadata, Task<T>> work)
    {
        await using var session = await OpenSessionAsync();
        await session.BeginAsync(None);
        var pipeline = new RecordWritePipeline(session, Caller, TimeProvider.System);
        var result = await work(pipeline, session.Metadata);
        await session.CommitAsync(None);
        return result;
    }

    public Task WriteAsync(Func<RecordWritePipeline, TenantMetadata, Task> work) =>
        WriteAsync<bool>(async (pipeline, metadata) =>
        {
            await work(pipeline, metadata);
            return true;
        });

    // ------------------------------------------------------------------ records

    public async Task<Guid> InsertAsync(string objectName, IReadOnlyDictionary<string, object?> values) =>
        (await InsertManyAsync(objectName, [values]))[0];

    public Task<Guid> InsertAsync(string objectName, string json) => InsertAsync(objectName, Json.Map(json));

    public Task<IReadOnlyList<Guid>> InsertManyAsync(string objectName, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows) =>
        WriteAsync((pipeline, metadata) => pipeline.CreateAsync(Require(metadata, objectName), rows, None));

    /// <summary>Inserts one record per name (<c>{"name": n}</c> plus <paramref name="extra"/>) in one batch.</summary>
    public Task<IReadOnlyList<Guid>> InsertNamedAsync(string objectName, IEnumerable<string> names, Func<int, IReadOnlyDictionary<string, object?>>? extra = null) =>
        InsertManyAsync(objectName, names.Select((n, i) =>
        {
            var row = new Dictionary<string, object?>(extra?.Invoke(i) ?? new Dictionary<string, object?>()) { ["name"] = n };
            return (IReadOnlyDictionary<string, object?>)row;
        }).ToList());

    public Task UpdateAsync(string objectName, Guid id, IReadOnlyDictionary<string, object?> values, long? expectedVersion = null) =>
        WriteAsync((pipeline, metadata) => pipeline.UpdateAsync(Require(metadata, objectName), id, expectedVersion, values, None));

    public Task UpdateAsync(string objectName, Guid id, string json, long? expectedVersion = null) =>
        UpdateAsync(objectName, id, Json.Map(json), expectedVersion);

    public Task<(Guid Id, bool Created)> UpsertAsync(string objectName, string matchField, IReadOnlyDictionary<string, object?> values) =>
        WriteAsync((pipeline, metadata) =>
        {
            var definition = Require(metadata, objectName);
            return pipeline.UpsertAsync(definition, definition.FindField(matchField)!, values, None);
        });

    public Task DeleteAsync(string objectName, Guid id) =>
        WriteAsync((pipeline, metadata) => pipeline.DeleteAsync(Require(metadata, objectName), id, None));

    /// <summary>A record with every live field; a relation reads as the related id (a <see cref="Guid"/>).</summary>
    public async Task<Dictionary<string, object?>?> GetAsync(string objectName, Guid id)
    {
        await using var session = await OpenSessionAsync();
        var selection = SelectAll(Require(session.Metadata, objectName), session.Metadata);
        var row = await RecordQueryExecutor.GetAsync(session, selection, id, None);
        return row is null ? null : Flatten(row);
    }

    public async Task<Dictionary<string, object?>> RequireAsync(string objectName, Guid id) =>
        await GetAsync(objectName, id) ?? throw new InvalidOperationException($"No {objectName} {id}.");

    /// <summary>One page. <paramref name="orderBy"/> reads like <c>"amount desc, name"</c>.</summary>
    public async Task<RecordPage> ListAsync(
        string objectName,
        IReadOnlyDictionary<string, object?>? filter = null,
        string? orderBy = null,
        int? first = null,
        string? after = null,
        int? last = null,
        string? before = null,
        bool totalCount = false)
    {
        await using var session = await OpenSessionAsync();
        var definition = Require(session.Metadata, objectName);
        var page = await RecordQueryExecutor.ListAsync(session, new ListRequest
        {
            Selection = SelectAll(definition, session.Metadata),
            Filter = filter,
            OrderBy = Order(definition, orderBy),
            First = first,
            After = after,
            Last = last,
            Before = before,
            IncludeTotalCount = totalCount,
        }, None);
        return page with { Rows = page.Rows.Select(r => r.WithValues(Flatten(r.Values))).ToList() };
    }

    /// <summary>The names of the records matching <paramref name="filterJson"/>, in name order.</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(string objectName, string filterJson) =>
        await NamesAsync(objectName, Json.Map(filterJson));

    public async Task<IReadOnlyList<string>> NamesAsync(string objectName, IReadOnlyDictionary<string, object?> filter)
    {
        var page = await ListAsync(objectName, filter, orderBy: "name", first: QueryLimits.MaxPageSize);
        return page.Rows.Select(r => (string)r.Values["name"]!).ToList();
    }

    public async Task<long> CountAsync(string objectName, IReadOnlyDictionary<string, object?>? filter = null)
    {
        await using var session = await OpenSessionAsync();
        return await RecordQueryExecutor.CountAsync(session, Require(session.Metadata, objectName), filter, None);
    }

    public static IReadOnlyList<SortKey> Order(ObjectDefinition definition, string? orderBy) =>
        string.IsNullOrWhiteSpace(orderBy)
            ? []
            : orderBy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
            {
                var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var field = definition.FindField(words[0]) ?? throw new InvalidOperationException($"No field '{words[0]}'.");
                return new SortKey(field, words.Length > 1 && words[1].Equals("desc", StringComparison.OrdinalIgnoreCase));
            }).ToList();

    private static RecordSelection SelectAll(ObjectDefinition definition, TenantMetadata metadata) => new(
        definition,
        definition.LiveFields.Where(f => !f.Type.IsRelation()).ToList(),
        definition.LiveFields.Where(f => f.Type.IsRelation())
            .Select(f => new RelationSelection(f, RecordSelection.IdOnly(metadata.FindObject(f.Target!) ?? definition)))
            .ToList());

    private static Dictionary<string, object?> Flatten(IReadOnlyDictionary<string, object?> row) =>
        row.ToDictionary(kv => kv.Key, kv => kv.Value is IReadOnlyDictionary<string, object?> related ? related[SystemFields.Id] : kv.Value, StringComparer.Ordinal);

    private static ObjectDefinition Require(TenantMetadata metadata, string objectName) =>
        metadata.FindObject(objectName) ?? throw new InvalidOperationException($"No live object '{objectName}'.");

    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}
