using System.Text.Json;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.GraphQL.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.GraphQL.Tests;

/// <summary>The data API executed end to end through graphql-dotnet and the database, without HTTP.</summary>
public sealed class DataApiExecutionTests
{
    private static async Task<DataApi> CrmAsync(DatabaseProvider provider)
    {
        var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();
        return api;
    }

    private static async Task<string> CreateAccountAsync(DataApi api, string name, string? industry = null, string? parent = null)
    {
        var result = await api.ExecuteAsync(
            "mutation($input: AccountCreateInput!) { createAccount(input: $input) { id } }",
            new { input = new { name, industry, parent } });
        return result.AssertOk().Data.Str("createAccount.id")!;
    }

    private static async Task<JsonElement> CreateOpportunityAsync(DataApi api, object input, string selection = "id version")
    {
        var result = await api.ExecuteAsync(
            $"mutation($input: OpportunityCreateInput!) {{ createOpportunity(input: $input) {{ {selection} }} }}",
            new { input });
        return result.AssertOk().Data.At("createOpportunity");
    }

    private static async Task<long> CountAsync(DataApi api) =>
        (await api.ExecuteAsync("{ opportunities { totalCount } }")).AssertOk().Data.At("opportunities.totalCount").GetInt64();

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Every_field_type_is_written_and_read_back_in_canonical_form(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var account = await CreateAccountAsync(api, "Acme", "Software");

        var created = await CreateOpportunityAsync(api, new
        {
            name = "Big deal",
            amount = 120000.5m,
            stage = "Negotiation",
            closeDate = "2026-01-31",
            account,
            externalId = "crm-1",
            quantity = 3,
            probability = "12.5",
            won = true,
            lastActivity = "2026-01-31T11:30:00.1234567+02:00",
            tags = new[] { "Partner", "Hot" },
            data = new { a = 1, b = new object?[] { true, null, "x" } },
            contactEmail = "ann@example.com",
        }, "id version createdAt updatedAt createdBy ownerId");
        var id = created.Str("id")!;
        Assert.True(Guid.TryParseExact(id, "D", out _), id);
        Assert.Equal(1, created.At("version").GetInt64());
        Assert.Equal(created.Str("createdAt"), created.Str("updatedAt"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", created.Str("createdAt")!);
        Assert.Equal(api.Caller.UserId.ToString(), created.Str("createdBy"));
        Assert.Equal(api.Caller.UserId.ToString(), created.Str("ownerId"));

        var read = await api.ExecuteAsync($$"""
            { opportunity(id: "{{id}}") {
                id name amount stage closeDate externalId quantity probability won lastActivity tags data contactEmail version
                account { id name industry }
            } }
            """);
        var o = read.AssertOk().Data.At("opportunity");
        Assert.Equal(id, o.Str("id"));
        Assert.Equal("Big deal", o.Str("name"));
        Assert.Equal(120000.5m, o.At("amount").GetDecimal());
        Assert.Equal("Negotiation", o.Str("stage"));
        Assert.Equal("2026-01-31", o.Str("closeDate"));
        Assert.Equal("crm-1", o.Str("externalId"));
        Assert.Equal(3, o.At("quantity").GetInt64());
        Assert.Equal(12.5m, o.At("probability").GetDecimal());
        Assert.True(o.At("won").GetBoolean());
        Assert.Equal("2026-01-31T09:30:00.123456Z", o.Str("lastActivity"));
        Assert.Equal(["Hot", "Partner"], o.List("tags").Select(t => t.GetString()));
        Assert.Equal(1, o.At("data.a").GetInt32());
        Assert.Equal(JsonValueKind.True, o.At("data.b.0").ValueKind);
        Assert.Equal(JsonValueKind.Null, o.At("data.b.1").ValueKind);
        Assert.Equal("x", o.Str("data.b.2"));
        Assert.Equal("ann@example.com", o.Str("contactEmail"));
        Assert.Equal(account, o.Str("account.id"));
        Assert.Equal("Acme", o.Str("account.name"));
        Assert.Equal("Software", o.Str("account.industry"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Defaults_apply_and_empty_fields_read_as_null(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var created = await CreateOpportunityAsync(api, new { name = "Plain" }, "stage amount account { id } tags data closeDate");
        Assert.Equal("Prospecting", created.Str("stage"));
        foreach (var empty in new[] { "amount", "account", "tags", "data", "closeDate" })
        {
            Assert.Equal(JsonValueKind.Null, created.At(empty).ValueKind);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Bad_input_fails_with_every_bad_field_named_and_changes_nothing(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var result = await api.ExecuteAsync("""
            mutation { createOpportunity(input: {amount: "abc", stage: "Nope", contactEmail: "not-an-email", closeDate: "2026-02-30", quantity: 1.5}) { id } }
            """);
        Assert.Equal(ErrorCodes.ValidationFailed, result.SingleCode());
        Assert.Equal(["amount", "closeDate", "contactEmail", "name", "quantity", "stage"], result.FieldErrorPaths());
        Assert.All(result.SingleError().At("extensions.fieldErrors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.Str("message"))));
        Assert.Equal(0, await CountAsync(api));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Too_many_decimal_places_or_digits_are_refused(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var places = await api.ExecuteAsync("""mutation { createOpportunity(input: {name: "x", amount: 1.005}) { id } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, places.SingleCode());
        Assert.Equal(["amount"], places.FieldErrorPaths());

        var digits = await api.ExecuteAsync("""mutation { createOpportunity(input: {name: "x", probability: 1000}) { id } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, digits.SingleCode());
        Assert.Equal(["probability"], digits.FieldErrorPaths());

        var asString = await CreateOpportunityAsync(api, new { name = "y", amount = "9999999999999999.99" }, "amount");
        Assert.Equal(9999999999999999.99m, asString.At("amount").GetDecimal());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_lookup_must_name_an_existing_record(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var result = await api.ExecuteAsync($$"""mutation { createOpportunity(input: {name: "x", account: "{{Guid.CreateVersion7()}}"}) { id } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, result.SingleCode());
        Assert.Equal(["account"], result.FieldErrorPaths());

        var malformed = await api.ExecuteAsync("""mutation { createOpportunity(input: {name: "x", account: "' OR 1=1 --"}) { id } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, malformed.SingleCode());
        Assert.Equal(["account"], malformed.FieldErrorPaths());
        Assert.Equal(0, await CountAsync(api));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_batch_create_is_all_or_nothing(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var account = await CreateAccountAsync(api, "Acme");
        var invalid = await api.ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }",
            new { inputs = new object[] { new { name = "A" }, new { amount = 5 }, new { name = "C", account = Guid.CreateVersion7().ToString() } } });
        Assert.Equal(ErrorCodes.ValidationFailed, invalid.SingleCode());
        Assert.Contains("inputs[1].name", invalid.FieldErrorPaths());
        Assert.Equal(0, await CountAsync(api));

        var badRelation = await api.ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }",
            new { inputs = new object[] { new { name = "A", account }, new { name = "B", account = Guid.CreateVersion7().ToString() } } });
        Assert.Equal(ErrorCodes.ValidationFailed, badRelation.SingleCode());
        Assert.Equal(["inputs[1].account"], badRelation.FieldErrorPaths());
        Assert.Equal(0, await CountAsync(api));

        var ok = await api.ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id name account { name } } }",
            new { inputs = new object[] { new { name = "A", account }, new { name = "B" }, new { name = "C", account } } });
        var created = ok.AssertOk().Data.List("createOpportunities");
        Assert.Equal(["A", "B", "C"], created.Select(c => c.Str("name")));
        Assert.Equal("Acme", created[0].Str("account.name"));
        Assert.Equal(JsonValueKind.Null, created[1].At("account").ValueKind);
        Assert.Equal(3, await CountAsync(api));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_batch_of_more_than_1000_is_refused_with_the_limit_named(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var inputs = Enumerable.Range(0, 1001).Select(i => new { name = "o" + i }).ToList();
        var result = await api.ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }", new { inputs });
        Assert.Equal(ErrorCodes.LimitExceeded, result.SingleCode());
        Assert.Equal("maxBatchSize", result.SingleError().Str("extensions.limit"));
        Assert.Equal(0, await CountAsync(api));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Updates_bump_the_version_and_a_stale_expected_version_conflicts(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var id = (await CreateOpportunityAsync(api, new { name = "Deal" })).Str("id");

        var first = await api.ExecuteAsync($$"""mutation { updateOpportunity(id: "{{id}}", expectedVersion: 1, input: {stage: "Negotiation"}) { id version stage name } }""");
        var updated = first.AssertOk().Data.At("updateOpportunity");
        Assert.Equal(2, updated.At("version").GetInt64());
        Assert.Equal("Negotiation", updated.Str("stage"));
        Assert.Equal("Deal", updated.Str("name"));

        var stale = await api.ExecuteAsync($$"""mutation { updateOpportunity(id: "{{id}}", expectedVersion: 1, input: {stage: "ClosedWon"}) { id } }""");
        Assert.Equal(ErrorCodes.Conflict, stale.SingleCode());

        var unconditional = await api.ExecuteAsync($$"""mutation { updateOpportunity(id: "{{id}}", input: {amount: 10}) { version stage amount } }""");
        var after = unconditional.AssertOk().Data.At("updateOpportunity");
        Assert.Equal(3, after.At("version").GetInt64());
        Assert.Equal("Negotiation", after.Str("stage"));

        var required = await api.ExecuteAsync($$"""mutation { updateOpportunity(id: "{{id}}", input: {name: null}) { id } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, required.SingleCode());
        Assert.Equal(["name"], required.FieldErrorPaths());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Unknown_ids_read_as_null_and_fail_writes_with_not_found(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var missing = Guid.CreateVersion7().ToString();

        var read = await api.ExecuteAsync($$"""{ a: opportunity(id: "{{missing}}") { id } b: opportunity(id: "not-a-uuid") { id } }""");
        Assert.Equal(JsonValueKind.Null, read.AssertOk().Data.At("a").ValueKind);
        Assert.Equal(JsonValueKind.Null, read.Data.At("b").ValueKind);

        Assert.Equal(ErrorCodes.NotFound, (await api.ExecuteAsync($$"""mutation { updateOpportunity(id: "{{missing}}", input: {name: "x"}) { id } }""")).SingleCode());
        Assert.Equal(ErrorCodes.NotFound, (await api.ExecuteAsync($$"""mutation { deleteOpportunity(id: "{{missing}}") }""")).SingleCode());
        Assert.Equal(ErrorCodes.NotFound, (await api.ExecuteAsync("""mutation { deleteOpportunity(id: "x'; drop table") }""")).SingleCode());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Delete_removes_the_record_and_clears_lookups_to_it(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var account = await CreateAccountAsync(api, "Acme");
        var id = (await CreateOpportunityAsync(api, new { name = "Deal", account })).Str("id");

        var deleted = await api.ExecuteAsync($$"""mutation { deleteAccount(id: "{{account}}") }""");
        Assert.Equal(account, deleted.AssertOk().Data.Str("deleteAccount"));
        var after = await api.ExecuteAsync($$"""{ account(id: "{{account}}") { id } opportunity(id: "{{id}}") { account { id } } }""");
        Assert.Equal(JsonValueKind.Null, after.AssertOk().Data.At("account").ValueKind);
        Assert.Equal(JsonValueKind.Null, after.Data.At("opportunity.account").ValueKind);

        Assert.Equal(id, (await api.ExecuteAsync($$"""mutation { deleteOpportunity(id: "{{id}}") }""")).AssertOk().Data.Str("deleteOpportunity"));
        Assert.Equal(0, await CountAsync(api));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Upsert_creates_then_updates_the_record_matched_on_a_unique_field(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var first = await api.ExecuteAsync("""mutation { upsertOpportunity(matchOn: externalId, input: {externalId: "crm-42", name: "C"}) { id name version } }""");
        var created = first.AssertOk().Data.At("upsertOpportunity");
        Assert.Equal(1, created.At("version").GetInt64());

        var second = await api.ExecuteAsync("""mutation { upsertOpportunity(matchOn: externalId, input: {externalId: "crm-42", name: "D"}) { id name version } }""");
        var updated = second.AssertOk().Data.At("upsertOpportunity");
        Assert.Equal(created.Str("id"), updated.Str("id"));
        Assert.Equal("D", updated.Str("name"));
        Assert.Equal(2, updated.At("version").GetInt64());
        Assert.Equal(1, await CountAsync(api));

        var noKey = await api.ExecuteAsync("""mutation { upsertOpportunity(matchOn: externalId, input: {name: "E"}) { id } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, noKey.SingleCode());
        Assert.Equal(["externalId"], noKey.FieldErrorPaths());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_taken_unique_value_conflicts(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        await CreateOpportunityAsync(api, new { name = "A", externalId = "dup" });
        var result = await api.ExecuteAsync("""mutation { createOpportunity(input: {name: "B", externalId: "dup"}) { id } }""");
        Assert.Equal(ErrorCodes.Conflict, result.SingleCode());
        Assert.Equal(1, await CountAsync(api));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filters_combine_fields_operators_and_related_records(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var software = await CreateAccountAsync(api, "Soft Co", "Software");
        var retail = await CreateAccountAsync(api, "Shop Co", "Retail");
        var energy = await CreateAccountAsync(api, "Power Co", "Energy");
        await CreateOpportunityAsync(api, new { name = "Alpha", stage = "Negotiation", amount = 60000, account = software, tags = new[] { "Hot" }, closeDate = "2026-01-10" });
        await CreateOpportunityAsync(api, new { name = "Beta", stage = "Negotiation", amount = 70000, account = retail, tags = new[] { "Cold", "Partner" }, closeDate = "2026-02-10" });
        await CreateOpportunityAsync(api, new { name = "Gamma", stage = "Negotiation", amount = 80000, account = energy, closeDate = "2026-03-10" });
        await CreateOpportunityAsync(api, new { name = "Delta", stage = "Prospecting", amount = 90000, account = software });
        await CreateOpportunityAsync(api, new { name = "alphabet soup", stage = "Negotiation", amount = 1000 });

        async Task<string[]> Names(string filter)
        {
            var result = await api.ExecuteAsync($"{{ opportunities(filter: {filter}, orderBy: [{{name: ASC}}]) {{ totalCount nodes {{ name }} }} }}");
            var connection = result.AssertOk().Data.At("opportunities");
            var names = connection.List("nodes").Select(n => n.Str("name")!).ToArray();
            Assert.Equal(names.Length, connection.At("totalCount").GetInt64());
            return names;
        }

        Assert.Equal(["Alpha", "Beta"], await Names("""{stage: {eq: "Negotiation"}, amount: {gt: 50000}, account: {industry: {in: ["Software", "Retail"]}}}"""));
        Assert.Equal(["Delta"], await Names("""{stage: {neq: "Negotiation"}}"""));
        Assert.Equal(["Alpha", "alphabet soup"], await Names("""{name: {startsWith: "ALPHA"}}"""));
        Assert.Equal(["Alpha", "alphabet soup"], await Names("""{name: {contains: "lph"}}"""));
        Assert.Equal(["Beta", "Delta"], await Names("""{name: {endsWith: "TA"}}"""));
        Assert.Equal(["alphabet soup"], await Names("""{account: {id: {isNull: true}}}"""));
        Assert.Equal(["Delta", "Gamma"], await Names("""{or: [{amount: {gte: 90000}}, {account: {name: {eq: "Power Co"}}}]}"""));
        Assert.Equal(["Alpha", "Beta", "Gamma"], await Names("""{not: {or: [{stage: {eq: "Prospecting"}}, {amount: {lt: 5000}}]}}"""));
        Assert.Equal(["Alpha", "Beta"], await Names("""{tags: {containsAny: ["Hot", "Partner"]}}"""));
        Assert.Equal(["Beta"], await Names("""{tags: {containsAll: ["Cold", "Partner"]}}"""));
        Assert.Equal(["Beta", "Gamma"], await Names("""{closeDate: {gte: "2026-02-01"}}"""));
        Assert.Equal(["Alpha", "Delta"], await Names("{account: {id: {eq: \"" + software + "\"}}}"));
        Assert.Equal(["Alpha", "Beta", "Delta"], await Names("""{and: [{amount: {gte: 50000}}, {amount: {nin: [80000]}}]}"""));
        Assert.Empty(await Names("""{name: {eq: "x'); DROP TABLE opportunity; --"}}"""));

        var unknown = await api.ExecuteAsync("""{ opportunities(filter: {amount: {gt: "lots"}}) { totalCount } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, unknown.SingleCode());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Cursor_pagination_walks_every_record_once_in_order(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var inputs = Enumerable.Range(0, 23).Select(i => new { name = $"o{i:00}", amount = (i % 5) * 1000 }).ToList();
        (await api.ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }", new { inputs })).AssertOk();

        var expected = inputs.OrderByDescending(i => i.amount).ThenBy(i => i.name, StringComparer.Ordinal).Select(i => i.name).ToList();
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var cursor = after is null ? "" : $", after: \"{after}\"";
            var result = await api.ExecuteAsync($$"""
                { opportunities(orderBy: [{amount: DESC}, {name: ASC}], first: 5{{cursor}}) {
                    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }
                """);
            var connection = result.AssertOk().Data.At("opportunities");
            Assert.Equal(23, connection.At("totalCount").GetInt64());
            var edges = connection.List("edges");
            seen.AddRange(edges.Select(e => e.Str("node.name")!));
            Assert.Equal(after is not null, connection.At("pageInfo.hasPreviousPage").GetBoolean());
            Assert.Equal(edges[^1].Str("cursor"), connection.Str("pageInfo.endCursor"));
            Assert.Equal(edges[0].Str("cursor"), connection.Str("pageInfo.startCursor"));
            pages++;
            if (!connection.At("pageInfo.hasNextPage").GetBoolean())
            {
                break;
            }

            after = connection.Str("pageInfo.endCursor");
        }

        Assert.Equal(5, pages);
        Assert.Equal(expected, seen);

        var last = await api.ExecuteAsync("""{ opportunities(orderBy: [{amount: DESC}, {name: ASC}], last: 3) { pageInfo { hasPreviousPage startCursor } nodes { name } } }""");
        var tail = last.AssertOk().Data.At("opportunities");
        Assert.Equal(expected[^3..], tail.List("nodes").Select(n => n.Str("name")!));
        Assert.True(tail.At("pageInfo.hasPreviousPage").GetBoolean());

        var before = await api.ExecuteAsync($$"""{ opportunities(orderBy: [{amount: DESC}, {name: ASC}], last: 2, before: "{{tail.Str("pageInfo.startCursor")}}") { nodes { name } } }""");
        Assert.Equal(expected[^5..^3], before.AssertOk().Data.List("opportunities.nodes").Select(n => n.Str("name")!));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_default_page_is_50_and_the_maximum_500(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var inputs = Enumerable.Range(0, 60).Select(i => new { name = "o" + i }).ToList();
        (await api.ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }", new { inputs })).AssertOk();

        var page = (await api.ExecuteAsync("{ opportunities { pageInfo { hasNextPage } nodes { id } } }")).AssertOk().Data.At("opportunities");
        Assert.Equal(50, page.List("nodes").Count);
        Assert.True(page.At("pageInfo.hasNextPage").GetBoolean());

        var tooMany = await api.ExecuteAsync("{ opportunities(first: 501) { nodes { id } } }");
        Assert.Equal(ErrorCodes.LimitExceeded, tooMany.SingleCode());
        Assert.Equal("maxPageSize", tooMany.SingleError().Str("extensions.limit"));

        var garbageCursor = await api.ExecuteAsync("""{ opportunities(after: "not a cursor") { nodes { id } } }""");
        Assert.Equal(ErrorCodes.ValidationFailed, garbageCursor.SingleCode());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_json_value_with_a_nul_character_is_stored_or_refused_as_bad_input(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var result = await api.ExecuteAsync("mutation($input: OpportunityCreateInput!) { createOpportunity(input: $input) { id data } }",
            new { input = new { name = "nul", data = new { text = "a\0b" } } });
        if (result.Errors.Count == 0)
        {
            Assert.Equal("a\0b", result.Data.Str("createOpportunity.data.text"));
        }
        else
        {
            Assert.Equal(ErrorCodes.ValidationFailed, result.SingleCode());
            Assert.Equal(["data"], result.FieldErrorPaths());
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Numbers_beyond_double_range_in_variables_are_refused_as_bad_input(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        const string mutation = "mutation($input: OpportunityCreateInput!) { createOpportunity(input: $input) { id data } }";

        var amount = await api.ExecuteJsonAsync(mutation, """{"input": {"name": "x", "amount": 1e400}}""");
        Assert.Equal(ErrorCodes.ValidationFailed, amount.SingleCode());
        Assert.Equal(["amount"], amount.FieldErrorPaths());

        // 1e400 is valid JSON: a JSON field may keep it, or refuse it naming the field; it must not fail unhandled.
        var json = await api.ExecuteJsonAsync(mutation, """{"input": {"name": "x", "data": 1e400}}""");
        if (json.Errors.Count > 0)
        {
            Assert.Equal(ErrorCodes.ValidationFailed, json.SingleCode());
            Assert.Equal(["data"], json.FieldErrorPaths());
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Text_that_is_not_valid_unicode_is_stored_or_refused_as_bad_input(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        var result = await api.ExecuteAsync("""mutation { createOpportunity(input: {name: "broken \uD800 text"}) { id name } }""");
        if (result.Errors.Count == 0)
        {
            Assert.StartsWith("broken ", result.Data.Str("createOpportunity.name"), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(ErrorCodes.ValidationFailed, result.SingleCode());
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_metadata_change_is_visible_on_the_next_request(DatabaseProvider provider)
    {
        await using var api = await CrmAsync(provider);
        Assert.NotEmpty((await api.ExecuteAsync("{ opportunities { nodes { region } } }")).Errors);
        await api.CreateFieldAsync("Opportunity", "region", Core.Metadata.FieldType.Text);
        var result = await api.ExecuteAsync("""mutation { createOpportunity(input: {name: "x", region: "EU"}) { region } }""");
        Assert.Equal("EU", result.AssertOk().Data.Str("createOpportunity.region"));
    }
}
