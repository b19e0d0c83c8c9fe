using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Paas.Workflows.Tests.Definitions.WorkflowTestData;

namespace Paas.Workflows.Tests.Definitions;

/// <summary>Input meant to break the validator: injection-looking names, huge or deep documents, references to fetch.</summary>
public sealed class WorkflowHostileInputTests
{
    [Fact]
    public void Sql_looking_names_are_pattern_errors()
    {
        var json = Sample();
        json["apiName"] = "x'; DROP TABLE workflows; --";
        json["object"] = "Opportunity\"; DELETE FROM records";
        Step(json, "approve")["fields"]!["x'; DROP"] = 1;
        Step(json, "bigDeal")["name"] = "a' OR '1'='1";

        var errors = Errors(json);

        HasError(errors, "definition.apiName", "\"x'; DROP TABLE workflows; --\" is not valid");
        HasError(errors, "definition.object", "is not valid");
        HasError(errors, "definition.steps[3].fields.x'; DROP", "is not a valid field name. Field API names are camelCase");
        HasError(errors, "definition.steps[0].name", "A step name must start with a small letter");
    }

    [Fact]
    public void Names_with_a_trailing_line_break_are_refused()
    {
        // .NET's '$' matches before a final '\n', so the schema's patterns alone would accept these.
        var json = Sample();
        json["apiName"] = "discountApproval\n";
        Step(json, "recalledEnd")["name"] = "recalledEnd\n";
        Step(json, "recall")["next"] = "recalledEnd\n";
        Step(json, "approvedEnd")["result"] = "approved\n";

        var errors = Errors(json);

        HasError(errors, "definition.apiName", "An API name must start with a small letter");
        HasError(errors, "definition.steps[9].name", "A step name must start with a small letter");
        HasError(errors, "definition.steps[5].result", "A result must start with a small letter");
        HasCount(errors, 3);
    }

    [Fact]
    public void A_document_over_256_KB_is_one_error()
    {
        var json = Sample();
        json["description"] = new string('x', 256 * 1024);

        var error = Assert.Single(Errors(json));

        Assert.Equal(("definition", true), (error.Field, error.Message.Contains("too large", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_document_just_under_the_size_limit_is_parsed()
    {
        var json = Sample();
        json["description"] = "";
        var padding = 256 * 1024 - Encoding.UTF8.GetByteCount(json.ToJsonString()) - 20;
        json["pad"] = new string(' ', padding);

        var error = Assert.Single(Errors(json));

        Assert.Equal("definition.pad", error.Field);
    }

    [Fact]
    public void Multi_byte_characters_count_as_bytes()
    {
        var json = Sample();
        json["description"] = new string('é', 130 * 1024); // 130K characters, 260 KB of UTF-8
        var text = json.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.True(text.Length < 256 * 1024);

        var error = Assert.Single(Errors(text));

        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_10_MB_document_is_refused_quickly()
    {
        var json = "{\"apiName\":\"x\",\"steps\":[" + string.Join(",", Enumerable.Repeat("{\"name\":\"a\",\"type\":\"END\"}", 400_000)) + "]}";
        Assert.True(json.Length > 10_000_000);
        var clock = Stopwatch.StartNew();

        var error = Assert.Single(Errors(json));

        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Took {clock.Elapsed}.");
    }

    [Theory]
    [InlineData(33)]
    [InlineData(100_000)]
    public void A_document_nested_deeper_than_32_levels_is_one_error(int levels)
    {
        var json = "{\"apiName\":\"x\",\"description\":" + new string('[', levels - 1) + new string(']', levels - 1) + "}";

        var error = Assert.Single(Errors(json));

        Assert.Equal("definition", error.Field);
        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_nested_32_levels_deep_gets_past_the_depth_check()
    {
        var json = "{\"apiName\":\"x\",\"description\":" + new string('[', 31) + new string(']', 31) + "}";

        var errors = Errors(json);

        Assert.DoesNotContain(errors, e => e.Message.Contains("nested too deeply", StringComparison.Ordinal));
        HasError(errors, "definition.description", "Must be a string");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"apiName\": 'x'}")]
    [InlineData("{\"apiName\": \"x\",}")]
    [InlineData("{\"apiName\": \"x\" /* comment */}")]
    [InlineData("{} {}")]
    public void Malformed_json_is_one_error(string json)
    {
        var error = Assert.Single(Errors(json));

        Assert.Equal("definition", error.Field);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_properties_are_refused()
    {
        var json = Sample().ToJsonString().Replace("\"type\":\"END\",\"result\":\"approved\"", "\"type\":\"END\",\"type\":\"CONDITION\",\"result\":\"approved\"", StringComparison.Ordinal);

        var error = Assert.Single(Errors(json));

        Assert.Equal("definition.steps[5].type", error.Field);
        Assert.Contains("appears more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_unicode_escapes_are_reported_not_thrown()
    {
        var json = Sample().ToJsonString().Replace("\"Discount approval\"", "\"Discount \\ud800 approval\"", StringComparison.Ordinal);
        Assert.Contains("\\ud800", json, StringComparison.Ordinal);

        json = json.Replace("\"stage\":\"Open\"", "\"stage\":\"\\udc00\"", StringComparison.Ordinal);
        json = json.Replace("\"apiName\"", "\"\\ud800x\":1,\"apiName\"", StringComparison.Ordinal);

        var errors = Errors(json);

        HasError(errors, "definition.label", "unpaired surrogate");
        HasError(errors, "definition.steps[8].fields.stage", "unpaired surrogate");
        HasError(errors, "definition.\uFFFD", "unpaired surrogate");
        HasCount(errors, 3);
    }

    [Fact]
    public void Null_where_objects_belong_does_not_break_the_checks()
    {
        var json = Sample();
        json["steps"]!.AsArray().Add(null);
        Step(json, "bigDeal")["outcomes"]!["false"] = null;
        Step(json, "managerApproval")["approval"]!["approvers"]!.AsArray().Add(null);

        var errors = Errors(json);

        HasError(errors, "definition.steps[10]", "Must be an object");
        HasError(errors, "definition.steps[0].outcomes.false", "Must be a string");
        HasError(errors, "definition.steps[1].approval.approvers[1]", "Must be an object");
    }

    [Fact]
    public void A_ref_in_the_document_is_an_unknown_property_and_is_never_fetched()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/workflow.json";
        var json = Sample();
        json["$ref"] = url;
        Step(json, "approve")["fields"] = new JsonObject { ["$ref"] = url + "#/fields" };

        var errors = Errors(json);

        HasError(errors, "definition.$ref", "Unknown property \"$ref\"");
        HasError(errors, "definition.steps[3].fields.$ref", "is not a valid field name");
        HasCount(errors, 2);
        Thread.Sleep(100);
        Assert.False(listener.Pending(), "The validator connected to the URL of a $ref.");
    }
}
