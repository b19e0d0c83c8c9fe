using System.Text.Json.Nodes;
using static Paas.Workflows.Tests.Definitions.WorkflowTestData;

namespace Paas.Workflows.Tests.Definitions;

/// <summary>Definitions that fit the schema but not the step graph rules or the tenant's metadata.</summary>
public sealed class WorkflowSemanticErrorTests
{
    [Fact]
    public void Unknown_start_next_outcome_and_recall_steps_are_reported()
    {
        var json = Sample();
        json["start"] = "begin";
        json["onRecall"] = "undo";
        Step(json, "approve")["next"] = "celebrate";
        Step(json, "managerApproval")["outcomes"]!["rejected"] = "sulk";

        var errors = Errors(json);

        HasError(errors, "definition.start", "There is no step named 'begin'");
        HasError(errors, "definition.onRecall", "There is no step named 'undo'");
        HasError(errors, "definition.steps[3].next", "There is no step named 'celebrate'");
        HasError(errors, "definition.steps[1].outcomes.rejected", "There is no step named 'sulk'");
    }

    [Fact]
    public void Each_unreachable_step_is_reported()
    {
        var json = Sample();
        json.Remove("onRecall");
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "orphan", "type": "END", "result": "never" }"""));

        var errors = Errors(json);

        HasError(errors, "definition.steps[8]", "Step 'recall' can never be reached from the start step 'bigDeal'");
        HasError(errors, "definition.steps[9]", "Step 'recalledEnd' can never be reached");
        HasError(errors, "definition.steps[10]", "Step 'orphan' can never be reached");
        HasCount(errors, 3);
    }

    [Fact]
    public void Duplicate_step_names_are_reported()
    {
        var json = Sample();
        Step(json, "recalledEnd")["name"] = "approvedEnd";

        var errors = Errors(json);

        HasError(errors, "definition.steps[9].name", "Another step (steps[5]) is already named 'approvedEnd'");
    }

    [Fact]
    public void Steps_from_which_no_end_can_be_reached_are_reported()
    {
        var json = Sample();
        Step(json, "bigDeal")["outcomes"]!["false"] = "loopA";
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "loopA", "type": "UPDATE_FIELDS", "fields": { "discount": 1 }, "next": "loopB" }"""));
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "loopB", "type": "UPDATE_FIELDS", "fields": { "discount": 2 }, "next": "loopA" }"""));

        var errors = Errors(json);

        HasError(errors, "definition.steps[10]", "No END step can be reached from step 'loopA'");
        HasError(errors, "definition.steps[11]", "No END step can be reached from step 'loopB'");
        HasCount(errors, 2);
    }

    [Fact]
    public void A_workflow_without_an_end_step_is_reported()
    {
        var json = JsonNode.Parse("""
            { "apiName": "spin", "object": "Opportunity", "start": "a",
              "steps": [ { "name": "a", "type": "UPDATE_FIELDS", "fields": { "discount": 1 }, "next": "a" } ] }
            """)!;

        var error = Assert.Single(Errors(json));

        Assert.Equal("definition.steps", error.Field);
        Assert.Contains("no END step", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_outcome_is_reported_once()
    {
        var json = Sample();
        Step(json, "bigDeal")["outcomes"]!.AsObject().Remove("false");

        var errors = Errors(json);

        Assert.Single(errors, e => e.Field == "definition.steps[0].outcomes.false");
    }

    [Fact]
    public void Unknown_objects_are_reported()
    {
        var json = Sample();
        json["object"] = "Invoice";
        Step(json, "followUp")["object"] = "Reminder";

        var errors = Errors(json);

        HasError(errors, "definition.object", "There is no object 'Invoice'");
        HasError(errors, "definition.steps[4].object", "There is no object 'Reminder'");
        HasCount(errors, 2);
    }

    [Fact]
    public void Update_fields_must_exist_be_writable_and_take_the_value()
    {
        var json = Sample();
        Step(json, "approve")["fields"] = JsonNode.Parse("""
            { "colour": "red", "createdAt": "2026-01-01T00:00:00Z", "score": 3, "stage": "Maybe", "amount": "lots", "approved": "yes", "name": null }
            """);

        var errors = Errors(json);

        const string fields = "definition.steps[3].fields";
        HasError(errors, fields + ".colour", "has no field 'colour'");
        HasError(errors, fields + ".createdAt", "read-only");
        HasError(errors, fields + ".score", "read-only");
        HasError(errors, fields + ".stage", "'Maybe' is not one of the allowed values: Open, Negotiation, Won, Lost");
        HasError(errors, fields + ".amount", "'lots' is not a number");
        HasError(errors, fields + ".approved", "'yes' is not true or false");
        HasError(errors, fields + ".name", "A value is required");
        HasCount(errors, 7);
    }

    [Fact]
    public void Created_records_are_checked_against_their_object()
    {
        var json = Sample();
        Step(json, "followUp")["values"] = JsonNode.Parse("""
            { "account": "$record.id", "dueDate": "next week", "id": "6f9619ff-8b86-d011-b42d-00c04fc964ff", "priority": "high" }
            """);

        var errors = Errors(json);

        const string values = "definition.steps[4].values";
        HasError(errors, values + ".account", "can only be set on a lookup to Opportunity, and 'account' is a LOOKUP field pointing at Account");
        HasError(errors, values + ".dueDate", "not a date");
        HasError(errors, values + ".id", "read-only");
        HasError(errors, values + ".priority", "'Task' has no field 'priority'");
        HasError(errors, values + ".name", "A value is required");
        HasCount(errors, 5);
    }

    [Fact]
    public void The_record_id_token_fits_only_lookups_to_the_workflow_object()
    {
        var json = Sample();
        Step(json, "followUp")["values"]!["name"] = "$record.id";
        Step(json, "approve")["fields"]!["account"] = "$record.id";

        var errors = Errors(json);

        HasError(errors, "definition.steps[4].values.name", "'name' is a TEXT field");
        HasError(errors, "definition.steps[3].fields.account", "is not a record id");
        HasCount(errors, 2);
    }

    [Fact]
    public void Bad_expressions_are_reported_with_line_and_column()
    {
        var json = Sample();
        Step(json, "bigDeal")["expression"] = "record.amount >=\n  >= 10000";
        json["trigger"]!["condition"] = "record.discount > 20; record.amount";

        var errors = Errors(json);

        var condition = HasError(errors, "definition.steps[0].expression", "Not a valid expression");
        Assert.Contains("(line 2, column 3)", condition.Message, StringComparison.Ordinal);
        HasError(errors, "definition.trigger.condition", "(line 1, column");
        HasCount(errors, 2);
    }

    [Fact]
    public void Approvers_must_exist_in_the_tenant()
    {
        var json = Sample();
        Step(json, "managerApproval")["approval"]!["approvers"] = JsonNode.Parse($$"""
            [ { "type": "USER", "user": "{{Guid.Parse("11111111-2222-3333-4444-555555555555")}}" }, { "type": "USER", "user": "{{Carol}}" },
              { "type": "ROLE", "role": "ceo" }, { "type": "QUEUE", "group": "legalQueue" }, { "type": "USER", "user": "{{Bob}}" } ]
            """);

        var errors = Errors(json);

        const string approvers = "definition.steps[1].approval.approvers";
        HasError(errors, approvers + "[0].user", "There is no user with id 11111111-2222-3333-4444-555555555555");
        HasError(errors, approvers + "[1].user", "'Carol'");
        HasError(errors, approvers + "[1].user", "inactive");
        HasError(errors, approvers + "[2].role", "There is no role 'ceo'");
        HasError(errors, approvers + "[3].group", "There is no group 'legalQueue'");
        HasCount(errors, 4);
    }

    [Fact]
    public void Several_problems_are_all_listed_at_once()
    {
        var json = Sample();
        json["colour"] = "red";
        Step(json, "approve")["fields"]!["colour"] = "red";
        Step(json, "directorApproval")["approval"]!["approvers"]![0]!["role"] = "ceo";
        Step(json, "bigDeal")["expression"] = "record.amount >";
        Step(json, "reject")["next"] = "nowhere";
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "orphan", "type": "END" }"""));

        var errors = Errors(json);

        HasError(errors, "definition.colour", "Unknown property");
        HasError(errors, "definition.steps[3].fields.colour", "has no field");
        HasError(errors, "definition.steps[2].approval.approvers[0].role", "no role 'ceo'");
        HasError(errors, "definition.steps[0].expression", "Not a valid expression");
        HasError(errors, "definition.steps[6].next", "no step named 'nowhere'");
        HasError(errors, "definition.steps[7]", "Step 'rejectedEnd' can never be reached");
        HasError(errors, "definition.steps[10]", "Step 'orphan' can never be reached");
        HasCount(errors, 7);
    }

    [Fact]
    public void Wait_steps_and_escalations_are_checked()
    {
        var json = Sample();
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "pause", "type": "WAIT", "wait": { "untilField": "amount" }, "next": "followUp" }"""));
        Step(json, "approve")["next"] = "pause";
        Step(json, "managerApproval")["approval"]!["escalateAfterMinutes"] = 60;

        var errors = Errors(json);

        HasError(errors, "definition.steps[10].wait.untilField", "no DATE or DATETIME field 'amount'");
        HasError(errors, "definition.steps[1].approval.escalateTo", "'escalateAfterMinutes' needs 'escalateTo'");
        HasCount(errors, 2);
    }

    [Fact]
    public void A_valid_wait_and_escalation_pass()
    {
        var json = Sample();
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "pause", "type": "WAIT", "wait": { "minutes": 30 }, "next": "followUp" }"""));
        Step(json, "approve")["next"] = "pause";
        Step(json, "managerApproval")["approval"]!["escalateAfterMinutes"] = 60;
        Step(json, "managerApproval")["approval"]!["escalateTo"] = JsonNode.Parse("""{ "type": "ROLE", "role": "salesDirector" }""");

        var definition = Validator.Validate(json.ToJsonString(), Metadata);

        Assert.Equal(30, definition.Step("pause")!.Wait!.Minutes);
        Assert.Equal(60, definition.Step("managerApproval")!.Approval!.EscalateAfterMinutes);
    }

    [Fact]
    public void Notify_recipients_and_run_action_targets_are_checked()
    {
        var json = Sample();
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "tell", "type": "NOTIFY", "notify": { "to": [ { "type": "ROLE", "role": "nobody" } ], "message": "hi" }, "next": "act" }"""));
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "act", "type": "RUN_ACTION", "action": "missingAction", "next": "followUp" }"""));
        Step(json, "approve")["next"] = "tell";

        var errors = Errors(json);

        HasError(errors, "definition.steps[10].notify.to[0].role", "nobody");
        HasError(errors, "definition.steps[11].action", "There is no custom action 'missingAction'");
        HasCount(errors, 2);
    }

    [Fact]
    public void Parallel_steps_need_a_join_step_of_their_own()
    {
        var json = Sample();
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "split", "type": "PARALLEL", "branches": [ "followUp", "followUp" ], "join": "approvedEnd" }"""));
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "lonelyJoin", "type": "JOIN", "next": "approvedEnd" }"""));
        Step(json, "approve")["next"] = "split";
        Step(json, "followUp")["next"] = "lonelyJoin";

        var errors = Errors(json);

        HasError(errors, "definition.steps[10].join", "'approvedEnd' is not a JOIN step");
        HasError(errors, "definition.steps[10].branches", "Each branch starts at a different step");
        HasError(errors, "definition.steps[11]", "No PARALLEL step joins at 'lonelyJoin'");
    }
}
