using System.Text.Json.Nodes;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Scripting;
using Paas.Workflows.Definitions;

namespace Paas.Workflows.Tests.Definitions;

/// <summary>An in-memory tenant (Account, Opportunity, Task, users, roles, a group) and a valid sample workflow.</summary>
internal static class WorkflowTestData
{
    public static readonly Guid Alice = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    public static readonly Guid Bob = Guid.Parse("0e984725-c51c-4bf4-9960-e1c80e27aba0");
    public static readonly Guid Carol = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");

    public static TenantMetadata Metadata { get; } = CreateMetadata();

    public static WorkflowValidator Validator { get; } = new(new JintScriptRunner());

    public static FieldDefinition Field(string apiName, FieldType type, Func<FieldDefinition, FieldDefinition>? configure = null)
    {
        var field = new FieldDefinition { ApiName = apiName, Label = apiName, Type = type, Column = apiName };
        return configure is null ? field : configure(field);
    }

    public static ObjectDefinition Object(string apiName, params FieldDefinition[] fields) => new()
    {
        ApiName = apiName,
        Label = apiName,
        PluralLabel = apiName + "s",
        PluralApiName = ApiNames.Pluralize(ApiNames.ToCamelCase(apiName)),
        Table = "o_" + apiName.ToLowerInvariant(),
        Fields = [.. SystemFields.Create(NameType.Text, null), .. fields],
    };

    /// <summary>
    /// Discount approval on Opportunity: a condition on the amount, the manager then the sales directors (unanimous),
    /// fields set on approval and on rejection, a follow-up Task, and a recall branch.
    /// </summary>
    public static JsonObject Sample() => (JsonObject)JsonNode.Parse("""
        {
          "apiName": "discountApproval",
          "label": "Discount approval",
          "object": "Opportunity",
          "description": "Big discounts need the manager and then the sales directors.",
          "trigger": { "type": "MANUAL", "condition": "record.discount > 20" },
          "start": "bigDeal",
          "steps": [
            { "name": "bigDeal", "type": "CONDITION", "expression": "record.amount >= 10000",
              "outcomes": { "true": "managerApproval", "false": "approve" } },
            { "name": "managerApproval", "type": "APPROVAL",
              "approval": { "approvers": [ { "type": "MANAGER" } ], "mode": "FIRST_RESPONSE" },
              "outcomes": { "approved": "directorApproval", "rejected": "reject" } },
            { "name": "directorApproval", "type": "APPROVAL",
              "approval": { "approvers": [ { "type": "ROLE", "role": "salesDirector" } ], "mode": "UNANIMOUS", "lockRecord": false },
              "outcomes": { "approved": "approve", "rejected": "reject" } },
            { "name": "approve", "type": "UPDATE_FIELDS", "fields": { "approved": true, "stage": "Negotiation" }, "next": "followUp" },
            { "name": "followUp", "type": "CREATE_RECORD", "object": "Task",
              "values": { "name": "Send the signed quote", "opportunity": "$record.id", "dueDate": "2026-01-31" }, "next": "approvedEnd" },
            { "name": "approvedEnd", "type": "END", "result": "approved" },
            { "name": "reject", "type": "UPDATE_FIELDS", "fields": { "approved": false, "discount": 0 }, "next": "rejectedEnd" },
            { "name": "rejectedEnd", "type": "END", "result": "rejected" },
            { "name": "recall", "type": "UPDATE_FIELDS", "fields": { "stage": "Open" }, "next": "recalledEnd" },
            { "name": "recalledEnd", "type": "END" }
          ],
          "onRecall": "recall"
        }
        """)!;

    /// <summary>The sample's step with this name.</summary>
    public static JsonObject Step(JsonObject definition, string name) =>
        definition["steps"]!.AsArray().OfType<JsonObject>().Single(s => (string?)s["name"] == name);

    /// <summary>The field errors of a definition that must not validate.</summary>
    public static IReadOnlyList<FieldError> Errors(string json)
    {
        var ex = Assert.Throws<PaasException>(() => Validator.Validate(json, Metadata));
        Assert.Equal(ErrorCodes.ValidationFailed, ex.Code);
        Assert.NotEmpty(ex.FieldErrors);
        return ex.FieldErrors;
    }

    public static IReadOnlyList<FieldError> Errors(JsonNode definition) => Errors(definition.ToJsonString());

    /// <summary>Asserts an error at exactly this path whose message contains the text, and returns it.</summary>
    public static FieldError HasError(IReadOnlyList<FieldError> errors, string path, string text)
    {
        var match = errors.FirstOrDefault(e => e.Field == path && e.Message.Contains(text, StringComparison.OrdinalIgnoreCase));
        Assert.True(match is not null,
            $"Expected an error at '{path}' containing '{text}'; got:\n{string.Join("\n", errors.Select(e => $"  {e.Field}: {e.Message}"))}");
        return match!;
    }

    /// <summary>Asserts how many errors there are, listing them when the count is wrong.</summary>
    public static void HasCount(IReadOnlyList<FieldError> errors, int count) =>
        Assert.True(errors.Count == count, $"Expected {count} errors; got {errors.Count}:\n{string.Join("\n", errors.Select(e => $"  {e.Field}: {e.Message}"))}");

    private static TenantMetadata CreateMetadata()
    {
        var account = Object("Account", Field("industry", FieldType.Text));
        var opportunity = Object("Opportunity",
            Field("amount", FieldType.Currency, f => f with { Precision = 18, Scale = 2 }),
            Field("stage", FieldType.Picklist, f => f with { Values = ["Open", "Negotiation", "Won", "Lost"] }),
            Field("discount", FieldType.Percent),
            Field("approved", FieldType.Boolean),
            Field("account", FieldType.Lookup, f => f with { Target = "Account" }),
            Field("score", FieldType.Formula, f => f with { Formula = "amount * 2", ReturnType = FieldType.Number }));
        var task = Object("Task",
            Field("opportunity", FieldType.Lookup, f => f with { Target = "Opportunity" }),
            Field("account", FieldType.Lookup, f => f with { Target = "Account" }),
            Field("dueDate", FieldType.Date));
        var security = new SecurityModel(
            roles: [new RoleDefinition { ApiName = "salesDirector", Label = "Sales director" }, new RoleDefinition { ApiName = "salesRep", Label = "Sales rep", Parent = "salesDirector" }],
            groups: [new GroupDefinition { ApiName = "financeQueue", Label = "Finance" }],
            permissionSets: [],
            sharingRules: [],
            users:
            [
                new UserInfo { Id = Alice, Name = "Alice", Email = "alice@example.com", Role = "salesDirector", Profile = "standard" },
                new UserInfo { Id = Bob, Name = "Bob", Email = "bob@example.com", Role = "salesRep", Profile = "standard", Manager = Alice },
                new UserInfo { Id = Carol, Name = "Carol", Email = "carol@example.com", Profile = "standard", IsActive = false },
            ]);
        return new TenantMetadata(1, [account, opportunity, task], security);
    }
}
