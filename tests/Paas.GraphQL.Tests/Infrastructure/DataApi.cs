using System.Text.Json;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;
using Paas.GraphQL.Data;
using Paas.GraphQL.Execution;
using Paas.Testing;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Tests.Infrastructure;

/// <summary>
/// A tenant on a fresh test database and its data API, executed in process through graphql-dotnet (no HTTP):
/// the schema is built from the tenant's current metadata, the result serialized as a client would receive it.
/// </summary>
public sealed class DataApi : IAsyncDisposable
{
    private static readonly DocumentExecuter Executer = new();

    private ISchema? _schema;
    private long _schemaVersion = -1;

    private DataApi(TestDatabase db, TenantInfo tenant)
    {
        Db = db;
        Tenant = tenant;
        Caller = new Caller(tenant, Guid.NewGuid(), "test");
    }

    public static GraphQLSerializer Serializer { get; } = new(new PaasErrorInfoProvider());

    public TestDatabase Db { get; }

    public TenantInfo Tenant { get; }

    public Caller Caller { get; }

    public MetadataService Metadata => Db.Metadata;

    public IDatabaseConnector Connector => Db.Services.GetRequiredService<IDatabaseConnector>();

    public static async Task<DataApi> CreateAsync(DatabaseProvider provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        try
        {
            var (tenant, _) = await db.CreateTenantAsync();
            return new DataApi(db, tenant);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    public async Task<TenantMetadata> SnapshotAsync() => await Metadata.GetAsync(Tenant, CancellationToken.None);

    public async Task<ISchema> SchemaAsync()
    {
        var metadata = await SnapshotAsync();
        if (_schema is null || _schemaVersion != metadata.Version)
        {
            _schema = DataSchemaBuilder.Build(metadata);
            _schemaVersion = metadata.Version;
        }

        return _schema;
    }

    /// <summary>Runs one operation. <paramref name="variables"/> is any object that serializes to the variables JSON.</summary>
    public Task<GraphResult> ExecuteAsync(string query, object? variables = null) =>
        ExecuteJsonAsync(query, variables is null ? null : JsonSerializer.Serialize(variables));

    /// <summary>Runs one operation with the variables given as JSON text, exactly as a client would send them.</summary>
    public async Task<GraphResult> ExecuteJsonAsync(string query, string? variablesJson)
    {
        var schema = await SchemaAsync();
        var metadata = await SnapshotAsync();
        var context = new DataRequestContext(Caller, metadata, Connector, TimeProvider.System);
        var result = await Executer.ExecuteAsync(o =>
        {
            o.Schema = schema;
            o.Query = query;
            o.Variables = variablesJson is null ? null : Serializer.Deserialize<Inputs>(variablesJson);
            o.UserContext = context;
        });
        var json = Serializer.Serialize(result);
        return new GraphResult(JsonDocument.Parse(json).RootElement.Clone(), context.StatementCount, json);
    }

    public Task<ObjectDefinition> CreateObjectAsync(string apiName, string? pluralApiName = null) =>
        Metadata.CreateObjectAsync(Tenant, new ObjectInput { ApiName = apiName, Label = apiName, PluralApiName = pluralApiName }, CancellationToken.None);

    public Task<FieldDefinition> CreateFieldAsync(string objectName, string apiName, FieldType type, Func<FieldInput, FieldInput>? options = null)
    {
        var input = new FieldInput { Object = objectName, ApiName = apiName, Label = apiName, Type = type };
        return Metadata.CreateFieldAsync(Tenant, options is null ? input : options(input), CancellationToken.None);
    }

    /// <summary>Account (industry, parent → Account) and Opportunity (every kind of field, account → Account).</summary>
    public async Task CreateCrmAsync(bool uniqueExternalId = true)
    {
        await CreateObjectAsync("Account");
        await CreateFieldAsync("Account", "industry", FieldType.Picklist, f => f with { Values = ["Software", "Retail", "Energy"] });
        await CreateFieldAsync("Account", "parent", FieldType.Lookup, f => f with { Target = "Account" });
        await CreateObjectAsync("Opportunity");
        await CreateFieldAsync("Opportunity", "amount", FieldType.Currency, f => f with { Precision = 18, Scale = 2 });
        await CreateFieldAsync("Opportunity", "stage", FieldType.Picklist, f => f with { Values = ["Prospecting", "Negotiation", "ClosedWon", "ClosedLost"], DefaultValue = "Prospecting" });
        await CreateFieldAsync("Opportunity", "closeDate", FieldType.Date);
        await CreateFieldAsync("Opportunity", "account", FieldType.Lookup, f => f with { Target = "Account" });
        await CreateFieldAsync("Opportunity", "externalId", FieldType.Text, f => f with { Unique = uniqueExternalId, MaxLength = 50 });
        await CreateFieldAsync("Opportunity", "quantity", FieldType.Integer);
        await CreateFieldAsync("Opportunity", "probability", FieldType.Percent, f => f with { Precision = 5, Scale = 2 });
        await CreateFieldAsync("Opportunity", "won", FieldType.Boolean);
        await CreateFieldAsync("Opportunity", "lastActivity", FieldType.DateTime);
        await CreateFieldAsync("Opportunity", "tags", FieldType.MultiPicklist, f => f with { Values = ["Hot", "Cold", "Partner"] });
        await CreateFieldAsync("Opportunity", "data", FieldType.Json);
        await CreateFieldAsync("Opportunity", "contactEmail", FieldType.Email);
    }

    public async ValueTask DisposeAsync() => await Db.DisposeAsync();
}

/// <summary>A serialized GraphQL response.</summary>
public sealed record GraphResult(JsonElement Root, int StatementCount, string Json)
{
    public JsonElement Data => Root.GetProperty("data");

    public IReadOnlyList<JsonElement> Errors =>
        Root.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().ToList() : [];

    public GraphResult AssertOk()
    {
        Assert.True(Errors.Count == 0, "Unexpected errors: " + Json);
        return this;
    }

    public JsonElement SingleError()
    {
        Assert.True(Errors.Count == 1, "Expected exactly one error: " + Json);
        return Errors[0];
    }

    public string? SingleCode() =>
        SingleError().TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("code", out var code) ? code.GetString() : null;

    public IReadOnlyList<string> FieldErrorPaths() =>
        SingleError().GetProperty("extensions").TryGetProperty("fieldErrors", out var list)
            ? list.EnumerateArray().Select(e => e.GetProperty("field").GetString()!).Order(StringComparer.Ordinal).ToList()
            : [];
}
