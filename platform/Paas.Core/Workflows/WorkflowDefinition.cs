using System.Text.Json;

namespace Paas.Core.Workflows;

/// <summary>What starts an instance of a workflow.</summary>
public enum WorkflowTriggerType
{
    /// <summary>A user submits a record (<c>submitForApproval</c>).</summary>
    Manual,
    RecordCreated,
    RecordUpdated,

    /// <summary>A cron schedule: each occurrence starts an instance on every record that matches the trigger's filter and condition.</summary>
    Schedule,
}

public enum WorkflowStepType
{
    /// <summary>A JavaScript expression over <c>record</c>; continues with outcome <c>true</c> or <c>false</c>.</summary>
    Condition,

    /// <summary>Asks approvers; continues with outcome <c>approved</c> or <c>rejected</c>.</summary>
    Approval,

    /// <summary>Sets fields of the record.</summary>
    UpdateFields,

    /// <summary>Creates a record of another (or the same) object.</summary>
    CreateRecord,

    /// <summary>Ends the instance with the step's <see cref="WorkflowStep.Result"/>.</summary>
    End,

    /// <summary>Waits until a date or time of the record, or for a duration, then continues with <c>next</c>.</summary>
    Wait,

    /// <summary>Sends an in-app notification to users and/or an outbound webhook (<see cref="WorkflowStep.Notify"/>).</summary>
    Notify,

    /// <summary>Runs a deployed custom action of the object on the record (<see cref="WorkflowStep.Action"/>).</summary>
    RunAction,

    /// <summary>Starts every step of <see cref="WorkflowStep.Branches"/> at once; they meet again at <see cref="WorkflowStep.Join"/>.</summary>
    Parallel,

    /// <summary>Waits until every branch of its PARALLEL step has arrived, then continues with <c>next</c>.</summary>
    Join,
}

/// <summary>Who a NOTIFY step tells, and what: users in the app (<see cref="To"/>, <see cref="Message"/>), an outbound webhook, or both.</summary>
public sealed record NotifySettings
{
    public IReadOnlyList<ApproverSpec> To { get; init; } = [];

    /// <summary>The in-app notification's text (required with <see cref="To"/>).</summary>
    public string? Message { get; init; }

    public WebhookSettings? Webhook { get; init; }
}

/// <summary>An outbound webhook of a NOTIFY step: a signed JSON POST to <see cref="Url"/> with the record's <see cref="Fields"/>.</summary>
public sealed record WebhookSettings
{
    /// <summary>An absolute https URL (http only to hosts the operator allows).</summary>
    public required string Url { get; init; }

    /// <summary>The record's fields sent in the body (the id is always sent).</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];
}

/// <summary>How long a WAIT step waits: until the record's <see cref="UntilField"/> (plus <see cref="Minutes"/>), or <see cref="Minutes"/> from now.</summary>
public sealed record WaitSettings
{
    /// <summary>A DATE (midnight UTC) or DATETIME field of the record; empty: no wait.</summary>
    public string? UntilField { get; init; }

    public int? Minutes { get; init; }
}

public enum ApproverType
{
    /// <summary>One user, by id.</summary>
    User,

    /// <summary>Every active user with the role.</summary>
    Role,

    /// <summary>The submitter's manager.</summary>
    Manager,

    /// <summary>The submitter's managers up <see cref="ApproverSpec.Levels"/> levels, each a step of the chain in turn.</summary>
    ManagerChain,

    /// <summary>The members of a group (a queue): any of them may act.</summary>
    Queue,
}

public enum ApprovalMode
{
    /// <summary>The first approval or rejection decides.</summary>
    FirstResponse,

    /// <summary>Every approver must approve; one rejection rejects.</summary>
    Unanimous,

    /// <summary>More than half must approve; rejected as soon as that can no longer happen.</summary>
    Majority,
}

/// <summary>Who is asked at an approval step.</summary>
public sealed record ApproverSpec
{
    public required ApproverType Type { get; init; }
    public Guid? User { get; init; }
    public string? Role { get; init; }
    public string? Group { get; init; }
    public int? Levels { get; init; }
}

public sealed record ApprovalSettings
{
    public IReadOnlyList<ApproverSpec> Approvers { get; init; } = [];
    public ApprovalMode Mode { get; init; } = ApprovalMode.FirstResponse;

    /// <summary>While the step waits, the record cannot be edited except by its approvers and admins.</summary>
    public bool LockRecord { get; init; } = true;

    /// <summary>After this many minutes without a decision, the pending approvers get a reminder notification.</summary>
    public int? RemindAfterMinutes { get; init; }

    /// <summary>After this many minutes without a decision, the pending requests go to <see cref="EscalateTo"/>.</summary>
    public int? EscalateAfterMinutes { get; init; }

    public ApproverSpec? EscalateTo { get; init; }
}

/// <summary>One step of a workflow graph.</summary>
public sealed record WorkflowStep
{
    public required string Name { get; init; }
    public required WorkflowStepType Type { get; init; }

    /// <summary>The step after this one (all types but Condition, Approval and End).</summary>
    public string? Next { get; init; }

    /// <summary>Condition: <c>true</c>/<c>false</c>; Approval: <c>approved</c>/<c>rejected</c> → the next step's name.</summary>
    public IReadOnlyDictionary<string, string> Outcomes { get; init; } = new Dictionary<string, string>();

    /// <summary>Condition: a JavaScript expression over <c>record</c> (and <c>submitter</c>).</summary>
    public string? Expression { get; init; }

    public ApprovalSettings? Approval { get; init; }

    /// <summary>UpdateFields: the values to set (API name → value, as in the data API's input).</summary>
    public IReadOnlyDictionary<string, JsonElement> Fields { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>CreateRecord: the object and its values; <c>"$record.id"</c> as a value is the workflow record's id.</summary>
    public string? Object { get; init; }

    public IReadOnlyDictionary<string, JsonElement> Values { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>End: the instance's result, e.g. <c>approved</c> or <c>rejected</c>.</summary>
    public string? Result { get; init; }

    public WaitSettings? Wait { get; init; }

    public NotifySettings? Notify { get; init; }

    /// <summary>RunAction: the API name of an ACTION script of the workflow's object, and its input.</summary>
    public string? Action { get; init; }

    public IReadOnlyDictionary<string, JsonElement> Input { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Parallel: the first step of each branch (2 to 10).</summary>
    public IReadOnlyList<string> Branches { get; init; } = [];

    /// <summary>Parallel: the JOIN step where the branches meet.</summary>
    public string? Join { get; init; }
}

public sealed record WorkflowTrigger
{
    public WorkflowTriggerType Type { get; init; } = WorkflowTriggerType.Manual;

    /// <summary>A JavaScript expression over <c>record</c> that must hold for the workflow to start (optional).</summary>
    public string? Condition { get; init; }

    /// <summary>Schedule: when it runs, a cron expression (five fields, or six with seconds first) read in <see cref="TimeZone"/>.</summary>
    public string? Cron { get; init; }

    /// <summary>Schedule: the time zone of <see cref="Cron"/> (an IANA id such as <c>Europe/Paris</c>); default UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Schedule: which records of the object get an instance, in the data API's filter syntax (default: every record).</summary>
    public JsonElement? Filter { get; init; }
}

/// <summary>A versioned workflow: a graph of steps run on one record of <see cref="Object"/>.</summary>
public sealed record WorkflowDefinition
{
    public required string ApiName { get; init; }
    public string? Label { get; init; }
    public required string Object { get; init; }
    public string? Description { get; init; }
    public WorkflowTrigger Trigger { get; init; } = new();
    public required string Start { get; init; }
    public IReadOnlyList<WorkflowStep> Steps { get; init; } = [];

    /// <summary>What happens when the submitter recalls a pending instance (steps run after it is recalled), optional.</summary>
    public string? OnRecall { get; init; }

    public WorkflowStep? Step(string name) => Steps.FirstOrDefault(s => s.Name == name);
}
