using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Tenancy;
using Paas.Data.Platform;
using Paas.Server.Tests.Infrastructure;
using Paas.Workflows.Runtime;

namespace Paas.Server.Tests.Workflows;

/// <summary>
/// A tenant for approvals: a <c>Quote</c> object (discount, status), a <c>Task</c> object looking up to it, and users:
/// a sales rep whose manager is the sales manager, whose manager is the VP, and two finance users in the Finance queue.
/// The hosted worker is off, so a test runs the due steps itself and sees each state in between.
/// </summary>
internal sealed class ApprovalFixture
{
    private ApprovalFixture(PaasServer server) => Server = server;

    public PaasServer Server { get; }
    public Scenario.User Rep { get; private set; } = null!;
    public Scenario.User Manager { get; private set; } = null!;
    public Scenario.User Vp { get; private set; } = null!;
    public Scenario.User FinanceA { get; private set; } = null!;
    public Scenario.User FinanceB { get; private set; } = null!;

    public static async Task<ApprovalFixture> CreateAsync(PaasServer server)
    {
        var fixture = new ApprovalFixture(server);
        await fixture.DefineAsync();
        return fixture;
    }

    private async Task DefineAsync()
    {
        await Server.MetadataOkAsync("""
            mutation {
              q: createObject(input: {apiName: "Quote", label: "Quote"}) { apiName }
              t: createObject(input: {apiName: "Task", label: "Task"}) { apiName }
            }
            """);
        await Server.MetadataOkAsync("""
            mutation {
              a: createField(input: {object: "Quote", apiName: "discount", label: "Discount", type: PERCENT, precision: 5, scale: 2}) { apiName }
              b: createField(input: {object: "Quote", apiName: "status", label: "Status", type: PICKLIST, values: ["Draft", "Pending", "Approved", "Rejected", "Recalled"], defaultValue: "Draft"}) { apiName }
              c: createField(input: {object: "Task", apiName: "quote", label: "Quote", type: LOOKUP, target: "Quote"}) { apiName }
              sales: createRole(input: {apiName: "Sales", label: "Sales", parent: null}) { apiName }
              finance: createGroup(input: {apiName: "Finance", label: "Finance"}) { apiName }
              crm: createPermissionSet(input: {apiName: "QuoteUser", label: "Quote user", isProfile: false,
                objects: [{object: "Quote", read: true, create: true, edit: true, delete: true, viewAll: false, modifyAll: false},
                          {object: "Task", read: true, create: true, edit: true, delete: false, viewAll: false, modifyAll: false}],
                fields: [], system: {viewAllData: false, modifyAllData: false, manageMetadata: false, manageUsers: false}}) { apiName }
            }
            """);
        Vp = await UserAsync("vp", "The VP", null, []);
        Manager = await UserAsync("manager", "Sales Manager", Vp.Id, []);
        Rep = await UserAsync("rep", "Sales Rep", Manager.Id, []);
        FinanceA = await UserAsync("fina", "Finance A", null, ["Finance"]);
        FinanceB = await UserAsync("finb", "Finance B", null, ["Finance"]);
    }

    private async Task<Scenario.User> UserAsync(string handle, string name, string? manager, string[] groups)
    {
        var user = (await Server.MetadataOkAsync($$"""
            mutation($manager: ID, $groups: [String!]!) { createUser(input: {name: "{{name}}", email: "{{handle}}@example.test", role: "Sales", profile: "StandardUser",
              permissionSets: ["QuoteUser"], groups: $groups, manager: $manager}) { id } }
            """, new { manager, groups }))["createUser"]!;
        var id = (string)user["id"]!;
        var key = (string?)(await Server.MetadataOkAsync($$"""mutation { createApiKey(input: {user: "{{id}}", name: "{{handle}}", expiresAt: null}) { key } }"""))["createApiKey"]!["key"];
        return new Scenario.User(id, (string)key!);
    }

    /// <summary>Saves and publishes a definition; returns the published version.</summary>
    public async Task<int> PublishAsync(object definition)
    {
        var saved = await Server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { apiName version status } }", new { d = definition });
        Assert.Equal("DRAFT", (string?)saved["saveWorkflow"]!["status"]);
        var published = await Server.MetadataOkAsync("mutation($a: String!) { publishWorkflow(apiName: $a) { version status } }", new { a = (string)saved["saveWorkflow"]!["apiName"]! });
        Assert.Equal("PUBLISHED", (string?)published["publishWorkflow"]!["status"]);
        return (int)published["publishWorkflow"]!["version"]!;
    }

    public async Task<string> QuoteAsync(string name, decimal discount, string key) =>
        (string)(await Server.DataOkAsync("mutation($n: String!, $d: Decimal) { createQuote(input: {name: $n, discount: $d}) { id } }", new { n = name, d = discount }, key))["createQuote"]!["id"]!;

    public async Task<JsonNode> SubmitAsync(string quote, string key, string? process = null) =>
        (await Server.DataOkAsync("mutation($id: ID!, $p: String) { submitForApproval(object: \"Quote\", id: $id, process: $p) { id status process version } }",
            new { id = quote, p = process }, key))["submitForApproval"]!;

    /// <summary>Runs the due workflow steps as the worker would (on PostgreSQL in <paramref name="concurrency"/> lanes).</summary>
    public async Task<int> RunWorkerAsync(int concurrency = 1)
    {
        var tenant = await TenantAsync();
        return await Server.Services.GetRequiredService<WorkflowRuntime>().RunDueAsync(tenant, CancellationToken.None, concurrency: concurrency);
    }

    /// <summary>Runs what is due at <paramref name="now"/>, as the worker would when that time has come.</summary>
    public async Task<int> RunWorkerAtAsync(DateTimeOffset now)
    {
        var tenant = await TenantAsync();
        return await Server.Services.GetRequiredService<WorkflowRuntime>().RunDueAsync(tenant, CancellationToken.None, now: now);
    }

    public async Task<TenantInfo> TenantAsync() =>
        (await Server.Services.GetRequiredService<TenantCatalog>().FindAsync(PaasServer.BootstrapTenant, CancellationToken.None))!;

    public async Task<JsonArray> InboxAsync(string key) =>
        (await Server.DataOkAsync("{ myApprovals { id step level status instance { id recordId process status } } }", key: key))["myApprovals"]!.AsArray();

    public async Task<string> PendingRequestAsync(string key) => (string)(await InboxAsync(key)).Single()!["id"]!;

    public Task<GraphQLResponse> AnswerAsync(string verb, string request, string key, string? comment = null) =>
        Server.DataAsync($"mutation($id: ID!, $c: String) {{ {verb}(id: $id, comment: $c) {{ id status comment }} }}", new { id = request, c = comment }, key: key);

    public async Task<JsonNode> QuoteStateAsync(string quote) =>
        (await Server.DataOkAsync("query($id: ID!) { quote(id: $id) { status version } }", new { id = quote }))["quote"]!;

    public async Task<JsonArray> HistoryAsync(string quote) =>
        (await Server.DataOkAsync("query($id: ID!) { approvalHistory(object: \"Quote\", id: $id) { instance { id status result version locked } requests { step level approver status comment } } }",
            new { id = quote }))["approvalHistory"]!.AsArray();
}

internal static class Scenario
{
    public sealed record User(string Id, string Key);
}
