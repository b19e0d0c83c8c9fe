using System.Net;
using System.Text;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Hostile;

/// <summary>Input meant to break the platform is refused with a coded error, or taken literally; a refused write changes nothing.</summary>
public sealed class HostileInputTests
{
    private const string Fields = "name amount stage closeDate externalId tags";

    private static readonly string[] SqlLookingObjectNames =
    [
        "Account; DROP TABLE tenants;--",
        "Robert'); DROP TABLE Students;--",
        "\"Account\"",
        "Account--",
        "Account/*x*/",
        "Account OR 1=1",
        "sqlite_master",
        "pg_catalog",
        "Account\0",
        "`Account`",
        "[Account]",
        "Ac count",
        "",
        "A" + new string('a', 40),
    ];

    private static readonly string[] SqlLookingFieldNames =
    [
        "amount; DROP TABLE tenants;--",
        "x' OR '1'='1",
        "\"amount\"",
        "amount--",
        "amount)",
        "id",
        "version",
        "and",
        "__typename",
        "Amount",
        "a b",
        "",
        "a" + new string('b', 40),
    ];

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Sql_looking_or_reserved_object_and_field_names_are_refused(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        const string objectsQuery = "{ metadataVersion objects(includeDeleted: true) { apiName fields(includeDeleted: true) { apiName } } }";
        var before = (await server.MetadataOkAsync(objectsQuery)).ToJsonString();

        foreach (var name in SqlLookingObjectNames)
        {
            var response = await server.MetadataAsync("""
                mutation($input: CreateObjectInput!) { createObject(input: $input) { apiName } }
                """, new { input = new { apiName = name, label = "Evil" } });
            ResponseAssert.FieldErrors(response, "apiName");
            Assert.Null(response.Data?["createObject"]);
        }

        foreach (var name in SqlLookingFieldNames)
        {
            var response = await server.MetadataAsync("""
                mutation($input: CreateFieldInput!) { createField(input: $input) { apiName } }
                """, new { input = new { @object = "Opportunity", apiName = name, label = "Evil", type = "TEXT" } });
            ResponseAssert.FieldErrors(response, "apiName");
            Assert.Null(response.Data?["createField"]);
        }

        // Naming an object that does not exist (in SQL's clothes) is refused too.
        var unknownObject = await server.MetadataAsync("""
            mutation { createField(input: {object: "Opportunity; DROP TABLE x", apiName: "ok", label: "Ok", type: TEXT}) { apiName } }
            """);
        ResponseAssert.GraphQLError(unknownObject, "VALIDATION_FAILED");

        Assert.Equal(before, (await server.MetadataOkAsync(objectsQuery)).ToJsonString());
        Assert.Equal(0, await SalesSchema.CountAsync(server, "opportunities"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Sql_looking_labels_and_values_are_stored_and_matched_literally(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        var created = await server.MetadataOkAsync("""
            mutation { createObject(input: {apiName: "Note", label: "Robert'); DROP TABLE notes;--", pluralLabel: "\" OR 1=1 --"}) { label pluralLabel } }
            """);
        Assert.Equal("Robert'); DROP TABLE notes;--", (string?)created["createObject"]!["label"]);
        Assert.Equal("\" OR 1=1 --", (string?)created["createObject"]!["pluralLabel"]);

        string[] names =
        [
            "O'Brien",
            "x' OR '1'='1",
            "Robert'); DROP TABLE notes;--",
            "100%",
            "a_b",
            "back\\slash",
            "\"quoted\"",
            "semi;colon",
            "Ünïcödé ✓ 🚀",
            "plain",
        ];
        var inputs = names.Select(n => new { name = n }).ToArray();
        (await server.DataAsync("mutation($inputs: [NoteCreateInput!]!) { createNotes(inputs: $inputs) { id } }", new { inputs })).AssertOk();

        async Task<List<string?>> Find(string filter, object? variables = null)
        {
            var declarations = filter.Contains("$v", StringComparison.Ordinal) ? "($v: String)"
                : filter.Contains("$l", StringComparison.Ordinal) ? "($l: [String!])" : "";
            var data = await server.DataOkAsync($"query{declarations} {{ notes(filter: {filter}, orderBy: [{{name: ASC}}]) {{ nodes {{ name }} }} }}", variables);
            return SalesSchema.Strings(data["notes"]!["nodes"], "name").ToList();
        }

        foreach (var name in names)
        {
            Assert.Equal([name], await Find("{name: {eq: $v}}", new { v = name }));
        }

        Assert.Empty(await Find("{name: {eq: $v}}", new { v = "' OR '1'='1" }));
        Assert.Empty(await Find("{name: {eq: $v}}", new { v = "plain' --" }));
        Assert.Empty(await Find("{name: {eq: $v}}", new { v = "%" }));
        Assert.Equal(["100%"], await Find("{name: {contains: $v}}", new { v = "%" }));
        Assert.Equal(["a_b"], await Find("{name: {contains: $v}}", new { v = "_" }));
        Assert.Equal(["back\\slash"], await Find("{name: {contains: $v}}", new { v = "\\" }));
        Assert.Equal(["O'Brien", "Robert'); DROP TABLE notes;--", "x' OR '1'='1"], await Find("{name: {contains: $v}}", new { v = "'" }));
        Assert.Equal(["x' OR '1'='1"], await Find("{name: {startsWith: $v}}", new { v = "x'" }));
        Assert.Equal(["Robert'); DROP TABLE notes;--"], await Find("{name: {endsWith: $v}}", new { v = ";--" }));
        Assert.Equal(["O'Brien", "plain"], await Find("{name: {in: $l}}", new { l = new[] { "plain", "O'Brien", "') OR ('1'='1" } }));
        Assert.Equal(["Ünïcödé ✓ 🚀"], await Find("{name: {contains: $v}}", new { v = "🚀" }));

        // The same in literals inside the document.
        Assert.Equal(["x' OR '1'='1"], await Find("""{name: {eq: "x' OR '1'='1"}}"""));
        Assert.Empty(await Find("""{name: {eq: "\" OR \"1\"=\"1"}}"""));

        Assert.Equal(names.Length, await SalesSchema.CountAsync(server, "notes"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Unknown_sort_fields_and_oversized_pages_are_refused(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await SalesSchema.CreateOpportunitiesAsync(server, new { name = "A", amount = 1 }, new { name = "B", amount = 2 });

        var unknown = await server.DataAsync("{ opportunities(orderBy: [{bogus: ASC}]) { nodes { name } } }");
        ResponseAssert.IsSafeError(unknown);
        Assert.Null(unknown.Data?["opportunities"]);

        foreach (var orderBy in new object[]
                 {
                     new[] { new Dictionary<string, string> { ["name; DROP TABLE opportunities"] = "ASC" } },
                     new[] { new Dictionary<string, string> { ["name"] = "ASC; DROP TABLE opportunities" } },
                     new[] { new Dictionary<string, string> { ["name"] = "ASC", ["amount"] = "DESC" } },
                     new[] { new Dictionary<string, string> { ["tags"] = "ASC" } },
                 })
        {
            var response = await server.DataAsync("query($o: [OpportunityOrderBy!]) { opportunities(orderBy: $o) { nodes { name } } }", new { o = orderBy });
            ResponseAssert.IsSafeError(response);
            Assert.Null(response.Data?["opportunities"]);
        }

        var huge = await server.DataAsync("{ opportunities(first: 100000) { nodes { name } } }");
        ResponseAssert.GraphQLError(huge, "LIMIT_EXCEEDED");
        Assert.Null(huge.Data?["opportunities"]);
        ResponseAssert.GraphQLError(await server.DataAsync("{ opportunities(last: 100000) { nodes { name } } }"), "LIMIT_EXCEEDED");
        ResponseAssert.GraphQLError(await server.DataAsync("{ opportunities(first: -1) { nodes { name } } }"), "VALIDATION_FAILED");

        var inList = Enumerable.Range(0, 1001).Select(i => $"n{i}").ToArray();
        ResponseAssert.GraphQLError(
            await server.DataAsync("query($l: [String!]) { opportunities(filter: {name: {in: $l}}) { totalCount } }", new { l = inList }), "LIMIT_EXCEEDED");

        var deepFilter = "{name: {eq: \"A\"}}";
        for (var i = 0; i < 30; i++)
        {
            deepFilter = "{and: [" + deepFilter + "]}";
        }

        ResponseAssert.GraphQLError(await server.DataAsync($"{{ opportunities(filter: {deepFilter}) {{ totalCount }} }}"), "LIMIT_EXCEEDED");

        // Filter values of the wrong type name the field.
        foreach (var filter in new[] { """{amount: {gt: "abc"}}""", """{closeDate: {eq: "yesterday"}}""", """{amount: {in: [1, "x"]}}""" })
        {
            var response = await server.DataAsync($"{{ opportunities(filter: {filter}) {{ totalCount }} }}");
            ResponseAssert.GraphQLError(response, "VALIDATION_FAILED");
            Assert.Null(response.Data?["opportunities"]);
        }

        // Still healthy.
        Assert.Equal(2, await SalesSchema.CountAsync(server, "opportunities"));
    }

    public static TheoryData<DatabaseProvider, int> DeepQueries()
    {
        var data = new TheoryData<DatabaseProvider, int>();
        foreach (var provider in DatabaseProviders.All)
        {
            data.Add(provider, 20);  // just over Paas:GraphQL:MaxDepth (15)
            data.Add(provider, 200); // far over it, and over the parser's own nesting limit
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DeepQueries))]
    public async Task A_too_deep_query_is_refused_as_a_limit(DatabaseProvider provider, int depth)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAccountObjectAsync(server);
        await server.MetadataOkAsync("""mutation { createField(input: {object: "Account", apiName: "parent", label: "Parent", type: LOOKUP, target: "Account"}) { apiName } }""");
        var root = await SalesSchema.CreateAccountAsync(server, "Root");
        (await server.DataAsync("mutation($p: ID!) { createAccount(input: {name: \"Child\", parent: $p}) { id } }", new { p = root })).AssertOk();

        // Moderate nesting works.
        var shallow = (await server.DataOkAsync("{ accounts(filter: {name: {eq: \"Child\"}}) { nodes { name parent { name parent { name } } } } }"))["accounts"]!["nodes"]![0]!;
        Assert.Equal("Root", (string?)shallow["parent"]!["name"]);

        {
            var selection = new StringBuilder("name");
            for (var i = 0; i < depth; i++)
            {
                selection.Insert(0, "parent { ").Append(" }");
            }

            var query = $"{{ accounts {{ nodes {{ {selection} }} }} }}";
            var responses = new[]
            {
                ("POST application/json", await server.PostAsync(PaasServer.DataPath, query, accept: "application/json")),
                ("POST application/graphql-response+json", await server.PostAsync(PaasServer.DataPath, query, accept: "application/graphql-response+json")),
                ("GET", await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string> { ["query"] = query })),
            };
            foreach (var (how, response) in responses)
            {
                Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{depth} levels by {how}: expected 200/400, got {response}");
                Assert.True(response.ErrorCodes.Contains("LIMIT_EXCEEDED"), $"{depth} levels by {how}: expected LIMIT_EXCEEDED (contract: a query's depth), got {response}");
                ResponseAssert.IsSafeError(response);
                Assert.Null(response.Data?["accounts"]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Values_of_the_wrong_type_are_field_errors_and_change_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var account = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");
        var id = (await SalesSchema.CreateOpportunitiesAsync(server, new { name = "Deal", amount = 10, closeDate = "2026-01-01", account }))[0];
        var opportunities = await SalesSchema.SnapshotAsync(server, "opportunities", Fields);
        var accounts = await SalesSchema.SnapshotAsync(server, "accounts", "name industry");

        (string Mutation, object? Variables, string[] Fields)[] cases =
        [
            ("""mutation { createOpportunity(input: {name: "X", amount: "abc"}) { id } }""", null, ["amount"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: 1, closeDate: "yesterday"}) { id } }""", null, ["closeDate"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: "abc", closeDate: "yesterday", stage: "Lost'; --"}) { id } }""", null,
                ["amount", "closeDate", "stage"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: 1e400}) { id } }""", null, ["amount"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: "NaN"}) { id } }""", null, ["amount"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: 99999999999999999999999}) { id } }""", null, ["amount"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: 1, closeDate: "2026-13-01"}) { id } }""", null, ["closeDate"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: 1, closeDate: 20260101}) { id } }""", null, ["closeDate"]),
            ("""mutation { createOpportunity(input: {name: "X", amount: 1, tags: ["Hot", "'; DROP TABLE x;--"]}) { id } }""", null, ["tags"]),
            ("mutation($i: OpportunityCreateInput!) { createOpportunity(input: $i) { id } }",
                new { i = new { name = "X", amount = new { nested = 1 }, closeDate = true } }, ["amount", "closeDate"]),
            ("mutation($i: OpportunityCreateInput!) { createOpportunity(input: $i) { id } }",
                new { i = new { name = "X", amount = new[] { 1, 2 } } }, ["amount"]),
            ("""mutation { createAccount(input: {name: "Y", industry: "Mining"}) { id } }""", null, ["industry"]),
            ("""mutation { createAccount(input: {name: "Y", industry: "software"}) { id } }""", null, ["industry"]),
            ($$"""mutation { updateOpportunity(id: "{{id}}", input: {amount: "abc", closeDate: "yesterday"}) { id } }""", null, ["amount", "closeDate"]),
            ($$"""mutation { updateAccount(id: "{{account}}", input: {industry: "Mining"}) { id } }""", null, ["industry"]),
            ($$"""mutation { updateOpportunity(id: "{{id}}", expectedVersion: "one", input: {amount: 2}) { id } }""", null, ["expectedVersion"]),
        ];

        foreach (var (mutation, variables, fields) in cases)
        {
            var response = await server.DataAsync(mutation, variables);
            ResponseAssert.FieldErrors(response, fields);
            Assert.True(response.Data is null || response.Data.AsObject().All(p => p.Value is null), $"A failed mutation returned data: {response}");
        }

        Assert.Equal(opportunities, await SalesSchema.SnapshotAsync(server, "opportunities", Fields));
        Assert.Equal(accounts, await SalesSchema.SnapshotAsync(server, "accounts", "name industry"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Oversized_strings_are_refused_and_change_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await server.MetadataOkAsync("""
            mutation {
              notes: createField(input: {object: "Opportunity", apiName: "notes", label: "Notes", type: LONG_TEXT}) { apiName }
              code: createField(input: {object: "Opportunity", apiName: "code", label: "Code", type: TEXT, maxLength: 10}) { apiName }
            }
            """);
        var id = (await SalesSchema.CreateOpportunitiesAsync(server, new { name = "Deal", amount = 10 }))[0];
        var before = await SalesSchema.SnapshotAsync(server, "opportunities", Fields + " notes code");

        // At the limit is fine (checked on a record that is then deleted).
        var fits = (await server.DataOkAsync("mutation($i: OpportunityCreateInput!) { createOpportunity(input: $i) { id name } }",
            new { i = new { name = new string('n', 255), amount = 1, code = "0123456789" } }))["createOpportunity"]!;
        Assert.Equal(255, ((string)fits["name"]!).Length);
        (await server.DataAsync("mutation($id: ID!) { deleteOpportunity(id: $id) }", new { id = (string)fits["id"]! })).AssertOk();

        (object Input, string[] Fields)[] cases =
        [
            (new { name = new string('n', 256), amount = 1 }, ["name"]),
            (new { name = "X", amount = 1, externalId = new string('e', 100_000) }, ["externalId"]),
            (new { name = new string('n', 1_000_000), amount = 1 }, ["name"]),
            (new { name = "X", amount = 1, notes = new string('l', 40_000) }, ["notes"]),
            (new { name = "X", amount = 1, code = "01234567890" }, ["code"]),
            (new { name = "NUL\0byte", amount = 1 }, ["name"]),
            (new { name = new string('n', 300), amount = 1, code = new string('c', 11), notes = new string('l', 33_000) }, ["name", "code", "notes"]),
        ];

        foreach (var (input, fields) in cases)
        {
            var response = await server.DataAsync("mutation($i: OpportunityCreateInput!) { createOpportunity(input: $i) { id } }", new { i = input });
            ResponseAssert.FieldErrors(response, fields);
            Assert.DoesNotContain(new string('n', 1000), response.Body, StringComparison.Ordinal);
        }

        var update = await server.DataAsync("mutation($id: ID!, $i: OpportunityUpdateInput!) { updateOpportunity(id: $id, input: $i) { id } }",
            new { id, i = new { name = new string('n', 256) } });
        ResponseAssert.FieldErrors(update, "name");

        // A document over Paas:GraphQL:MaxDocumentLength (64 Ki characters) is refused before it is parsed.
        var longDocument = "{ _metadataVersion }" + new string(' ', 70_000);
        var tooLong = await server.PostAsync(PaasServer.DataPath, longDocument);
        Assert.True(tooLong.Status == HttpStatusCode.RequestEntityTooLarge, $"Expected 413, got {tooLong}");
        ResponseAssert.HttpError(tooLong, HttpStatusCode.RequestEntityTooLarge, "LIMIT_EXCEEDED");

        Assert.Equal(before, await SalesSchema.SnapshotAsync(server, "opportunities", Fields + " notes code"));
    }
}
