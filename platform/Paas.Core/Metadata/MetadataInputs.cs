namespace Paas.Core.Metadata;

/// <summary>What an admin sends to create or change an object. Null means "not given".</summary>
public sealed record ObjectInput
{
    public string? ApiName { get; init; }
    public string? Label { get; init; }
    public string? PluralLabel { get; init; }
    public string? PluralApiName { get; init; }
    public string? Description { get; init; }
    public NameType? NameType { get; init; }
    public string? NameFormat { get; init; }
}

/// <summary>What an admin sends to create or change a field. Null means "not given" (keep the current value on update).</summary>
public sealed record FieldInput
{
    public string? Object { get; init; }
    public string? ApiName { get; init; }
    public string? Label { get; init; }
    public FieldType? Type { get; init; }
    public bool? Required { get; init; }
    public bool? Unique { get; init; }
    public bool? Indexed { get; init; }
    public string? DefaultValue { get; init; }
    public bool ClearDefaultValue { get; init; }
    public int? MaxLength { get; init; }
    public int? Precision { get; init; }
    public int? Scale { get; init; }
    public IReadOnlyList<string>? Values { get; init; }
    public string? Target { get; init; }
    public bool? CascadeDelete { get; init; }
    public string? HelpText { get; init; }
    public bool? Secured { get; init; }
    public bool? TrackHistory { get; init; }
    public string? DisplayFormat { get; init; }
    public long? StartingNumber { get; init; }

    /// <summary>FORMULA: the expression; with <see cref="ReturnType"/> (and <see cref="Scale"/> for decimals).</summary>
    public string? Formula { get; init; }
    public FieldType? ReturnType { get; init; }

    /// <summary>ROLLUP: what is aggregated.</summary>
    public RollupDefinition? Rollup { get; init; }
}

public sealed record IndexInput
{
    public string? Object { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<IndexColumn>? Fields { get; init; }
    public bool Unique { get; init; }
}

/// <summary>What an admin sends to deploy a script. Null means "not given" (keep the deployed value on a redeploy).</summary>
public sealed record ScriptInput
{
    public string? ApiName { get; init; }
    public ScriptKind? Kind { get; init; }
    public string? Object { get; init; }
    public string? Description { get; init; }
    public string? Code { get; init; }
    public bool? Active { get; init; }
    public ScriptRunAs? RunAs { get; init; }
    public int? Order { get; init; }
    public TriggerTiming? Timing { get; init; }
    public IReadOnlyList<TriggerEvent>? Events { get; init; }
    public string? ErrorField { get; init; }
    public string? ErrorMessage { get; init; }
    public bool? OnRecord { get; init; }
    public IReadOnlyList<ActionParameter>? Input { get; init; }
    public IReadOnlyList<ActionParameter>? Output { get; init; }
    public string? Cron { get; init; }
}
