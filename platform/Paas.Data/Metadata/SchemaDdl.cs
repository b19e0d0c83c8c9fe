using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Sql;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>
/// The DDL that keeps an object's table in step with its definition. It runs in the same transaction as the
/// metadata change, so both succeed or fail together. Data columns are nullable: "required" is a rule of the
/// write pipeline, which lets a field become required without rewriting the table.
/// </summary>
public static class SchemaDdl
{
    public static async Task CreateTableAsync(TenantSession session, ObjectDefinition definition, CancellationToken ct)
    {
        var d = session.Dialect;
        var columns = definition.Fields.Select(f => f.ApiName switch
        {
            SystemFields.Id => $"{d.Quote(f.Column)} {d.ColumnType(f)} PRIMARY KEY",
            SystemFields.Version => $"{d.Quote(f.Column)} {d.ColumnType(f)} NOT NULL DEFAULT 1",
            SystemFields.CreatedAt or SystemFields.UpdatedAt => $"{d.Quote(f.Column)} {d.ColumnType(f)} NOT NULL",
            _ => $"{d.Quote(f.Column)} {d.ColumnType(f)}",
        });
        await session.ExecuteAsync(session.Statement().Append($"CREATE TABLE {session.Table(definition)} ({string.Join(", ", columns)})"), ct);
        foreach (var field in definition.Fields.Where(f => f.ApiName is SystemFields.Name or SystemFields.OwnerId))
        {
            await CreateFieldIndexAsync(session, definition, field, ct);
        }
    }

    public static async Task AddColumnAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct)
    {
        var d = session.Dialect;
        await session.ExecuteAsync(session.Statement().Append(
            $"ALTER TABLE {session.Table(definition)} ADD COLUMN {d.Quote(field.Column)} {d.ColumnType(field)}"), ct);
    }

    public static async Task DropColumnAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct)
    {
        await DropFieldIndexesAsync(session, definition, field, ct);
        await session.ExecuteAsync(session.Statement().Append(
            $"ALTER TABLE {session.Table(definition)} DROP COLUMN {session.Dialect.Quote(field.Column)}"), ct);
    }

    public static async Task DropTableAsync(TenantSession session, ObjectDefinition definition, CancellationToken ct) =>
        await session.ExecuteAsync(session.Statement().Append($"DROP TABLE IF EXISTS {session.Table(definition)}"), ct);

    /// <summary>The index a field needs: unique, admin-requested, or automatic for relations.</summary>
    public static async Task CreateFieldIndexAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct)
    {
        if (field.Unique)
        {
            await CreateIndexAsync(session, definition, UniqueIndexName(definition, field), [new IndexColumn(field.Column, false)], true, ct);
        }
        else if (field.Indexed || field.Type.IsRelation() || field.ApiName is SystemFields.Name or SystemFields.OwnerId)
        {
            await CreateIndexAsync(session, definition, PlainIndexName(definition, field), [new IndexColumn(field.Column, false)], false, ct);
        }
    }

    public static async Task DropFieldIndexesAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct)
    {
        await DropIndexAsync(session, UniqueIndexName(definition, field), ct);
        await DropIndexAsync(session, PlainIndexName(definition, field), ct);
    }

    /// <summary>The name of the single-column index a field needs, or null when it needs none.</summary>
    public static string? FieldIndexName(ObjectDefinition definition, FieldDefinition field) =>
        field.Unique ? UniqueIndexName(definition, field)
        : field.Indexed || field.Type.IsRelation() || field.ApiName is SystemFields.Name or SystemFields.OwnerId ? PlainIndexName(definition, field)
        : null;

    public static string UniqueIndexName(ObjectDefinition definition, FieldDefinition field) => SqlNames.Index("ux", definition.Table, [field.Column]);

    public static string PlainIndexName(ObjectDefinition definition, FieldDefinition field) => SqlNames.Index("ix", definition.Table, [field.Column]);

    /// <param name="columns">Physical column names with their direction.</param>
    /// <param name="concurrently">PostgreSQL only, outside a transaction: build without blocking writes.</param>
    public static async Task CreateIndexAsync(TenantSession session, ObjectDefinition definition, string name, IReadOnlyList<IndexColumn> columns, bool unique, CancellationToken ct, bool concurrently = false)
    {
        var d = session.Dialect;
        var list = string.Join(", ", columns.Select(c => d.Quote(c.Field) + (c.Descending ? " DESC" : "")));
        await session.ExecuteAsync(session.Statement().Append(
            $"CREATE {(unique ? "UNIQUE " : "")}INDEX {(concurrently ? "CONCURRENTLY " : "")}IF NOT EXISTS {d.Quote(name)} ON {session.Table(definition)} ({list})"), ct);
    }

    public static async Task DropIndexAsync(TenantSession session, string name, CancellationToken ct)
    {
        var qualified = session.Dialect.Provider == DatabaseProvider.Postgres
            ? session.Table(name)
            : session.Dialect.Quote(name);
        await session.ExecuteAsync(session.Statement().Append($"DROP INDEX IF EXISTS {qualified}"), ct);
    }
}
