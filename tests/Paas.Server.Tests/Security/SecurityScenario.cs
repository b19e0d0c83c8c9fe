using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paas.Server.Tests.Security;

/// <summary>A user of the scenario with one API key.</summary>
internal sealed record SecurityUser(string Id, string Name, string Email, string Key, string KeyId);

/// <summary>
/// The shared setup of the security suite, built only through the public APIs as the bootstrap admin:
/// <list type="bullet">
/// <item><c>Account</c>: <c>industry</c> TEXT, <c>secret</c> TEXT (secured, history), <c>tier</c> PICKLIST (secured),
/// <c>score</c> NUMBER (secured), <c>revenue</c> NUMBER (history); <c>Opportunity</c>: <c>account</c> → Account, <c>amount</c> CURRENCY.</item>
/// <item>Roles Sales &gt; RepEast, Sales &gt; RepWest; group Partners.</item>
/// <item>Permission set <c>CrmUser</c>: Account read/create/edit/delete, Opportunity read/create/edit (no delete);
/// <c>SecretReader</c>: read+edit on <c>secret</c>, read on <c>tier</c> and <c>score</c>.</item>
/// <item>Users (profile StandardUser, set CrmUser): east (RepEast), west (RepWest), boss (Sales, also SecretReader),
/// outsider (no role, group Partners); one key each.</item>
/// <item>Records written while the objects are still public: east owns A1 (Energy, revenue 1000) with O1, and O3 which
/// looks up west's A2; west owns A2 (Mining, revenue 2000) with O2, and O4 which looks up A1. The admin sets the
/// secured fields. Then Account and Opportunity become PRIVATE.</item>
/// </list>
/// So: east sees A1, O1, O3; west sees A2, O2, O4; boss (above both) and the admin see everything; outsider nothing.
/// </summary>
internal sealed class SecurityScenario : IAsyncDisposable
{
    public const string A1Name = "A1-East";
    public const string A2Name = "A2-West";
    public const string O1Name = "O1-East";
    public const string O2Name = "O2-West";
    public const string O3Name = "O3-EastOnWest";
    public const string O4Name = "O4-WestOnEast";
    public const string A1Industry = "Energy";
    public const string A2Industry = "Mining";
    public const string A1Secret = "secret-of-A1";
    public const string A2Secret = "secret-of-A2";

    private SecurityScenario(PaasServer server) => Server = server;

    public PaasServer Server { get; }

    public string AdminId { get; private set; } = "";
    public SecurityUser East { get; private set; } = null!;
    public SecurityUser West { get; private set; } = null!;
    public SecurityUser Boss { get; private set; } = null!;
    public SecurityUser Outsider { get; private set; } = null!;

    public string A1 { get; private set; } = "";
    public string A2 { get; private set; } = "";
    public string O1 { get; private set; } = "";
    public string O2 { get; private set; } = "";
    public string O3 { get; private set; } = "";
    public string O4 { get; private set; } = "";

    /// <summary>What east must never see: west's records, and every secured value.</summary>
    public string[] HiddenFromEast => [A2Name, A2Industry, O2Name, O4Name, A1Secret, A2Secret, West.Key, Boss.Key, Outsider.Key, PaasServer.AdminKey];

    /// <summary>What west must never see: east's records, and every secured value.</summary>
    public string[] HiddenFromWest => [A1Name, A1Industry, O1Name, O3Name, A1Secret, A2Secret, East.Key, Boss.Key, Outsider.Key, PaasServer.AdminKey];

    /// <summary>Everything (outsider, and other tenants, see no record of the scenario).</summary>
    public string[] Everything =>
        [A1Name, A2Name, O1Name, O2Name, O3Name, O4Name, A1Industry, A2Industry, A1Secret, A2Secret, East.Key, West.Key, Boss.Key, Outsider.Key, PaasServer.AdminKey];

    public static async Task<SecurityScenario> StartAsync(DatabaseProvider provider)
    {
        var server = await PaasServer.StartAsync(provider);
        var scenario = new SecurityScenario(server);
        try
        {
            await scenario.SetUpAsync();
            return scenario;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task SetUpAsync()
    {
        var me = (await Server.MetadataOkAsync("{ me { id name email profile permissionSets } }"))["me"]!;
        Assert.Equal("SystemAdministrator", (string?)me["profile"]);
        AdminId = (string)me["id"]!;

        await Server.MetadataOkAsync("""
            mutation {
              a: createObject(input: {apiName: "Account", label: "Account"}) { apiName }
              industry: createField(input: {object: "Account", apiName: "industry", label: "Industry", type: TEXT}) { apiName }
              secret: createField(input: {object: "Account", apiName: "secret", label: "Secret", type: TEXT, secured: true, trackHistory: true}) { apiName }
              tier: createField(input: {object: "Account", apiName: "tier", label: "Tier", type: PICKLIST, values: ["Gold", "Silver"], secured: true}) { apiName }
              score: createField(input: {object: "Account", apiName: "score", label: "Score", type: NUMBER, precision: 18, scale: 2, secured: true}) { apiName }
              revenue: createField(input: {object: "Account", apiName: "revenue", label: "Revenue", type: NUMBER, precision: 18, scale: 2, trackHistory: true}) { apiName }
              o: createObject(input: {apiName: "Opportunity", label: "Opportunity", pluralLabel: "Opportunities"}) { apiName }
              account: createField(input: {object: "Opportunity", apiName: "account", label: "Account", type: LOOKUP, target: "Account"}) { apiName }
              amount: createField(input: {object: "Opportunity", apiName: "amount", label: "Amount", type: CURRENCY, precision: 18, scale: 2}) { apiName }
            }
            """);

        var security = await Server.MetadataOkAsync($$"""
            mutation {
              sales: createRole(input: {apiName: "Sales", label: "Sales", parent: null}) { apiName parent }
              east: createRole(input: {apiName: "RepEast", label: "Rep East", parent: "Sales"}) { apiName parent }
              west: createRole(input: {apiName: "RepWest", label: "Rep West", parent: "Sales"}) { apiName parent }
              partners: createGroup(input: {apiName: "Partners", label: "Partners"}) { apiName }
              crm: createPermissionSet(input: {{CrmUserSet(opportunityRead: true)}}) { apiName }
              secrets: createPermissionSet(input: {{SecretReaderSet(secretRead: true)}}) { apiName }
            }
            """);
        Assert.Equal("Sales", (string?)security["east"]!["parent"]);
        Assert.Equal("Sales", (string?)security["west"]!["parent"]);

        East = await CreateUserAsync("east", "East Rep", "\"RepEast\"", ["CrmUser"], []);
        West = await CreateUserAsync("west", "West Rep", "\"RepWest\"", ["CrmUser"], []);
        Boss = await CreateUserAsync("boss", "Sales Boss", "\"Sales\"", ["CrmUser", "SecretReader"], []);
        Outsider = await CreateUserAsync("outsider", "Out Sider", "null", ["CrmUser"], ["Partners"]);

        // Records, written while both objects still have the default (public read/write) sharing.
        A1 = await CreateAsync("Account", new { name = A1Name, industry = A1Industry, revenue = 1000 }, East.Key);
        O1 = await CreateAsync("Opportunity", new { name = O1Name, account = A1, amount = 100 }, East.Key);
        A2 = await CreateAsync("Account", new { name = A2Name, industry = A2Industry, revenue = 2000 }, West.Key);
        O2 = await CreateAsync("Opportunity", new { name = O2Name, account = A2, amount = 200 }, West.Key);
        O3 = await CreateAsync("Opportunity", new { name = O3Name, account = A2, amount = 300 }, East.Key);
        O4 = await CreateAsync("Opportunity", new { name = O4Name, account = A1, amount = 400 }, West.Key);
        await Server.DataOkAsync("""
            mutation($a1: ID!, $a2: ID!) {
              a: updateAccount(id: $a1, input: {secret: "secret-of-A1", tier: "Gold", score: 7}) { id }
              b: updateAccount(id: $a2, input: {secret: "secret-of-A2", tier: "Silver", score: 9}) { id }
            }
            """, new { a1 = A1, a2 = A2 });

        var models = await Server.MetadataOkAsync("""
            mutation {
              a: setSharingModel(object: "Account", model: PRIVATE) { apiName sharingModel }
              o: setSharingModel(object: "Opportunity", model: PRIVATE) { apiName sharingModel }
            }
            """);
        Assert.Equal("PRIVATE", (string?)models["a"]!["sharingModel"]);
        Assert.Equal("PRIVATE", (string?)models["o"]!["sharingModel"]);

        // The owners are the creating users.
        var owners = await Server.DataOkAsync("""
            query($a1: ID!, $a2: ID!, $o3: ID!, $o4: ID!) {
              a1: account(id: $a1) { ownerId } a2: account(id: $a2) { ownerId }
              o3: opportunity(id: $o3) { ownerId } o4: opportunity(id: $o4) { ownerId }
            }
            """, new { a1 = A1, a2 = A2, o3 = O3, o4 = O4 });
        AssertSameId(East.Id, owners["a1"]!["ownerId"]);
        AssertSameId(West.Id, owners["a2"]!["ownerId"]);
        AssertSameId(East.Id, owners["o3"]!["ownerId"]);
        AssertSameId(West.Id, owners["o4"]!["ownerId"]);
    }

    /// <summary>The input of create/updatePermissionSet for CrmUser.</summary>
    public static string CrmUserSet(bool opportunityRead) => $$$"""
        {apiName: "CrmUser", label: "CRM user", isProfile: false,
         objects: [{object: "Account", read: true, create: true, edit: true, delete: true, viewAll: false, modifyAll: false},
                   {object: "Opportunity", read: {{{Lower(opportunityRead)}}}, create: {{{Lower(opportunityRead)}}}, edit: {{{Lower(opportunityRead)}}}, delete: false, viewAll: false, modifyAll: false}],
         fields: [],
         system: {viewAllData: false, modifyAllData: false, manageMetadata: false, manageUsers: false}}
        """;

    /// <summary>The input of create/updatePermissionSet for SecretReader.</summary>
    public static string SecretReaderSet(bool secretRead) => $$$"""
        {apiName: "SecretReader", label: "Secret reader", isProfile: false,
         objects: [],
         fields: [{object: "Account", field: "secret", read: {{{Lower(secretRead)}}}, edit: {{{Lower(secretRead)}}}},
                  {object: "Account", field: "tier", read: true, edit: false},
                  {object: "Account", field: "score", read: true, edit: false}],
         system: {viewAllData: false, modifyAllData: false, manageMetadata: false, manageUsers: false}}
        """;

    private static string Lower(bool value) => value ? "true" : "false";

    /// <summary>Creates a user (StandardUser profile) and one API key for it.</summary>
    public async Task<SecurityUser> CreateUserAsync(string handle, string name, string roleLiteral, string[] permissionSets, string[] groups)
    {
        var email = handle + "@example.test";
        var sets = string.Join(", ", permissionSets.Select(s => $"\"{s}\""));
        var groupList = string.Join(", ", groups.Select(g => $"\"{g}\""));
        var user = (await Server.MetadataOkAsync($$"""
            mutation { createUser(input: {name: "{{name}}", email: "{{email}}", role: {{roleLiteral}}, profile: "StandardUser",
                                          permissionSets: [{{sets}}], groups: [{{groupList}}], manager: null}) {
              id name email isActive role profile permissionSets groups } }
            """))["createUser"]!;
        Assert.Equal(email, (string?)user["email"]);
        Assert.True((bool)user["isActive"]!);
        Assert.Equal("StandardUser", (string?)user["profile"]);
        var id = (string)user["id"]!;
        var (key, keyId) = await CreateKeyAsync(id, handle + " key");
        return new SecurityUser(id, name, email, key, keyId);
    }

    /// <summary>createApiKey for a user; returns the key and its id.</summary>
    public async Task<(string Key, string Id)> CreateKeyAsync(string userId, string name, string expiresAtLiteral = "null")
    {
        var created = (await Server.MetadataOkAsync($$"""
            mutation { createApiKey(input: {user: "{{userId}}", name: "{{name}}", expiresAt: {{expiresAtLiteral}}}) {
              key apiKey { id name prefix user createdAt expiresAt revokedAt lastUsedAt } } }
            """))["createApiKey"]!;
        var key = (string)created["key"]!;
        var apiKey = created["apiKey"]!;
        AssertSameId(userId, apiKey["user"]);
        Assert.Null(apiKey["revokedAt"]);
        var prefix = (string?)apiKey["prefix"];
        Assert.False(string.IsNullOrEmpty(prefix));
        Assert.StartsWith(prefix!, key, StringComparison.Ordinal);
        Assert.NotEqual(key, prefix);
        return (key, (string)apiKey["id"]!);
    }

    public async Task<string> CreateAsync(string objectName, object input, string key)
    {
        var data = await Server.DataOkAsync(
            $"mutation($input: {objectName}CreateInput!) {{ created: create{objectName}(input: $input) {{ id }} }}", new { input }, key);
        return (string)data["created"]!["id"]!;
    }

    // ------------------------------------------------------------------ small JSON helpers

    public static void AssertSameId(string expected, JsonNode? actual) =>
        Assert.Equal(expected.ToLowerInvariant(), ((string?)actual)?.ToLowerInvariant());

    public static List<string?> Names(JsonNode? connectionOrList)
    {
        var list = connectionOrList is JsonObject o ? o["nodes"] : connectionOrList;
        return list!.AsArray().Select(n => (string?)n!["name"]).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    public static long Total(JsonNode? connection) => (long)connection!["totalCount"]!;

    /// <summary>The sum of <c>count</c> over the groups of an aggregate (no groups = 0).</summary>
    public static long AggregateCount(JsonNode? groups) => groups!.AsArray().Sum(g => (long)g!["count"]!);

    /// <summary>A JSON number, numeric string, or JSON text holding a number, as a decimal; null for null/"null".</summary>
    public static decimal? Dec(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();
        text = text.Trim().Trim('"');
        return text is "" or "null" ? null : decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Counts the hostile attempts of a test and checks each one: the contract's error (or an empty answer), no data for the
/// refused root field, no internals and none of the given markers (names, values, keys the caller must not learn) in
/// the body. Markers that the request itself contains are skipped (an error may quote the request).
/// </summary>
internal sealed class HostileAttempts(ITestOutputHelper output, string area)
{
    /// <summary>For a field, argument or type that must be absent from the caller's schema: any GraphQL validation error.</summary>
    public const string SchemaError = "<schema validation error>";

    private readonly SortedDictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];

    public int Count { get; private set; }

    /// <summary>Expects a GraphQL error with <paramref name="code"/> (or, for <see cref="SchemaError"/>, any validation code) and no data.</summary>
    public async Task<GraphQLResponse> RefusedAsync(string what, PaasServer server, string path, string key, string query, object? variables,
        string code, params string[] markers)
    {
        var response = await server.PostAsync(path, query, variables, key: key);
        Count++;
        Note(response);
        Soft(what, () =>
        {
            Assert.True(response.Errors is { Count: > 0 }, $"[{area}] {what}: expected an error, got {response}");
            ResponseAssert.IsSafeError(response);
            if (code == SchemaError)
            {
                Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"[{area}] {what}: {response}");
                Assert.False(response.ErrorCodes.Any(c => c is "INTERNAL" or "UNAUTHENTICATED" or "NOT_FOUND"),
                    $"[{area}] {what}: expected a schema validation error, got {response}");
            }
            else
            {
                Assert.True(response.ErrorCodes.Contains(code), $"[{area}] {what}: expected {code}, got {response}");
            }

            AssertNoData(what, response);
        });
        AssertNoLeak(what, response, query, variables, markers);
        return response;
    }

    /// <summary>A request that must succeed but show nothing hidden; the caller checks that it is null/empty.</summary>
    public async Task<JsonNode> EmptyAsync(string what, PaasServer server, string path, string key, string query, object? variables,
        params string[] markers)
    {
        var response = await server.PostAsync(path, query, variables, key: key);
        Count++;
        Note(response);
        Assert.True(response.Status == HttpStatusCode.OK && response.Errors is null or { Count: 0 } && response.Data is not null,
            $"[{area}] {what}: expected a successful (empty) answer, got {response}");
        AssertNoLeak(what, response, query, variables, markers);
        return response.Data!;
    }

    /// <summary>Expects 401 UNAUTHENTICATED.</summary>
    public async Task<GraphQLResponse> UnauthorizedAsync(string what, PaasServer server, string path, string key, string query, params string[] markers)
    {
        var response = await server.PostAsync(path, query, key: key);
        Count++;
        Note(response);
        Soft(what, () =>
        {
            Assert.True(response.Status == HttpStatusCode.Unauthorized, $"[{area}] {what}: expected 401, got {response}");
            ResponseAssert.HttpError(response, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
            Assert.Null(response.Data);
        });
        AssertNoLeak(what, response, query, null, markers);
        return response;
    }

    /// <summary>Counts an attempt checked by the test itself.</summary>
    public void Count1(GraphQLResponse? response = null)
    {
        Count++;
        if (response is not null)
        {
            Note(response);
        }
    }

    /// <summary>
    /// Runs a check of the contract and, if it fails, records the failure and goes on, so that one deviation does not
    /// hide the others; <see cref="Report"/> fails the test with all of them.
    /// </summary>
    public void Soft(string what, Action check)
    {
        try
        {
            check();
        }
        catch (Xunit.Sdk.XunitException e)
        {
            var message = $"[{area}] {what}: {e.Message}";
            _violations.Add(message);
            output.WriteLine("CONTRACT VIOLATION " + message);
        }
    }

    public async Task SoftAsync(string what, Func<Task> check)
    {
        try
        {
            await check();
        }
        catch (Xunit.Sdk.XunitException e)
        {
            var message = $"[{area}] {what}: {e.Message}";
            _violations.Add(message);
            output.WriteLine("CONTRACT VIOLATION " + message);
        }
    }

    /// <summary>Prints the count of attempts and fails the test if any contract check failed.</summary>
    public void Report()
    {
        var codes = string.Join(", ", _codes.Select(c => $"{c.Key}×{c.Value}"));
        var line = $"[security:{area}] {Count} hostile attempts, {_violations.Count} answered against the contract (answers: {codes})";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(_violations.Count == 0,
            $"{_violations.Count} contract violation(s):{Environment.NewLine}" + string.Join(Environment.NewLine + Environment.NewLine, _violations));
    }

    public void AssertNoLeak(string what, GraphQLResponse response, string query, object? variables, IEnumerable<string> markers)
    {
        var request = query + (variables is null ? "" : JsonSerializer.Serialize(variables));
        foreach (var marker in markers)
        {
            if (request.Contains(marker, StringComparison.Ordinal))
            {
                continue;
            }

            Soft(what, () => Assert.False(response.Body.Contains(marker, StringComparison.Ordinal), $"LEAK: the response shows '{marker}': {response}"));
        }
    }

    private void AssertNoData(string what, GraphQLResponse response)
    {
        if (response.Data is JsonObject data)
        {
            foreach (var (name, value) in data)
            {
                Assert.True(value is null, $"[{area}] {what}: the refused request returned data for '{name}': {response}");
            }
        }
        else
        {
            Assert.True(response.Data is null, $"[{area}] {what}: unexpected data: {response}");
        }
    }

    private void Note(GraphQLResponse response)
    {
        var key = response.Errors is { Count: > 0 }
            ? string.Join("+", response.ErrorCodes.Distinct().Select(c => c ?? "?"))
            : response.Status == HttpStatusCode.OK ? "empty/null" : ((int)response.Status).ToString(CultureInfo.InvariantCulture);
        if (response.Status == HttpStatusCode.Unauthorized)
        {
            key = "401";
        }

        _codes[key] = _codes.TryGetValue(key, out var n) ? n + 1 : 1;
    }
}
