namespace Paas.Core.Errors;

/// <summary>One bad input value: the path of the field (e.g. <c>amount</c> or <c>inputs[2].email</c>) and why.</summary>
public sealed record FieldError(string Field, string Message)
{
    public FieldError WithPrefix(string prefix) => this with { Field = $"{prefix}.{Field}" };
}
