using System.Net;
using System.Text;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Http;

/// <summary>The GraphQL-over-HTTP rules of the contract: methods, media types, request shapes and limits.</summary>
public sealed class GraphQLOverHttpTests
{
    private const string GraphQLResponse = "application/graphql-response+json";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_query_by_GET_works_with_variables_and_operationName(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAccountObjectAsync(server);
        var id = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");

        var response = await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string>
        {
            ["query"] = "query Other { _metadataVersion } query One($id: ID!) { account(id: $id) { id name industry } }",
            ["variables"] = $$"""{"id":"{{id}}"}""",
            ["operationName"] = "One",
        });

        var data = response.AssertOk();
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("Acme", (string?)data["account"]!["name"]);
        Assert.Equal("Software", (string?)data["account"]!["industry"]);
        Assert.Null(data["_metadataVersion"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_mutation_by_GET_is_405_with_Allow_POST_and_changes_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAccountObjectAsync(server);

        var plain = await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string>
        {
            ["query"] = """mutation { createAccount(input: {name: "By GET"}) { id } }""",
        });
        var named = await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string>
        {
            ["query"] = """query Q { _metadataVersion } mutation M { createAccount(input: {name: "By GET"}) { id } }""",
            ["operationName"] = "M",
        });
        var metadata = await server.GetAsync(PaasServer.MetadataPath, new Dictionary<string, string>
        {
            ["query"] = """mutation { createObject(input: {apiName: "Invoice", label: "Invoice"}) { apiName } }""",
        });

        foreach (var response in new[] { plain, named, metadata })
        {
            Assert.True(response.Status == HttpStatusCode.MethodNotAllowed, $"Expected 405, got {response}");
            Assert.Contains("POST", response.Header("Allow") ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("GET", response.Header("Allow") ?? "", StringComparison.Ordinal);
            ResponseAssert.IsSafeError(response);
        }

        Assert.Equal(0, await SalesSchema.CountAsync(server, "accounts"));
        var objects = (await server.MetadataAsync("{ objects { apiName } }")).AssertOk();
        Assert.DoesNotContain(objects["objects"]!.AsArray(), o => (string?)o!["apiName"] == "Invoice");
    }

    [Fact]
    public async Task A_POST_that_is_not_JSON_is_415()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "application/graphql", "text/html" })
        {
            var response = await server.PostRawAsync(PaasServer.DataPath, """{"query":"{ _metadataVersion }"}""", contentType);
            Assert.True(response.Status == HttpStatusCode.UnsupportedMediaType, $"{contentType}: expected 415, got {response}");
            ResponseAssert.IsSafeError(response);
        }

        var none = await server.PostRawAsync(PaasServer.DataPath, """{"query":"{ _metadataVersion }"}""", contentType: null);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, none.Status);

        // application/json with a charset is fine.
        (await server.PostRawAsync(PaasServer.DataPath, """{"query":"{ _metadataVersion }"}""", "application/json; charset=utf-8")).AssertOk();
    }

    [Fact]
    public async Task Invalid_JSON_bodies_are_400()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);
        string[] bodies =
        [
            "{",
            "not json",
            """{"query": "{ _metadataVersion }" """,
            """{"query": 42}""",
            """{"query": "{ _metadataVersion }", "variables": "not an object"}""",
            """{"query": "{ _metadataVersion }", "variables": [1, 2]}""",
            "\"just a string\"",
            "",
        ];

        foreach (var body in bodies)
        {
            foreach (var accept in new[] { "application/json", GraphQLResponse })
            {
                var response = await server.PostRawAsync(PaasServer.DataPath, body, accept: accept);
                Assert.True(response.Status == HttpStatusCode.BadRequest, $"Body '{body}' (Accept {accept}): expected 400, got {response}");
                ResponseAssert.IsSafeError(response);
                Assert.Null(response.Data);
            }
        }
    }

    [Fact]
    public async Task A_body_is_read_as_UTF8_bytes_with_or_without_a_byte_order_mark_and_bad_bytes_are_400()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        async Task<HttpStatusCode> PostBytesAsync(byte[] body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, PaasServer.DataPath) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var response = await server.SendAsync(request);
            if (response.Status != HttpStatusCode.OK)
            {
                ResponseAssert.IsSafeError(response);
            }

            return response.Status;
        }

        var query = Encoding.UTF8.GetBytes("""{"query":"query Ünïcode { _metadataVersion }"}""");
        Assert.Equal(HttpStatusCode.OK, await PostBytesAsync(query));
        Assert.Equal(HttpStatusCode.OK, await PostBytesAsync([0xEF, 0xBB, 0xBF, .. query]));

        // A byte order mark in front of a batch is still a batch; bytes that are not UTF-8 are not JSON.
        Assert.Equal(HttpStatusCode.BadRequest, await PostBytesAsync([0xEF, 0xBB, 0xBF, (byte)' ', (byte)'[', .. query, (byte)']']));
        Assert.Equal(HttpStatusCode.BadRequest, await PostBytesAsync([.. Encoding.UTF8.GetBytes("""{"query":"{ _metadataVersion }","x":"""), (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}']));
    }

    [Fact]
    public async Task GET_with_variables_that_are_not_a_JSON_object_is_400()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        foreach (var variables in new[] { "not json", "{", "[1]" })
        {
            var response = await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string>
            {
                ["query"] = "query($x: String) { _metadataVersion }",
                ["variables"] = variables,
            });
            Assert.True(response.Status == HttpStatusCode.BadRequest, $"variables={variables}: expected 400, got {response}");
            ResponseAssert.IsSafeError(response);
        }
    }

    [Fact]
    public async Task A_body_without_a_query_is_400()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        foreach (var body in new[] { "{}", """{"variables": {}}""", """{"query": ""}""", """{"query": null}""", """{"operationName": "X"}""" })
        {
            var response = await server.PostRawAsync(PaasServer.DataPath, body);
            Assert.True(response.Status == HttpStatusCode.BadRequest, $"Body '{body}': expected 400, got {response}");
            ResponseAssert.IsSafeError(response);
        }

        var get = await server.GetAsync(PaasServer.DataPath);
        Assert.Equal(HttpStatusCode.BadRequest, get.Status);
        ResponseAssert.IsSafeError(get);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_syntax_error_is_400_for_graphql_response_json_and_200_for_application_json(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        const string broken = "{ _metadataVersion ";

        var modern = await server.PostAsync(PaasServer.DataPath, broken, accept: GraphQLResponse);
        Assert.True(modern.Status == HttpStatusCode.BadRequest, $"Expected 400, got {modern}");
        Assert.Equal(GraphQLResponse, modern.MediaType);
        ResponseAssert.IsSafeError(modern);
        Assert.Null(modern.Data);

        var legacy = await server.PostAsync(PaasServer.DataPath, broken, accept: "application/json");
        Assert.True(legacy.Status == HttpStatusCode.OK, $"Expected 200, got {legacy}");
        Assert.Equal("application/json", legacy.MediaType);
        ResponseAssert.IsSafeError(legacy);
        Assert.Null(legacy.Data);

        // The same by GET.
        var viaGet = await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string> { ["query"] = broken }, accept: GraphQLResponse);
        Assert.True(viaGet.Status == HttpStatusCode.BadRequest, $"Expected 400, got {viaGet}");
        Assert.Equal(GraphQLResponse, viaGet.MediaType);
        ResponseAssert.IsSafeError(viaGet);

        // A document that parses but does not validate is a request error too.
        var invalid = await server.PostAsync(PaasServer.DataPath, "{ noSuchField }", accept: GraphQLResponse);
        Assert.True(invalid.Status == HttpStatusCode.BadRequest, $"Expected 400, got {invalid}");
        Assert.Equal(GraphQLResponse, invalid.MediaType);
        ResponseAssert.IsSafeError(invalid);

        // And a valid request answers 200 in the media type asked for.
        var ok = await server.PostAsync(PaasServer.DataPath, "{ _metadataVersion }", accept: GraphQLResponse);
        ok.AssertOk();
        Assert.Equal(GraphQLResponse, ok.MediaType);
    }

    [Fact]
    public async Task Accepting_only_html_is_406()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        var post = await server.PostAsync(PaasServer.DataPath, "{ _metadataVersion }", accept: "text/html");
        var get = await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string> { ["query"] = "{ _metadataVersion }" }, accept: "text/html");

        foreach (var response in new[] { post, get })
        {
            Assert.True(response.Status == HttpStatusCode.NotAcceptable, $"Expected 406, got {response}");
            ResponseAssert.NoInternals(response);
        }

        // No Accept header at all, or */*, means application/json.
        var any = await server.PostAsync(PaasServer.DataPath, "{ _metadataVersion }", accept: "*/*");
        any.AssertOk();
        Assert.Equal("application/json", any.MediaType);
    }

    [Fact]
    public async Task A_batched_array_body_is_400()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        var response = await server.PostRawAsync(PaasServer.DataPath, """[{"query":"{ _metadataVersion }"},{"query":"{ _metadataVersion }"}]""");
        var spaced = await server.PostRawAsync(PaasServer.DataPath, """   [{"query":"{ _metadataVersion }"}]""");

        foreach (var r in new[] { response, spaced })
        {
            Assert.True(r.Status == HttpStatusCode.BadRequest, $"Expected 400, got {r}");
            ResponseAssert.IsSafeError(r);
            Assert.Null(r.Data);
        }
    }

    [Fact]
    public async Task A_body_over_MaxBodyBytes_is_413()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Paas:GraphQL:MaxBodyBytes"] = "2048" });

        // Just under the limit works: the setting took effect and is not absurdly low.
        var small = """{"query":"{ _metadataVersion }","variables":{"pad":"PAD"}}""";
        small = small.Replace("PAD", new string('x', 2048 - small.Length + 3), StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(small) <= 2048);
        (await server.PostRawAsync(PaasServer.DataPath, small)).AssertOk();

        var big = """{"query":"{ _metadataVersion }","variables":{"pad":"PAD"}}""".Replace("PAD", new string('x', 5000), StringComparison.Ordinal);
        var withLength = await server.PostRawAsync(PaasServer.DataPath, big);
        Assert.True(withLength.Status == HttpStatusCode.RequestEntityTooLarge, $"Expected 413, got {withLength}");
        ResponseAssert.IsSafeError(withLength);

        // Without Content-Length (chunked) the limit holds while reading.
        var request = new HttpRequestMessage(HttpMethod.Post, PaasServer.DataPath)
        {
            Content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(big))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        var chunked = await server.SendAsync(request);
        Assert.True(chunked.Status == HttpStatusCode.RequestEntityTooLarge, $"Expected 413, got {chunked}");
        ResponseAssert.IsSafeError(chunked);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Variables_are_used_and_a_missing_required_variable_is_an_error(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAccountObjectAsync(server);

        var created = (await server.DataAsync("""
            mutation Create($name: String!, $industry: String) { createAccount(input: {name: $name, industry: $industry}) { id name industry } }
            """, new { name = "Variable Corp", industry = "Retail" })).AssertOk();
        Assert.Equal("Variable Corp", (string?)created["createAccount"]!["name"]);
        Assert.Equal("Retail", (string?)created["createAccount"]!["industry"]);

        var found = (await server.DataAsync("""
            query Find($filter: AccountFilter) { accounts(filter: $filter) { totalCount nodes { name } } }
            """, new { filter = new { industry = new { eq = "Retail" } } })).AssertOk();
        Assert.Equal(1, (long)found["accounts"]!["totalCount"]!);

        var missing = await server.DataAsync("""
            mutation Create($name: String!) { createAccount(input: {name: $name}) { id } }
            """);
        ResponseAssert.IsSafeError(missing);
        Assert.Null(missing.Data?["createAccount"]);
        Assert.Equal(1, await SalesSchema.CountAsync(server, "accounts"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task OperationName_selects_which_operation_runs(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAccountObjectAsync(server);
        const string document = """
            query Count { accounts { totalCount } }
            mutation Add { createAccount(input: {name: "Added"}) { name } }
            query Version { _metadataVersion }
            """;

        var version = (await server.DataAsync(document, operationName: "Version")).AssertOk();
        Assert.NotNull(version["_metadataVersion"]);
        Assert.Null(version["accounts"]);

        var added = (await server.DataAsync(document, operationName: "Add")).AssertOk();
        Assert.Equal("Added", (string?)added["createAccount"]!["name"]);

        var count = (await server.DataAsync(document, operationName: "Count")).AssertOk();
        Assert.Equal(1, (long)count["accounts"]!["totalCount"]!);
        Assert.Null(count["createAccount"]);

        // Several operations and no name, or an unknown name, is an error and runs nothing.
        foreach (var name in new string?[] { null, "Nope" })
        {
            var response = await server.DataAsync(document, operationName: name);
            ResponseAssert.IsSafeError(response);
            Assert.Null(response.Data);
        }

        Assert.Equal(1, await SalesSchema.CountAsync(server, "accounts"));
    }

    /// <summary>A stream without a length, so HttpClient sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
