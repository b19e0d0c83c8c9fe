using Npgsql;
using Paas.Core.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Records;

/// <summary>
/// PostgreSQL's binary COPY for the insert step of large batches: the rows are already validated by the
/// pipeline, and COPY runs inside the same transaction, so it changes only how fast they are written.
/// </summary>
internal static class BulkCopy
{
    public const int MinimumRows = 50;

    public static async Task InsertAsync(TenantSession session, ObjectDefinition definition, IReadOnlyList<FieldDefinition> fields, IReadOnlyList<Dictionary<string, object?>> rows, CancellationToken ct)
    {
        var d = session.Dialect;
        var connection = (NpgsqlConnection)session.Connection;
        var command = $"COPY {session.Table(definition)} ({string.Join(", ", fields.Select(f => d.Quote(f.Column)))}) FROM STDIN (FORMAT BINARY)";
        try
        {
            await using var importer = await connection.BeginBinaryImportAsync(command, ct);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                foreach (var field in fields)
                {
                    var value = row.GetValueOrDefault(field.ApiName);
                    if (value is null)
                    {
                        await importer.WriteNullAsync(ct);
                    }
                    else
                    {
                        await importer.WriteAsync(d.ToDb(field, value), Sql.PostgresDialect.DbType(field), ct);
                    }
                }
            }

            await importer.CompleteAsync(ct);
        }
        catch (PostgresException ex) when (d.IsUniqueViolation(ex, out var where))
        {
            throw RecordSql.UniqueConflict(definition, where);
        }
    }
}
