using System.Diagnostics;
using GraphQL.Types;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.GraphQL.Data;
using Paas.GraphQL.Tests.Infrastructure;
using Paas.Testing;
using static Paas.GraphQL.Tests.Infrastructure.SchemaAssert;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Tests;

public sealed class DataSchemaBuilderTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_contract_names_are_generated_for_an_object(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();
        var schema = DataSchemaBuilder.Build(await api.SnapshotAsync());

        var opportunity = Complex(schema, "Opportunity");
        Assert.IsType<ObjectGraphType>(opportunity);
        foreach (var name in new[] { "id", "name", "createdAt", "createdBy", "updatedAt", "updatedBy", "ownerId", "version", "amount", "stage", "closeDate", "account" })
        {
            Field(opportunity, name);
        }

        Assert.Equal("ID!", Render(Field(opportunity, "id").ResolvedType));
        Assert.Equal("Account", Render(Field(opportunity, "account").ResolvedType));
        Assert.Equal("Long!", Render(Field(opportunity, "version").ResolvedType));
        Assert.Equal("[String!]", Render(Field(opportunity, "tags").ResolvedType));

        var query = schema.Query;
        Signature(query, "opportunity", "Opportunity", "id: ID!");
        Signature(query, "opportunities", "OpportunityConnection!",
            "filter: OpportunityFilter", "orderBy: [OpportunityOrderBy!]", "first: Int", "after: String", "last: Int", "before: String");
        Signature(query, "account", "Account", "id: ID!");
        Signature(query, "accounts", "AccountConnection!",
            "filter: AccountFilter", "orderBy: [AccountOrderBy!]", "first: Int", "after: String", "last: Int", "before: String");

        var mutation = Assert.IsAssignableFrom<IComplexGraphType>(schema.Mutation);
        Signature(mutation, "createOpportunity", "Opportunity!", "input: OpportunityCreateInput!");
        Signature(mutation, "createOpportunities", "[Opportunity!]!", "inputs: [OpportunityCreateInput!]!");
        Signature(mutation, "updateOpportunity", "Opportunity!", "id: ID!", "expectedVersion: Long", "input: OpportunityUpdateInput!");
        Signature(mutation, "deleteOpportunity", "ID!", "id: ID!");
        Signature(mutation, "upsertOpportunity", "Opportunity!", "matchOn: OpportunityMatchField!", "input: OpportunityCreateInput!");

        Assert.IsType<InputObjectGraphType>(Type(schema, "OpportunityCreateInput"));
        Assert.IsType<InputObjectGraphType>(Type(schema, "OpportunityUpdateInput"));
        Assert.IsType<InputObjectGraphType>(Type(schema, "OpportunityFilter"));
        Assert.IsType<InputObjectGraphType>(Type(schema, "OpportunityOrderBy"));
        Assert.IsType<ObjectGraphType>(Type(schema, "OpportunityConnection"));
        Assert.IsType<ObjectGraphType>(Type(schema, "OpportunityEdge"));

        var sort = Assert.IsAssignableFrom<EnumerationGraphType>(Type(schema, "SortDirection"));
        Assert.Equal(["ASC", "DESC"], sort.Values.Select(v => v.Name).Order(StringComparer.Ordinal));

        var match = Assert.IsAssignableFrom<EnumerationGraphType>(Type(schema, "OpportunityMatchField"));
        Assert.Equal(["externalId"], match.Values.Select(v => v.Name));
    }

    [Fact]
    public async Task Aggregates_and_reverse_relations_use_the_contract_names()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync();
        var schema = await api.SchemaAsync();

        var aggregate = Field(schema.Query, "opportunitiesAggregate");
        Assert.Equal("[OpportunityAggregateGroup!]!", Render(aggregate.ResolvedType));
        var arguments = (aggregate.Arguments ?? []).ToDictionary(a => a.Name, a => Render(a.ResolvedType));
        Assert.Equal("OpportunityFilter", arguments["filter"]);
        Assert.StartsWith("[", arguments["groupBy"], StringComparison.Ordinal);
        Assert.Contains("first", arguments.Keys);
        var group = Complex(schema, "OpportunityAggregateGroup");
        foreach (var name in new[] { "key", "count", "sum", "avg", "min", "max" })
        {
            Field(group, name);
        }

        // The children that look up to an Account, under the child object's plural name, with the list's arguments.
        var account = Complex(schema, "Account");
        Signature(account, "opportunities", "OpportunityConnection!",
            "filter: OpportunityFilter", "orderBy: [OpportunityOrderBy!]", "first: Int", "after: String", "last: Int", "before: String");
        Signature(account, "accounts", "AccountConnection!",
            "filter: AccountFilter", "orderBy: [AccountOrderBy!]", "first: Int", "after: String", "last: Int", "before: String");
        NoField(Complex(schema, "Opportunity"), "accounts");
    }

    [Fact]
    public async Task Connection_edge_and_page_info_have_the_contract_fields()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync();
        var schema = await api.SchemaAsync();

        var connection = Complex(schema, "OpportunityConnection");
        Assert.Equal("Long!", Render(Field(connection, "totalCount").ResolvedType));
        Assert.Equal("PageInfo!", Render(Field(connection, "pageInfo").ResolvedType));
        Assert.Equal("[OpportunityEdge!]!", Render(Field(connection, "edges").ResolvedType));
        Assert.Equal("[Opportunity!]!", Render(Field(connection, "nodes").ResolvedType));

        var edge = Complex(schema, "OpportunityEdge");
        Assert.Equal("String!", Render(Field(edge, "cursor").ResolvedType));
        Assert.Equal("Opportunity!", Render(Field(edge, "node").ResolvedType));

        var pageInfo = Complex(schema, "PageInfo");
        Assert.Equal("Boolean!", Render(Field(pageInfo, "hasNextPage").ResolvedType));
        Assert.Equal("Boolean!", Render(Field(pageInfo, "hasPreviousPage").ResolvedType));
        Assert.Equal("String", Render(Field(pageInfo, "startCursor").ResolvedType));
        Assert.Equal("String", Render(Field(pageInfo, "endCursor").ResolvedType));
    }

    [Fact]
    public async Task Inputs_filters_and_order_by_cover_the_object_fields()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync();
        var schema = await api.SchemaAsync();

        var create = Complex(schema, "OpportunityCreateInput");
        Assert.Equal("Decimal", Render(Field(create, "amount").ResolvedType));
        Assert.Equal("ID", Render(Field(create, "account").ResolvedType));
        Assert.Equal("String", Render(Field(create, "name").ResolvedType));
        Assert.Equal("[String!]", Render(Field(create, "tags").ResolvedType));
        Field(create, "ownerId");
        foreach (var readOnly in new[] { "id", "createdAt", "createdBy", "updatedAt", "updatedBy", "version" })
        {
            NoField(create, readOnly);
        }

        var update = Complex(schema, "OpportunityUpdateInput");
        Assert.Equal(FieldNames(create), FieldNames(update));

        var filter = Complex(schema, "OpportunityFilter");
        Assert.Equal("AccountFilter", Render(Field(filter, "account").ResolvedType));
        Assert.Equal("[OpportunityFilter!]", Render(Field(filter, "and").ResolvedType));
        Assert.Equal("[OpportunityFilter!]", Render(Field(filter, "or").ResolvedType));
        Assert.Equal("OpportunityFilter", Render(Field(filter, "not").ResolvedType));
        var amountFilter = Assert.IsAssignableFrom<IComplexGraphType>(Field(filter, "amount").ResolvedType);
        foreach (var op in new[] { "eq", "neq", "in", "nin", "isNull", "gt", "gte", "lt", "lte" })
        {
            Field(amountFilter, op);
        }

        var textFilter = Assert.IsAssignableFrom<IComplexGraphType>(Field(filter, "name").ResolvedType);
        foreach (var op in new[] { "eq", "neq", "in", "nin", "isNull", "gt", "gte", "lt", "lte", "contains", "startsWith", "endsWith" })
        {
            Field(textFilter, op);
        }

        var tagsFilter = Assert.IsAssignableFrom<IComplexGraphType>(Field(filter, "tags").ResolvedType);
        Field(tagsFilter, "containsAny");
        Field(tagsFilter, "containsAll");
        Field(tagsFilter, "isNull");

        var orderBy = Complex(schema, "OpportunityOrderBy");
        Assert.Equal("SortDirection", Render(Field(orderBy, "amount").ResolvedType));
        Field(orderBy, "id");
        Field(orderBy, "name");
        Field(orderBy, "closeDate");
        NoField(orderBy, "data");
        NoField(orderBy, "tags");
    }

    [Fact]
    public async Task Upsert_exists_only_when_the_object_has_a_unique_field()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync(uniqueExternalId: false);
        var schema = await api.SchemaAsync();
        var mutation = Assert.IsAssignableFrom<IComplexGraphType>(schema.Mutation);
        NoField(mutation, "upsertOpportunity");
        NoField(mutation, "upsertAccount");
        NoType(schema, "OpportunityMatchField");
        Field(mutation, "createOpportunity");

        await api.Metadata.UpdateFieldAsync(api.Tenant, "Opportunity", "externalId", new FieldInput { Unique = true }, CancellationToken.None);
        var after = Assert.IsAssignableFrom<IComplexGraphType>((await api.SchemaAsync()).Mutation);
        Field(after, "upsertOpportunity");
        NoField(after, "upsertAccount");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_deleted_field_is_absent_everywhere(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();
        await api.Metadata.DeleteFieldAsync(api.Tenant, "Opportunity", "amount", CancellationToken.None);
        await api.Metadata.DeleteFieldAsync(api.Tenant, "Opportunity", "externalId", CancellationToken.None);
        var schema = await api.SchemaAsync();

        foreach (var type in new[] { "Opportunity", "OpportunityCreateInput", "OpportunityUpdateInput", "OpportunityFilter", "OpportunityOrderBy" })
        {
            NoField(Complex(schema, type), "amount");
            NoField(Complex(schema, type), "externalId");
            Field(Complex(schema, type), "closeDate");
        }

        NoField(Assert.IsAssignableFrom<IComplexGraphType>(schema.Mutation), "upsertOpportunity");

        var result = await api.ExecuteAsync("{ opportunities { nodes { amount } } }");
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public async Task A_deleted_object_and_relations_to_it_are_absent()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateObjectAsync("Account");
        await api.CreateObjectAsync("Invoice");
        await api.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "Account" });
        await api.Metadata.DeleteFieldAsync(api.Tenant, "Invoice", "account", CancellationToken.None);
        await api.Metadata.DeleteObjectAsync(api.Tenant, "Account", CancellationToken.None);
        var schema = await api.SchemaAsync();

        NoType(schema, "Account");
        NoType(schema, "AccountFilter");
        NoField(schema.Query, "accounts");
        NoField(Complex(schema, "Invoice"), "account");
        Field(schema.Query, "invoices");
    }

    [Fact]
    public async Task The_plural_api_name_names_the_list_query_and_the_batch_mutation()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateObjectAsync("Person", pluralApiName: "people");
        await api.CreateObjectAsync("Address");
        await api.CreateObjectAsync("Box");
        await api.CreateObjectAsync("Day");
        var schema = await api.SchemaAsync();
        var mutation = Assert.IsAssignableFrom<IComplexGraphType>(schema.Mutation);

        Field(schema.Query, "person");
        Signature(schema.Query, "people", "PersonConnection!",
            "filter: PersonFilter", "orderBy: [PersonOrderBy!]", "first: Int", "after: String", "last: Int", "before: String");
        Field(mutation, "createPeople");
        Field(schema.Query, "addresses");
        Field(mutation, "createAddresses");
        Field(schema.Query, "boxes");
        Field(schema.Query, "days");
        Field(mutation, "createDays");
    }

    [Fact]
    public async Task A_namespaced_object_builds_a_valid_schema()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateObjectAsync("acme__Invoice");
        await api.CreateFieldAsync("acme__Invoice", "acme__score", FieldType.Integer);
        var schema = await api.SchemaAsync();
        Field(Complex(schema, "acme__Invoice"), "acme__score");
        Field(schema.Query, "acme__invoice");
        Field(schema.Query, "acme__invoices");

        var result = await api.ExecuteAsync("{ acme__invoices { totalCount nodes { acme__score } } }");
        result.AssertOk();
        Assert.Equal(0, result.Data.GetProperty("acme__invoices").GetProperty("totalCount").GetInt64());
    }

    [Fact]
    public void A_tenant_without_objects_gets_a_valid_schema()
    {
        var schema = DataSchemaBuilder.Build(new TenantMetadata(7, []));
        Assert.NotNull(schema.Query);
        Field(schema.Query, "_metadataVersion");
        Type(schema, "Query");
    }

    [Fact]
    public async Task A_tenant_without_objects_answers_queries_and_introspection()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        var result = await api.ExecuteAsync("{ _metadataVersion __schema { queryType { name } types { name } } }");
        result.AssertOk();
        Assert.Equal("Query", result.Data.GetProperty("__schema").GetProperty("queryType").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_whole_schema_survives_introspection()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync();
        const string introspection = """
            query {
              __schema {
                queryType { name } mutationType { name }
                types {
                  kind name
                  fields(includeDeprecated: true) { name args { name type { ...T } } type { ...T } }
                  inputFields { name type { ...T } }
                  enumValues(includeDeprecated: true) { name }
                }
              }
            }
            fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
            """;
        var result = await api.ExecuteAsync(introspection);
        result.AssertOk();
        var names = result.Data.GetProperty("__schema").GetProperty("types").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("Opportunity", names);
        Assert.Contains("OpportunityConnection", names);
        Assert.Contains("SortDirection", names);
        Assert.Equal("Mutation", result.Data.GetProperty("__schema").GetProperty("mutationType").GetProperty("name").GetString());
    }

    [Fact]
    public void Two_hundred_objects_with_thirty_fields_each_build()
    {
        var metadata = LargeTenant(objects: 200, fieldsPerObject: 30);
        var watch = Stopwatch.StartNew();
        var schema = DataSchemaBuilder.Build(metadata);
        watch.Stop();
        output.WriteLine($"Built a schema for 200 objects x 30 fields ({schema.AllTypes.Count()} types) in {watch.ElapsedMilliseconds} ms.");

        Field(schema.Query, "object0");
        Field(schema.Query, "object199s");
        var last = Complex(schema, "Object199");
        foreach (var name in SystemFields.All.Concat(Enumerable.Range(0, 30).Select(i => "field" + i)))
        {
            Field(last, name);
        }
    }

    /// <summary>A hand-built snapshot: every kind of field, lookups between the objects.</summary>
    private static TenantMetadata LargeTenant(int objects, int fieldsPerObject)
    {
        FieldType[] kinds =
        [
            FieldType.Text, FieldType.LongText, FieldType.Email, FieldType.Phone, FieldType.Url, FieldType.Integer, FieldType.Number,
            FieldType.Currency, FieldType.Percent, FieldType.Boolean, FieldType.Date, FieldType.DateTime, FieldType.Picklist,
            FieldType.MultiPicklist, FieldType.Lookup, FieldType.MasterDetail, FieldType.AutoNumber, FieldType.Json,
        ];
        var list = new List<ObjectDefinition>();
        for (var o = 0; o < objects; o++)
        {
            var name = "Object" + o;
            var fields = SystemFields.Create(NameType.Text, null).ToList();
            for (var f = 0; f < fieldsPerObject; f++)
            {
                var type = kinds[f % kinds.Length];
                fields.Add(new FieldDefinition
                {
                    ApiName = "field" + f,
                    Label = "Field " + f,
                    Type = type,
                    Column = "field" + f,
                    Unique = f == 0,
                    Values = type is FieldType.Picklist or FieldType.MultiPicklist ? ["A", "B", "C"] : [],
                    Target = type.IsRelation() ? "Object" + ((o + f) % objects) : null,
                    DisplayFormat = type == FieldType.AutoNumber ? "N-{0000}" : null,
                });
            }

            list.Add(new ObjectDefinition
            {
                ApiName = name,
                Label = name,
                PluralLabel = name + "s",
                PluralApiName = ApiNames.Pluralize(ApiNames.ToCamelCase(name)),
                Table = "obj_" + o,
                Fields = fields,
            });
        }

        return new TenantMetadata(1, list);
    }
}
