using Paas.Core.Tenancy;

namespace Paas.Data.Metadata;

/// <summary>
/// Who is changing metadata and through which operation, for the audit entry that every metadata change writes in its
/// own transaction. The metadata API sets it around each mutation; platform work (provisioning, bootstrap) leaves it
/// empty and is not audited.
/// </summary>
public static class MetadataAudit
{
    private static readonly AsyncLocal<Scope?> Current = new();

    public sealed record Scope(Caller Caller, string Action, object? Details);

    internal static Scope? Active => Current.Value;

    /// <summary>Marks the changes made until the returned handle is disposed as <paramref name="action"/> by <paramref name="caller"/>.</summary>
    public static IDisposable Begin(Caller caller, string action, object? details)
    {
        var previous = Current.Value;
        Current.Value = new Scope(caller, action, details);
        return new Handle(previous);
    }

    private sealed class Handle(Scope? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
