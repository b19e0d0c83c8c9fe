using Paas.Core.Errors;

namespace Paas.Core.Tenancy;

/// <summary>
/// Bounds on one API request. The platform's defaults come from configuration (<c>Paas:Limits</c>); the operator can
/// set a tenant's own values (lower, or higher up to the hard caps here).
/// </summary>
public sealed record RequestLimits
{
    public const int HardMaxDepth = 50;
    public const int HardMaxComplexity = 10_000_000;
    public const int HardMaxFields = 20_000;
    public const int HardMaxPageSize = 500;
    public const int HardMaxTimeoutSeconds = 600;

    /// <summary>Deepest selection nesting.</summary>
    public int MaxDepth { get; init; } = 15;

    /// <summary>Cost budget: each field costs 1, multiplied by the page sizes of the lists around it.</summary>
    public int MaxComplexity { get; init; } = 250_000;

    /// <summary>Most field selections (aliases included) in one document.</summary>
    public int MaxFields { get; init; } = 1_000;

    /// <summary>Largest page of a list.</summary>
    public int MaxPageSize { get; init; } = HardMaxPageSize;

    /// <summary>Seconds after which the request is cancelled, its SQL included.</summary>
    public int RequestTimeoutSeconds { get; init; } = 30;

    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(RequestTimeoutSeconds);

    public RequestLimits Validate()
    {
        var errors = new FieldErrorList();
        Check(errors, "maxDepth", MaxDepth, 2, HardMaxDepth);
        Check(errors, "maxComplexity", MaxComplexity, 10, HardMaxComplexity);
        Check(errors, "maxFields", MaxFields, 10, HardMaxFields);
        Check(errors, "maxPageSize", MaxPageSize, 1, HardMaxPageSize);
        Check(errors, "requestTimeoutSeconds", RequestTimeoutSeconds, 1, HardMaxTimeoutSeconds);
        errors.ThrowIfAny();
        return this;
    }

    private static void Check(FieldErrorList errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(name, $"Must be between {min} and {max}.");
        }
    }
}
