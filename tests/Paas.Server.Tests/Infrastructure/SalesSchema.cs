using System.Text.Json.Nodes;

namespace Paas.Server.Tests.Infrastructure;

/// <summary>
/// The README's first session, as a new user types it: objects <c>Account</c> and <c>Opportunity</c> defined through
/// <c>/graphql/metadata</c>, and small helpers to write and count their records through <c>/graphql</c>.
/// </summary>
public static class SalesSchema
{
    public static readonly string[] Industries = ["Software", "Retail", "Finance"];
    public static readonly string[] Stages = ["Prospecting", "Negotiation", "ClosedWon", "ClosedLost"];
    public static readonly string[] Tags = ["Hot", "Cold", "Partner", "Renewal"];

    /// <summary><c>Account</c> with a PICKLIST <c>industry</c>.</summary>
    public static async Task CreateAccountObjectAsync(PaasServer server, string key = PaasServer.AdminKey)
    {
        var created = await server.MetadataOkAsync("""
            mutation { createObject(input: {apiName: "Account", label: "Account"}) { apiName pluralApiName } }
            """, key: key);
        Assert.Equal("Account", (string?)created["createObject"]!["apiName"]);
        Assert.Equal("accounts", (string?)created["createObject"]!["pluralApiName"]);
        await server.MetadataOkAsync("""
            mutation { createField(input: {object: "Account", apiName: "industry", label: "Industry",
              type: PICKLIST, values: ["Software", "Retail", "Finance"]}) { apiName } }
            """, key: key);
    }

    /// <summary>Account, then Opportunity with fields of most types and a lookup to Account.</summary>
    public static async Task CreateAsync(PaasServer server, string key = PaasServer.AdminKey)
    {
        await CreateAccountObjectAsync(server, key);
        var opportunity = await server.MetadataOkAsync("""
            mutation { createObject(input: {apiName: "Opportunity", label: "Opportunity", pluralLabel: "Opportunities"}) { apiName pluralApiName } }
            """, key: key);
        Assert.Equal("opportunities", (string?)opportunity["createObject"]!["pluralApiName"]);
        var fields = await server.MetadataOkAsync("""
            mutation {
              amount: createField(input: {object: "Opportunity", apiName: "amount", label: "Amount", type: CURRENCY, required: true, precision: 18, scale: 2}) { apiName type required }
              stage: createField(input: {object: "Opportunity", apiName: "stage", label: "Stage", type: PICKLIST,
                                          values: ["Prospecting", "Negotiation", "ClosedWon", "ClosedLost"], defaultValue: "Prospecting"}) { apiName defaultValue }
              closeDate: createField(input: {object: "Opportunity", apiName: "closeDate", label: "Close date", type: DATE}) { apiName }
              account: createField(input: {object: "Opportunity", apiName: "account", label: "Account", type: LOOKUP, target: "Account"}) { apiName target }
              externalId: createField(input: {object: "Opportunity", apiName: "externalId", label: "External id", type: TEXT, unique: true}) { apiName unique }
              isPriority: createField(input: {object: "Opportunity", apiName: "isPriority", label: "Priority", type: BOOLEAN}) { apiName }
              tags: createField(input: {object: "Opportunity", apiName: "tags", label: "Tags", type: MULTI_PICKLIST, values: ["Hot", "Cold", "Partner", "Renewal"]}) { apiName }
              details: createField(input: {object: "Opportunity", apiName: "details", label: "Details", type: JSON}) { apiName }
            }
            """, key: key);
        Assert.Equal("CURRENCY", (string?)fields["amount"]!["type"]);
        Assert.True((bool)fields["amount"]!["required"]!);
        Assert.Equal("Prospecting", (string?)fields["stage"]!["defaultValue"]);
        Assert.Equal("Account", (string?)fields["account"]!["target"]);
        Assert.True((bool)fields["externalId"]!["unique"]!);
    }

    public static async Task<string> CreateAccountAsync(PaasServer server, string name, string? industry = null, string? key = PaasServer.AdminKey)
    {
        var data = await server.DataOkAsync("""
            mutation($input: AccountCreateInput!) { createAccount(input: $input) { id name industry version } }
            """, new { input = new Dictionary<string, object?> { ["name"] = name, ["industry"] = industry } }, key);
        return (string)data["createAccount"]!["id"]!;
    }

    /// <summary>Creates opportunities with createOpportunities and returns their ids in input order.</summary>
    public static async Task<IReadOnlyList<string>> CreateOpportunitiesAsync(PaasServer server, params object[] inputs)
    {
        var data = await server.DataOkAsync("""
            mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }
            """, new { inputs });
        return data["createOpportunities"]!.AsArray().Select(n => (string)n!["id"]!).ToList();
    }

    /// <summary>totalCount of a list query (e.g. <c>opportunities</c>) without filter.</summary>
    public static async Task<long> CountAsync(PaasServer server, string plural, string? key = PaasServer.AdminKey)
    {
        var data = await server.DataOkAsync($"{{ {plural} {{ totalCount }} }}", key: key);
        return (long)data[plural]!["totalCount"]!;
    }

    /// <summary>All records of a list query, a few fields, ordered by id, as a JSON string (to compare snapshots).</summary>
    public static async Task<string> SnapshotAsync(PaasServer server, string plural, string fields)
    {
        var data = await server.DataOkAsync($"{{ {plural}(first: 500, orderBy: [{{id: ASC}}]) {{ totalCount nodes {{ id version {fields} }} }} }}");
        return data[plural]!.ToJsonString();
    }

    public static IReadOnlyList<string?> Strings(JsonNode? array, string property) =>
        array!.AsArray().Select(n => (string?)n![property]).ToList();
}
