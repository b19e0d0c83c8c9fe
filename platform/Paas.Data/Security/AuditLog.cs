using System.Text.Json;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Security;

/// <summary>One audit entry: who (user and credential), when, what (action and target, with details) and from where.</summary>
public sealed record AuditEntry(Guid Id, DateTimeOffset At, Guid? Actor, string? Credential, string Action, string? Target, string? Details, string? Address);

/// <summary>
/// The tenant's audit log, in the tenant's own storage: metadata and security changes are written in the same
/// transaction as the change itself, so the log never misses or invents one.
/// </summary>
public static class AuditLog
{
    public static async Task WriteAsync(TenantSession session, Caller? caller, string action, string? target, object? details, DateTimeOffset at, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var values = string.Join(", ",
            statement.Parameter(SecurityStore.IdColumn, Guid.CreateVersion7(at)),
            statement.Parameter(SecurityStore.TimeColumn, Core.Records.FieldValueCoercer.TruncateToMicroseconds(at)),
            statement.Parameter(SecurityStore.IdColumn, caller?.UserId is { } user && user != Guid.Empty ? user : null),
            statement.Parameter(null, Truncate(caller?.Credential ?? caller?.CredentialName, 120)),
            statement.Parameter(null, Truncate(action, 60)),
            statement.Parameter(null, Truncate(target, 200)),
            statement.Parameter(null, details is null ? null : Truncate(JsonSerializer.Serialize(details, MetadataJson.Options), 8000)),
            statement.Parameter(null, Truncate(caller?.Address, 64)));
        statement.Append($"INSERT INTO {session.Table(SecurityStore.AuditTable)} ({d.Quote("id")}, {d.Quote("at")}, {d.Quote("actor")}, {d.Quote("credential")}, " +
                         $"{d.Quote("action")}, {d.Quote("target")}, {d.Quote("details")}, {d.Quote("address")}) VALUES ({values})");
        await session.ExecuteAsync(statement, ct);
    }

    /// <summary>Newest first; <paramref name="before"/> is the id of the last entry of the previous page.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> ReadAsync(TenantSession session, string? action, Guid? before, int first, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var where = new List<string>();
        if (action is not null)
        {
            where.Add($"{d.Quote("action")} = {statement.Parameter(null, action)}");
        }

        if (before is { } id)
        {
            where.Add($"{d.Quote("id")} < {statement.Parameter(SecurityStore.IdColumn, id)}");
        }

        statement.Append($"SELECT {d.Quote("id")}, {d.Quote("at")}, {d.Quote("actor")}, {d.Quote("credential")}, {d.Quote("action")}, {d.Quote("target")}, " +
                         $"{d.Quote("details")}, {d.Quote("address")} FROM {session.Table(SecurityStore.AuditTable)}"
                         + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
                         + $" ORDER BY {d.Quote("id")} DESC LIMIT {first.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        var entries = new List<AuditEntry>();
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AuditEntry(
                (Guid)d.FromDb(SecurityStore.IdColumn, reader.GetValue(0))!,
                (DateTimeOffset)d.FromDb(SecurityStore.TimeColumn, reader.GetValue(1))!,
                reader.IsDBNull(2) ? null : (Guid)d.FromDb(SecurityStore.IdColumn, reader.GetValue(2))!,
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return entries;
    }

    /// <summary>Removes entries older than the retention period.</summary>
    public static async Task<int> PruneAsync(TenantSession session, DateTimeOffset olderThan, CancellationToken ct)
    {
        var statement = session.Statement();
        statement.Append($"DELETE FROM {session.Table(SecurityStore.AuditTable)} WHERE {session.Dialect.Quote("at")} < {statement.Parameter(SecurityStore.TimeColumn, olderThan)}");
        return await session.ExecuteAsync(statement, ct);
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
