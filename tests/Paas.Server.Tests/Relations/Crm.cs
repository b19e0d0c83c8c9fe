using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Server.Tests.Infrastructure;

namespace Paas.Server.Tests.Relations;

/// <summary>
/// A small CRM defined through <c>/graphql/metadata</c> for the relation, aggregate, limit and import tests:
/// <c>Account</c> (industry, parent → Account) and <c>Opportunity</c> (a field of every groupable/summable kind and
/// account → Account). Kept here rather than in the shared SalesSchema so these tests own their schema.
/// </summary>
internal static class Crm
{
    public static async Task CreateAccountAsync(PaasServer server)
    {
        await server.MetadataOkAsync("""
            mutation {
              o: createObject(input: {apiName: "Account", label: "Account"}) { apiName }
              industry: createField(input: {object: "Account", apiName: "industry", label: "Industry", type: PICKLIST,
                                            values: ["Software", "Retail", "Finance"]}) { apiName }
              parent: createField(input: {object: "Account", apiName: "parent", label: "Parent", type: LOOKUP, target: "Account"}) { apiName }
            }
            """);
    }

    /// <summary>Account and Opportunity. <c>amount</c> is optional (so sums meet empty values), <c>stage</c> has no default.</summary>
    public static async Task CreateAsync(PaasServer server)
    {
        await CreateAccountAsync(server);
        await server.MetadataOkAsync("""
            mutation {
              o: createObject(input: {apiName: "Opportunity", label: "Opportunity", pluralLabel: "Opportunities"}) { apiName }
              amount: createField(input: {object: "Opportunity", apiName: "amount", label: "Amount", type: CURRENCY, precision: 18, scale: 2}) { apiName }
              stage: createField(input: {object: "Opportunity", apiName: "stage", label: "Stage", type: PICKLIST,
                                         values: ["Prospecting", "Negotiation", "ClosedWon", "ClosedLost"]}) { apiName }
              isPriority: createField(input: {object: "Opportunity", apiName: "isPriority", label: "Priority", type: BOOLEAN}) { apiName }
              closeDate: createField(input: {object: "Opportunity", apiName: "closeDate", label: "Close date", type: DATE}) { apiName }
              lastActivity: createField(input: {object: "Opportunity", apiName: "lastActivity", label: "Last activity", type: DATETIME}) { apiName }
              quantity: createField(input: {object: "Opportunity", apiName: "quantity", label: "Quantity", type: INTEGER}) { apiName }
              externalId: createField(input: {object: "Opportunity", apiName: "externalId", label: "External id", type: TEXT, unique: true}) { apiName }
              account: createField(input: {object: "Opportunity", apiName: "account", label: "Account", type: LOOKUP, target: "Account"}) { apiName }
            }
            """);
    }

    /// <summary>Creates records with <c>create&lt;Plural&gt;</c> (1000 per request) and returns their ids in input order.</summary>
    public static async Task<List<string>> CreateManyAsync(PaasServer server, string objectName, string pascalPlural, IEnumerable<object> inputs)
    {
        var ids = new List<string>();
        foreach (var chunk in inputs.Chunk(1000))
        {
            var data = await server.DataOkAsync(
                $"mutation($inputs: [{objectName}CreateInput!]!) {{ created: create{pascalPlural}(inputs: $inputs) {{ id }} }}",
                new { inputs = chunk });
            ids.AddRange(data["created"]!.AsArray().Select(n => (string)n!["id"]!));
        }

        return ids;
    }

    public static async Task<string> CreateOneAsync(PaasServer server, string objectName, object input)
    {
        var data = await server.DataOkAsync($"mutation($input: {objectName}CreateInput!) {{ created: create{objectName}(input: $input) {{ id }} }}", new { input });
        return (string)data["created"]!["id"]!;
    }

    public static Task<List<string>> CreateAccountsAsync(PaasServer server, params object[] inputs) =>
        CreateManyAsync(server, "Account", "Accounts", inputs);

    public static Task<List<string>> CreateOpportunitiesAsync(PaasServer server, params object[] inputs) =>
        CreateManyAsync(server, "Opportunity", "Opportunities", inputs);

    public static List<string?> Names(JsonNode? connectionOrList)
    {
        var list = connectionOrList is JsonObject o ? o["nodes"] : connectionOrList;
        return list!.AsArray().Select(n => (string?)n!["name"]).ToList();
    }

    /// <summary>A JSON number (or numeric string) as an exact decimal; null for JSON null.</summary>
    public static decimal? Dec(JsonNode? node) =>
        node is null ? null : decimal.Parse(node.ToJsonString().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture);
}
