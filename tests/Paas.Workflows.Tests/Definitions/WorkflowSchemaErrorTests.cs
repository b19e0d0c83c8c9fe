using System.Text.Json.Nodes;
using static Paas.Workflows.Tests.Definitions.WorkflowTestData;

namespace Paas.Workflows.Tests.Definitions;

/// <summary>Violations of workflow.schema.json, reported with their paths and readable messages.</summary>
public sealed class WorkflowSchemaErrorTests
{
    [Fact]
    public void Unknown_properties_are_reported_where_they_are()
    {
        var json = Sample();
        json["colour"] = "red";
        Step(json, "bigDeal")["next"] = "approve";
        Step(json, "approvedEnd")["outcomes"] = new JsonObject { ["true"] = "bigDeal" };

        var errors = Errors(json);

        HasError(errors, "definition.colour", "Unknown property \"colour\"");
        HasError(errors, "definition.steps[0].next", "not allowed for CONDITION steps");
        HasError(errors, "definition.steps[5].outcomes", "not allowed for END steps");
        HasCount(errors, 3);
    }

    [Fact]
    public void Wrong_enum_values_list_the_allowed_ones()
    {
        var json = Sample();
        json["trigger"]!["type"] = "ON_SAVE";
        Step(json, "managerApproval")["approval"]!["mode"] = "SOMETIMES";
        Step(json, "approve")["type"] = "LOOP";
        Step(json, "directorApproval")["approval"]!["approvers"]![0]!["type"] = "DEPARTMENT";

        var errors = Errors(json);

        HasError(errors, "definition.trigger.type", "\"ON_SAVE\" is not allowed: expected one of MANUAL, RECORD_CREATED, RECORD_UPDATED, SCHEDULE");
        HasError(errors, "definition.steps[1].approval.mode", "expected one of FIRST_RESPONSE, UNANIMOUS, MAJORITY");
        var loop = HasError(errors, "definition.steps[3].type", "\"LOOP\" is not allowed: expected one of CONDITION, APPROVAL, UPDATE_FIELDS, CREATE_RECORD, END");
        Assert.Contains("(line 1, column", loop.Message, StringComparison.Ordinal);
        HasError(errors, "definition.steps[2].approval.approvers[0].type", "expected one of USER, ROLE, MANAGER, MANAGER_CHAIN, QUEUE");
        HasCount(errors, 4);
    }

    [Fact]
    public void Each_step_type_requires_its_own_properties()
    {
        var json = Sample();
        Step(json, "bigDeal").Remove("expression");
        Step(json, "managerApproval")["outcomes"]!.AsObject().Remove("rejected");
        Step(json, "directorApproval").Remove("approval");
        Step(json, "approve").Remove("next");
        Step(json, "reject")["fields"] = new JsonObject();
        Step(json, "followUp").Remove("object");
        Step(json, "recalledEnd")["next"] = "bigDeal";

        var errors = Errors(json);

        HasError(errors, "definition.steps[0].expression", "required for CONDITION steps");
        HasError(errors, "definition.steps[1].outcomes.rejected", "required");
        HasError(errors, "definition.steps[2].approval", "required for APPROVAL steps");
        HasError(errors, "definition.steps[3].next", "required for UPDATE_FIELDS steps");
        HasError(errors, "definition.steps[6].fields", "At least 1 entry is required");
        HasError(errors, "definition.steps[4].object", "required for CREATE_RECORD steps");
        HasError(errors, "definition.steps[9].next", "not allowed for END steps");

        // Without its 'next', the approve step no longer leads to the follow-up and its END (the semantic checks say so).
        HasError(errors, "definition.steps[4]", "Step 'followUp' can never be reached");
        HasError(errors, "definition.steps[5]", "Step 'approvedEnd' can never be reached");
        HasCount(errors, 9);
    }

    [Fact]
    public void Each_approver_type_requires_its_own_properties()
    {
        var json = Sample();
        Step(json, "managerApproval")["approval"]!["approvers"] = JsonNode.Parse("""
            [ { "type": "USER" }, { "type": "ROLE", "group": "financeQueue" }, { "type": "QUEUE" },
              { "type": "MANAGER_CHAIN", "levels": 11 }, { "type": "MANAGER_CHAIN", "levels": 1.5 }, { "type": "USER", "user": "alice" } ]
            """);

        var errors = Errors(json);

        const string approvers = "definition.steps[1].approval.approvers";
        HasError(errors, approvers + "[0].user", "required for USER approvers");
        HasError(errors, approvers + "[1].role", "required for ROLE approvers");
        HasError(errors, approvers + "[1].group", "Unknown property \"group\": not allowed for ROLE approvers");
        HasError(errors, approvers + "[2].group", "required for QUEUE approvers");
        HasError(errors, approvers + "[3].levels", "Must be at most 10");
        HasError(errors, approvers + "[4].levels", "Must be a whole number");
        HasError(errors, approvers + "[5].user", "A user id is a UUID");
        HasCount(errors, 7);
    }

    [Fact]
    public void Root_requirements_and_patterns_are_checked()
    {
        var json = Sample();
        json["apiName"] = "Discount-Approval";
        json["object"] = "opportunity";
        json.Remove("start");
        Step(json, "approve")["name"] = "9lives";

        var errors = Errors(json);

        HasError(errors, "definition.apiName", "\"Discount-Approval\" is not valid. An API name must start with a small letter");
        HasError(errors, "definition.object", "PascalCase");
        HasError(errors, "definition.start", "This property is required.");
        HasError(errors, "definition.steps[3].name", "A step name must start with a small letter");
    }

    [Fact]
    public void Errors_carry_the_line_and_column_of_the_document()
    {
        var json = "{\n  \"apiName\": \"x\",\n  \"object\": \"Opportunity\",\n  \"start\": \"done\",\n  \"colour\": 1,\n"
            + "  \"steps\": [ { \"name\": \"done\", \"type\": \"END\" } ]\n}";

        var error = Assert.Single(Errors(json));

        Assert.Equal("definition.colour", error.Field);
        Assert.Contains("(line 5, column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_100_steps_are_accepted()
    {
        var json = Sample();
        var steps = json["steps"]!.AsArray();
        for (var i = 0; steps.Count < 101; i++)
        {
            steps.Add(JsonNode.Parse($$"""{ "name": "extra{{i}}", "type": "END" }"""));
        }

        var errors = Errors(json);

        HasError(errors, "definition.steps", "At most 100 entries are allowed (got 101)");
    }

    [Fact]
    public void Lengths_are_capped()
    {
        var json = Sample();
        json["description"] = new string('d', 1001);
        Step(json, "bigDeal")["expression"] = "record.amount > " + new string('1', 4000);
        json["trigger"]!["condition"] = "";
        json["label"] = new string('l', 81);

        var errors = Errors(json);

        HasError(errors, "definition.description", "At most 1000 characters are allowed (got 1001)");
        HasError(errors, "definition.steps[0].expression", "At most 4000 characters");
        HasError(errors, "definition.trigger.condition", "Must not be empty");
        HasError(errors, "definition.label", "At most 80 characters");
    }

    [Fact]
    public void Values_of_the_wrong_json_type_are_reported_once()
    {
        var json = Sample();
        json["steps"]!.AsArray()[5] = "approvedEnd";
        Step(json, "managerApproval")["approval"] = "the manager";
        json["trigger"] = 42;

        var errors = Errors(json);

        HasError(errors, "definition.steps[5]", "Must be an object");
        HasError(errors, "definition.steps[1].approval", "Must be an object");
        HasError(errors, "definition.trigger", "Must be an object");
        HasCount(errors, 3);
    }
}
