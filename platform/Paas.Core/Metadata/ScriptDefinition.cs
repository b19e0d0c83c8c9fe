namespace Paas.Core.Metadata;

public enum ScriptKind
{
    /// <summary>Runs before or after records of an object are created, updated or deleted; sees the whole batch.</summary>
    Trigger,

    /// <summary>An error condition (an expression over <c>record</c>, <c>old</c> and <c>user</c>) with a message and a field.</summary>
    ValidationRule,

    /// <summary>A GraphQL mutation on an object with typed input and output.</summary>
    Action,

    /// <summary>Runs on a cron schedule.</summary>
    Scheduled,
}

public enum TriggerTiming
{
    Before,
    After,
}

public enum TriggerEvent
{
    Create,
    Update,
    Delete,
}

/// <summary>Whose permissions a script's <c>db.*</c> calls use.</summary>
public enum ScriptRunAs
{
    /// <summary>The user whose request ran the script (for scheduled scripts: the user who last deployed it).</summary>
    User,

    /// <summary>No object, field or record checks: for platform logic such as roll-ups or numbering.</summary>
    System,
}

/// <summary>One typed input or output value of a custom action.</summary>
public sealed record ActionParameter
{
    public required string Name { get; init; }
    public required FieldType Type { get; init; }
    public bool Required { get; init; }
    public string? Description { get; init; }
}

/// <summary>
/// A deployed tenant script. Every deploy of new code or settings makes a new <see cref="Version"/>; the versions are kept
/// (see the script store) so an admin can see and restore what ran before.
/// </summary>
public sealed record ScriptDefinition
{
    public required string ApiName { get; init; }
    public required ScriptKind Kind { get; init; }

    /// <summary>The object a trigger, validation rule or action belongs to; null for scheduled scripts.</summary>
    public string? Object { get; init; }

    public string? Description { get; init; }

    /// <summary>JavaScript: a function body for triggers, actions and scheduled scripts; an expression for validation rules.</summary>
    public required string Code { get; init; }

    public bool Active { get; init; } = true;

    public int Version { get; init; } = 1;

    public ScriptRunAs RunAs { get; init; } = ScriptRunAs.User;

    /// <summary>Triggers and validation rules of one object run in this order, then by API name.</summary>
    public int Order { get; init; }

    public TriggerTiming? Timing { get; init; }

    public IReadOnlyList<TriggerEvent> Events { get; init; } = [];

    /// <summary>Validation rules: the field an error is reported on (null: the record as a whole).</summary>
    public string? ErrorField { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Actions: whether the action runs on one record (an <c>id</c> argument; <c>ctx.record</c>).</summary>
    public bool OnRecord { get; init; }

    public IReadOnlyList<ActionParameter> Input { get; init; } = [];

    public IReadOnlyList<ActionParameter> Output { get; init; } = [];

    /// <summary>Scheduled scripts: a cron expression (five fields, or six with seconds), evaluated in UTC.</summary>
    public string? Cron { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public Guid? UpdatedBy { get; init; }

    /// <summary>Names one immutable version of the code, for the sandbox's prepared-script cache.</summary>
    public string CacheKey(string tenant) => $"{tenant}/{ApiName}/{Version}/{UpdatedAt.UtcTicks}";

    public bool Handles(TriggerTiming timing, TriggerEvent e) =>
        Active && Kind == ScriptKind.Trigger && Timing == timing && Events.Contains(e);
}
