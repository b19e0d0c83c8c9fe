using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paas.Workflows.Definitions;

namespace Paas.Workflows.Tests.Definitions;

/// <summary>The published schema itself: draft-07, strict, documented, self-contained.</summary>
public sealed class WorkflowSchemaTests
{
    private static readonly JsonObject Schema = JsonNode.Parse(WorkflowValidator.SchemaJson)!.AsObject();

    [Fact]
    public void The_schema_is_draft_07_and_documented_at_its_root()
    {
        Assert.Equal("http://json-schema.org/draft-07/schema#", (string?)Schema["$schema"]);
        Assert.Contains("graph of named steps", (string?)Schema["description"], StringComparison.Ordinal);
        Assert.Equal(["apiName", "object", "start", "steps"], Schema["required"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public void Every_object_is_closed_and_every_property_described()
    {
        var problems = new List<string>();
        Walk(Schema, "#", problems);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_reference_is_local_and_resolves()
    {
        var references = Descendants(Schema).OfType<JsonObject>().Select(o => (string?)o["$ref"]).OfType<string>().ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r =>
        {
            Assert.StartsWith("#/definitions/", r, StringComparison.Ordinal);
            Assert.NotNull(Schema["definitions"]![r["#/definitions/".Length..]]);
        });
    }

    [Fact]
    public void The_enums_of_the_model_are_all_listed()
    {
        var enums = Descendants(Schema).OfType<JsonObject>().Select(o => o["enum"]).OfType<JsonArray>()
            .SelectMany(a => a.Select(v => (string?)v)).ToHashSet();

        Assert.Subset(enums, new HashSet<string?> { "MANUAL", "RECORD_CREATED", "RECORD_UPDATED", "SCHEDULE", "CONDITION", "APPROVAL", "UPDATE_FIELDS",
            "CREATE_RECORD", "END", "USER", "ROLE", "MANAGER", "MANAGER_CHAIN", "QUEUE", "FIRST_RESPONSE", "UNANIMOUS", "MAJORITY" });
    }

    [Fact]
    public void The_loader_refuses_references_to_urls_and_files_without_fetching()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/other.json";

        var remote = Assert.Throws<InvalidOperationException>(() =>
            WorkflowSchema.Load($$"""{ "type": "object", "properties": { "a": { "$ref": "{{url}}" } } }"""));
        Assert.Contains("may only refer to its own definitions", remote.ToString(), StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => WorkflowSchema.Load("""{ "type": "object", "properties": { "a": { "$ref": "other.json#/a" } } }"""));

        Thread.Sleep(100);
        Assert.False(listener.Pending(), "The schema loader connected to the URL of a $ref.");
    }

    [Fact]
    public void The_embedded_schema_loads()
    {
        var schema = WorkflowSchema.Load(WorkflowValidator.SchemaJson);

        Assert.Equal(["apiName", "object", "start", "steps"], schema.RequiredProperties);
        Assert.Equal(Enum.GetValues<Paas.Core.Workflows.WorkflowStepType>().Length, schema.Definitions["step"].OneOf.Count);
    }

    /// <summary>Visits every schema (not every JSON object: "properties" is a map of schemas, not a schema).</summary>
    private static void Walk(JsonNode? node, string path, List<string> problems)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if ((string?)schema["type"] == "object" && schema["oneOf"] is null && schema["additionalProperties"]?.GetValueKind() != JsonValueKind.False)
        {
            problems.Add($"{path}: an object without additionalProperties: false");
        }

        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            if (property?["description"] is null && !HasDescribedReference(property))
            {
                problems.Add($"{path}/properties/{name}: no description");
            }

            Walk(property, $"{path}/properties/{name}", problems);
        }

        foreach (var map in (string[])["definitions", "patternProperties"])
        {
            foreach (var (name, child) in schema[map]?.AsObject() ?? [])
            {
                Walk(child, $"{path}/{map}/{name}", problems);
            }
        }

        Walk(schema["items"], path + "/items", problems);
        var alternatives = schema["oneOf"]?.AsArray() ?? [];
        for (var i = 0; i < alternatives.Count; i++)
        {
            Walk(alternatives[i], $"{path}/oneOf/{i}", problems);
        }
    }

    private static bool HasDescribedReference(JsonNode? property) =>
        (string?)property?["$ref"] is { } reference && Schema["definitions"]![reference["#/definitions/".Length..]]?["description"] is not null;

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().SelectMany(Descendants))
        {
            yield return child;
        }
    }
}
