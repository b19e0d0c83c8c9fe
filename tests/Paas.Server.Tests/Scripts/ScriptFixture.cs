using System.Text.Json.Nodes;
using Paas.Server.Tests.Infrastructure;

namespace Paas.Server.Tests.Scripts;

/// <summary>Deploying scripts through the metadata API, as an admin types it.</summary>
internal static class ScriptFixture
{
    public const string DeployMutation = """
        mutation($input: DeployScriptInput!) { deployScript(input: $input) { apiName version active kind mutation } }
        """;

    public static async Task<JsonNode> DeployAsync(PaasServer server, object input) =>
        (await server.MetadataOkAsync(DeployMutation, new { input }))["deployScript"]!;

    public static Task<GraphQLResponse> TryDeployAsync(PaasServer server, object input) =>
        server.MetadataAsync(DeployMutation, new { input });

    public static Task<JsonNode> TriggerAsync(PaasServer server, string apiName, string timing, string[] events, string code, string obj = "Opportunity",
        string runAs = "USER") =>
        DeployAsync(server, new { apiName, kind = "TRIGGER", @object = obj, timing, events, code, runAs });

    /// <summary>Opportunities as <c>createOpportunities</c> inputs: names O0…, amounts 100 + i.</summary>
    public static object[] Opportunities(int count, Func<int, object>? make = null) =>
        Enumerable.Range(0, count).Select(i => make?.Invoke(i) ?? new { name = $"O{i}", amount = 100 + i }).ToArray();

    public static Task<GraphQLResponse> CreateManyAsync(PaasServer server, object[] inputs, string selection = "id name") =>
        server.DataAsync($"mutation($inputs: [OpportunityCreateInput!]!) {{ createOpportunities(inputs: $inputs) {{ {selection} }} }}", new { inputs });
}
