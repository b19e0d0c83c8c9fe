using System.Text.Json;

namespace Paas.Core.Workflows;

public enum StageGateType
{
    /// <summary>The listed fields must have values.</summary>
    RequiredFields,

    /// <summary>A JavaScript expression over <c>record</c> must be true.</summary>
    Condition,

    /// <summary>The record must have been approved by the approval process <see cref="StageGate.Process"/>.</summary>
    Approval,
}

/// <summary>A condition for leaving a stage forward.</summary>
public sealed record StageGate
{
    public required StageGateType Type { get; init; }
    public IReadOnlyList<string> Fields { get; init; } = [];
    public string? Expression { get; init; }
    public string? Process { get; init; }

    /// <summary>What the user is told when the gate is not met (a default is derived from the gate).</summary>
    public string? Message { get; init; }
}

/// <summary>A record created when a record enters the stage; <c>"$record.id"</c> as a value is that record's id.</summary>
public sealed record StageTask
{
    public required string Object { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Values { get; init; } = new Dictionary<string, JsonElement>();
}

public sealed record StageDefinition
{
    /// <summary>The picklist value of the stage.</summary>
    public required string Value { get; init; }

    /// <summary>Gates to leave the stage forward.</summary>
    public IReadOnlyList<StageGate> Gates { get; init; } = [];

    /// <summary>Whether a record may move from this stage back to an earlier one.</summary>
    public bool AllowBack { get; init; } = true;

    /// <summary>Whether a record may move from this stage past the next one (the gates of this stage still apply).</summary>
    public bool AllowSkip { get; init; }

    public IReadOnlyList<StageTask> Tasks { get; init; } = [];
}

/// <summary>
/// A stage process: the ordered stages of one picklist field of an object (e.g. <c>Opportunity.stage</c>), with gates to
/// leave each stage, the transitions allowed and tasks created on entry. Enforced on every write of the field.
/// </summary>
public sealed record StageProcessDefinition
{
    public required string Object { get; init; }
    public required string Field { get; init; }
    public IReadOnlyList<StageDefinition> Stages { get; init; } = [];

    public int IndexOf(string? value) => value is null ? -1 : Stages.ToList().FindIndex(s => s.Value == value);
}
