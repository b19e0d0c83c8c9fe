using System.Text.Json;
using System.Text.Json.Nodes;
using Paas.Core.Workflows;
using Paas.Workflows.Definitions;
using static Paas.Workflows.Tests.Definitions.WorkflowTestData;

namespace Paas.Workflows.Tests.Definitions;

public sealed class WorkflowRoundTripTests
{
    private static readonly IReadOnlyList<WorkflowStep> NoSteps = [];
    private static readonly IReadOnlyDictionary<string, string> NoOutcomes = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, JsonElement> NoValues = new Dictionary<string, JsonElement>();

    [Fact]
    public void A_valid_definition_is_parsed_into_the_model()
    {
        var definition = Validator.Validate(Sample().ToJsonString(), Metadata);

        Assert.Equal("discountApproval", definition.ApiName);
        Assert.Equal("Opportunity", definition.Object);
        Assert.Equal(WorkflowTriggerType.Manual, definition.Trigger.Type);
        Assert.Equal("recall", definition.OnRecall);
        Assert.Equal(10, definition.Steps.Count);

        var manager = definition.Step("managerApproval")!;
        Assert.Equal(WorkflowStepType.Approval, manager.Type);
        Assert.Equal(ApproverType.Manager, Assert.Single(manager.Approval!.Approvers).Type);
        Assert.Equal(ApprovalMode.FirstResponse, manager.Approval.Mode);
        Assert.True(manager.Approval.LockRecord);
        Assert.Equal("directorApproval", manager.Outcomes["approved"]);

        var director = definition.Step("directorApproval")!;
        Assert.Equal(ApprovalMode.Unanimous, director.Approval!.Mode);
        Assert.False(director.Approval.LockRecord);
        var role = Assert.Single(director.Approval.Approvers);
        Assert.Equal((ApproverType.Role, "salesDirector"), (role.Type, role.Role));

        var approve = definition.Step("approve")!;
        Assert.Equal(WorkflowStepType.UpdateFields, approve.Type);
        Assert.True(approve.Fields["approved"].GetBoolean());
        Assert.Equal("Negotiation", approve.Fields["stage"].GetString());

        var followUp = definition.Step("followUp")!;
        Assert.Equal(("Task", "approvedEnd"), (followUp.Object, followUp.Next));
        Assert.Equal("$record.id", followUp.Values["opportunity"].GetString());
        Assert.Equal("rejected", definition.Step("rejectedEnd")!.Result);
    }

    [Fact]
    public void Validate_then_serialize_then_validate_gives_an_equal_model()
    {
        var first = Validator.Validate(Sample().ToJsonString(), Metadata);
        var written = WorkflowJson.Serialize(first);
        var second = Validator.Validate(written, Metadata);

        AssertEqual(first, second);
        Assert.Equal(written, WorkflowJson.Serialize(second));
    }

    [Fact]
    public void Serialize_writes_camel_case_upper_snake_enums_and_leaves_out_nulls_and_empty_maps()
    {
        var written = JsonNode.Parse(WorkflowJson.Serialize(Validator.Validate(Sample().ToJsonString(), Metadata)))!;

        var approve = Step(written.AsObject(), "approve");
        Assert.Equal("UPDATE_FIELDS", (string?)approve["type"]);
        Assert.Null(approve["outcomes"]);
        Assert.Null(approve["values"]);
        Assert.Null(approve["expression"]);
        Assert.Equal("FIRST_RESPONSE", (string?)Step(written.AsObject(), "managerApproval")["approval"]!["mode"]);
        Assert.Equal("MANUAL", (string?)written["trigger"]!["type"]);
        var end = Step(written.AsObject(), "recalledEnd");
        Assert.Equal(["name", "type"], end.Select(p => p.Key));
    }

    [Fact]
    public void One_validator_can_be_used_from_many_threads()
    {
        var valid = Sample().ToJsonString();
        var invalid = Sample();
        Step(invalid, "approve")["fields"]!["colour"] = "red";

        Parallel.For(0, 64, i =>
        {
            if (i % 2 == 0)
            {
                Assert.Equal(10, Validator.Validate(valid, Metadata).Steps.Count);
            }
            else
            {
                HasError(Errors(invalid), "definition.steps[3].fields.colour", "has no field");
            }
        });
    }

    [Fact]
    public void Deserialize_refuses_numbers_for_enums()
    {
        var json = Sample();
        json["trigger"]!["type"] = 0;

        Assert.Throws<JsonException>(() => WorkflowJson.Deserialize(json.ToJsonString()));
    }

    [Fact]
    public void Other_approver_types_and_a_rework_loop_are_valid()
    {
        var json = Sample();
        Step(json, "managerApproval")["approval"]!["approvers"] = JsonNode.Parse("""
            [ { "type": "USER", "user": "6f9619ff-8b86-d011-b42d-00c04fc964ff" }, { "type": "QUEUE", "group": "financeQueue" },
              { "type": "MANAGER_CHAIN", "levels": 3 } ]
            """);
        Step(json, "managerApproval")["approval"]!["mode"] = "MAJORITY";

        // Rejected by the directors: the record is reworked and goes back to the manager (a loop that can still end).
        Step(json, "directorApproval")["outcomes"]!["rejected"] = "rework";
        json["steps"]!.AsArray().Add(JsonNode.Parse("""{ "name": "rework", "type": "UPDATE_FIELDS", "fields": { "discount": 15 }, "next": "managerApproval" }"""));

        var definition = Validator.Validate(json.ToJsonString(), Metadata);

        var approvers = definition.Step("managerApproval")!.Approval!.Approvers;
        Assert.Equal([ApproverType.User, ApproverType.Queue, ApproverType.ManagerChain], approvers.Select(a => a.Type));
        Assert.Equal(Alice, approvers[0].User);
        Assert.Equal(3, approvers[2].Levels);
    }

    private static void AssertEqual(WorkflowDefinition expected, WorkflowDefinition actual)
    {
        Assert.Equal(expected with { Steps = NoSteps, Trigger = new() }, actual with { Steps = NoSteps, Trigger = new() });
        Assert.Equal(expected.Trigger, actual.Trigger);
        Assert.Equal(expected.Steps.Count, actual.Steps.Count);
        foreach (var (e, a) in expected.Steps.Zip(actual.Steps))
        {
            Assert.Equal(e with { Outcomes = NoOutcomes, Fields = NoValues, Values = NoValues, Input = NoValues, Approval = null },
                a with { Outcomes = NoOutcomes, Fields = NoValues, Values = NoValues, Input = NoValues, Approval = null });
            AssertSameValues(e.Input, a.Input);
            Assert.Equal(e.Outcomes.OrderBy(o => o.Key), a.Outcomes.OrderBy(o => o.Key));
            AssertSameValues(e.Fields, a.Fields);
            AssertSameValues(e.Values, a.Values);
            Assert.Equal(e.Approval is null, a.Approval is null);
            if (e.Approval is not null)
            {
                Assert.Equal((e.Approval.Mode, e.Approval.LockRecord), (a.Approval!.Mode, a.Approval.LockRecord));
                Assert.Equal(e.Approval.Approvers, a.Approval.Approvers);
            }
        }
    }

    private static void AssertSameValues(IReadOnlyDictionary<string, JsonElement> expected, IReadOnlyDictionary<string, JsonElement> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, e => Assert.True(JsonElement.DeepEquals(e.Value, actual[e.Key]), $"The value of '{e.Key}' changed."));
    }
}
