using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;
using Paas.Core.Tenancy;
using Paas.Data.Sql;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

public sealed partial class MetadataService
{
    public Task<FieldDefinition> CreateFieldAsync(TenantInfo tenant, FieldInput input, CancellationToken ct) =>
        ChangeAsync(tenant, async change =>
        {
            var owner = RequireObject(change.Before, input.Object);
            if (input.Type is FieldType.Formula or FieldType.Rollup)
            {
                // Computed: validated against the metadata, no column, no data to convert.
                var computed = ComputedFieldBuilder.Build(change.Before, owner, input, null, connector.Dialect);
                change.Save(owner.WithField(computed));
                return computed;
            }

            var field = FieldDefinitionBuilder.Build(change.Before, owner, input, null);
            var session = change.Session;
            await SchemaDdl.AddColumnAsync(session, owner, field, ct);
            if (field.Type == FieldType.AutoNumber)
            {
                await AutoNumbers.CreateSequenceAsync(session, owner, field, ct);
                await ExistingData.NumberAsync(session, owner, field, ct);
            }
            else if (field.Required && await ExistingData.CountAsync(session, owner, null, ct) > 0)
            {
                if (field.DefaultValue is null)
                {
                    throw PaasException.Validation("defaultValue", "The object already has records: a new required field needs a default value to give them.");
                }

                FieldValueCoercer.TryCoerce(field, field.DefaultValue, out var value, out _);
                await ExistingData.FillAsync(session, owner, field, value!, ct);
            }

            // The index comes last, so that a unique field filled with one default for several records is refused clearly.
            await CreateIndexOrExplainAsync(session, owner, field, ct);
            change.Save(owner.WithField(field));
            return field;
        }, ct);

    /// <summary>
    /// Changes a field. On PostgreSQL an index the change adds to an existing column (<c>indexed</c> or <c>unique</c>
    /// turned on) is built first with CREATE INDEX CONCURRENTLY, so writes go on while it builds; the change then
    /// commits with the index in place, and a change that fails drops it again.
    /// </summary>
    public async Task<FieldDefinition> UpdateFieldAsync(TenantInfo tenant, string objectName, string apiName, FieldInput input, CancellationToken ct)
    {
        var prebuilt = connector.Dialect.Provider == Core.Configuration.DatabaseProvider.Postgres
            ? await PrebuildFieldIndexAsync(tenant, objectName, apiName, input, ct)
            : null;
        try
        {
            return await ChangeFieldAsync(tenant, objectName, apiName, input, ct);
        }
        catch when (prebuilt is not null)
        {
            await using var connection = await connector.OpenAsync(tenant, CancellationToken.None);
            await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
            await SchemaDdl.DropIndexAsync(session, prebuilt, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Builds, concurrently, the index an update adds to an unchanged column; returns its name, or null when there is none to build.</summary>
    private async Task<string?> PrebuildFieldIndexAsync(TenantInfo tenant, string objectName, string apiName, FieldInput input, CancellationToken ct)
    {
        var metadata = await cache.LoadAsync(tenant, ct);
        if (metadata.FindObject(objectName) is not { } owner || owner.FindField(apiName) is not { IsSystem: false, IsComputed: false } existing)
        {
            return null;
        }

        FieldDefinition updated;
        try
        {
            updated = FieldDefinitionBuilder.Build(metadata, owner, input, existing);
        }
        catch (PaasException)
        {
            return null; // The change itself reports the problem.
        }

        var d = connector.Dialect;
        var sameColumn = updated.Type == existing.Type && d.ColumnType(updated) == d.ColumnType(existing)
            && (!updated.Type.IsDecimal() || updated.EffectiveScale == existing.EffectiveScale);
        var wanted = SchemaDdl.FieldIndexName(owner, updated);
        if (!sameColumn || wanted is null || wanted == SchemaDdl.FieldIndexName(owner, existing))
        {
            return null;
        }

        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
        try
        {
            await SchemaDdl.CreateIndexAsync(session, owner, wanted, [new IndexColumn(existing.Column, false)], updated.Unique, ct, concurrently: true);
            return wanted;
        }
        catch (Exception ex)
        {
            // A failed concurrent build leaves an invalid index behind.
            await SchemaDdl.DropIndexAsync(session, wanted, CancellationToken.None);
            throw connector.Dialect.IsUniqueViolation(ex, out _)
                ? PaasException.Validation("unique", $"Existing records have duplicate values for '{apiName}'.")
                : ex;
        }
    }

    private Task<FieldDefinition> ChangeFieldAsync(TenantInfo tenant, string objectName, string apiName, FieldInput input, CancellationToken ct) =>
        ChangeAsync(tenant, async change =>
        {
            var owner = RequireObject(change.Before, objectName);
            var existing = owner.FindField(apiName) ?? throw PaasException.Validation("apiName", $"'{objectName}' has no field '{apiName}'.");
            if (input.ApiName is not null && input.ApiName != apiName)
            {
                throw PaasException.Validation("apiName", "A field's API name cannot change.");
            }

            if (existing.IsSystem && input with { Label = null, HelpText = null, Object = null, ApiName = null } != new FieldInput())
            {
                throw PaasException.Validation("apiName", $"'{apiName}' is a system field: only its label and help text can change.");
            }

            if (existing.IsComputed || input.Type is FieldType.Formula or FieldType.Rollup)
            {
                if (!existing.IsComputed)
                {
                    throw PaasException.Validation("type", "A stored field cannot become computed; create a new FORMULA or ROLLUP field instead.");
                }

                var computed = ComputedFieldBuilder.Build(change.Before, owner, input, existing, connector.Dialect);
                change.Save(owner.WithField(computed));
                return computed;
            }

            var updated = FieldDefinitionBuilder.Build(change.Before, owner, input, existing);
            ValidateTypeChange(existing, updated);
            var session = change.Session;
            var d = session.Dialect;
            var rewrite = updated.Type != existing.Type || d.ColumnType(updated) != d.ColumnType(existing)
                || (updated.Type.IsDecimal() && updated.EffectiveScale != existing.EffectiveScale);
            var narrows = updated.EffectiveMaxLength < existing.EffectiveMaxLength || updated.EffectivePrecision < existing.EffectivePrecision;
            var generation = owner.ColumnGeneration;
            if (rewrite)
            {
                generation++;
                updated = updated with { Column = $"{apiName}_{generation}" };
                await SchemaDdl.AddColumnAsync(session, owner, updated, ct);
                await ExistingData.ConvertAsync(session, owner, existing, updated, write: true, ct);
                var composite = owner.Indexes.Where(i => i.Fields.Any(c => c.Field == apiName)).ToList();
                foreach (var index in composite)
                {
                    await SchemaDdl.DropIndexAsync(session, index.Name, ct);
                }

                await SchemaDdl.DropColumnAsync(session, owner, existing, ct);
                await CreateIndexOrExplainAsync(session, owner, updated, ct);
                var rewritten = owner.WithField(updated);
                foreach (var index in composite)
                {
                    await SchemaDdl.CreateIndexAsync(session, rewritten, index.Name,
                        index.Fields.Select(c => c with { Field = rewritten.FindField(c.Field)!.Column }).ToList(), index.Unique, ct);
                }
            }
            else
            {
                if (narrows)
                {
                    await ExistingData.ConvertAsync(session, owner, existing, updated, write: false, ct);
                }

                if (updated.Unique != existing.Unique || updated.Indexed != existing.Indexed)
                {
                    // Keep the index the field still needs (on PostgreSQL it was just built concurrently); drop the other.
                    var keep = SchemaDdl.FieldIndexName(owner, updated);
                    foreach (var name in new[] { SchemaDdl.UniqueIndexName(owner, existing), SchemaDdl.PlainIndexName(owner, existing) }.Where(n => n != keep))
                    {
                        await SchemaDdl.DropIndexAsync(session, name, ct);
                    }

                    await CreateIndexOrExplainAsync(session, owner, updated, ct);
                }
            }

            if (updated.Required && !existing.Required && await ExistingData.CountNullsAsync(session, owner, updated, ct) is var empty and > 0)
            {
                throw PaasException.Validation("required", $"{empty} existing record(s) have no value for '{apiName}'; fill them before making it required.");
            }

            change.Save(owner.WithField(updated) with { ColumnGeneration = generation });
            return updated;
        }, ct);

    public Task<bool> DeleteFieldAsync(TenantInfo tenant, string objectName, string apiName, CancellationToken ct) =>
        ChangeAsync(tenant, change =>
        {
            var owner = RequireObject(change.Before, objectName);
            var existing = owner.FindField(apiName) ?? throw PaasException.Validation("apiName", $"'{objectName}' has no field '{apiName}'.");
            if (existing.IsSystem)
            {
                throw PaasException.Validation("apiName", $"'{apiName}' is a system field and cannot be deleted.");
            }

            change.Save(owner.WithField(existing with { DeletedAt = time.GetUtcNow() }));
            return Task.FromResult(true);
        }, ct);

    public Task<FieldDefinition> RestoreFieldAsync(TenantInfo tenant, string objectName, string apiName, CancellationToken ct) =>
        ChangeAsync(tenant, change =>
        {
            var owner = RequireObject(change.Before, objectName);
            var existing = owner.FindFieldIncludingDeleted(apiName);
            if (existing is not { IsDeleted: true })
            {
                throw PaasException.NotFound($"'{objectName}' has no deleted field '{apiName}'.");
            }

            if (existing.Type.IsRelation() && existing.Target != objectName && change.Before.FindObject(existing.Target!) is null)
            {
                throw PaasException.Validation("target", $"The target '{existing.Target}' is deleted; restore it first.");
            }

            var restored = existing with { DeletedAt = null };
            change.Save(owner.WithField(restored));
            return Task.FromResult(restored);
        }, ct);

    public Task<bool> PurgeFieldAsync(TenantInfo tenant, string objectName, string apiName, CancellationToken ct) =>
        ChangeAsync(tenant, async change =>
        {
            var owner = RequireObject(change.Before, objectName);
            var existing = owner.FindFieldIncludingDeleted(apiName);
            if (existing is not { IsDeleted: true })
            {
                throw PaasException.Validation("apiName", $"Only a deleted field can be purged; '{apiName}' is not deleted.");
            }

            var session = change.Session;
            foreach (var index in owner.Indexes.Where(i => i.Fields.Any(c => c.Field == apiName)))
            {
                await SchemaDdl.DropIndexAsync(session, index.Name, ct);
            }

            if (!existing.IsComputed)
            {
                await SchemaDdl.DropColumnAsync(session, owner, existing, ct);
            }

            if (existing.Type == FieldType.AutoNumber)
            {
                await AutoNumbers.DropSequenceAsync(session, owner, existing, ct);
            }

            change.Save(owner.WithoutField(apiName) with { Indexes = owner.Indexes.Where(i => i.Fields.All(c => c.Field != apiName)).ToList() });
            return true;
        }, ct);

    /// <summary>
    /// Adds a composite index. On PostgreSQL it is built first with CREATE INDEX CONCURRENTLY (writes go on while it
    /// builds) and its definition is committed only once it exists; a failed build changes nothing, not even the version.
    /// </summary>
    public async Task<IndexDefinition> CreateIndexAsync(TenantInfo tenant, IndexInput input, CancellationToken ct)
    {
        if (connector.Dialect.Provider != Core.Configuration.DatabaseProvider.Postgres)
        {
            return await ChangeAsync(tenant, async change =>
            {
                var (index, owner, physical) = PlanIndex(change.Before, input);
                try
                {
                    await SchemaDdl.CreateIndexAsync(change.Session, owner, index.Name, physical, index.Unique, ct);
                }
                catch (Exception ex) when (change.Session.Dialect.IsUniqueViolation(ex, out _))
                {
                    throw DuplicateValues();
                }

                change.Save(owner with { Indexes = [.. owner.Indexes, index] });
                return index;
            }, ct);
        }

        var (planned, plannedOwner, plannedColumns) = PlanIndex(await cache.LoadAsync(tenant, ct), input);
        await using (var connection = await connector.OpenAsync(tenant, ct))
        await using (var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, [])))
        {
            try
            {
                await SchemaDdl.CreateIndexAsync(session, plannedOwner, planned.Name, plannedColumns, planned.Unique, ct, concurrently: true);
            }
            catch (Exception ex)
            {
                // A failed concurrent build leaves an invalid index behind.
                await SchemaDdl.DropIndexAsync(session, planned.Name, CancellationToken.None);
                throw connector.Dialect.IsUniqueViolation(ex, out _) ? DuplicateValues() : ex;
            }
        }

        try
        {
            return await ChangeAsync(tenant, change =>
            {
                var (index, owner, _) = PlanIndex(change.Before, input);
                change.Save(owner with { Indexes = [.. owner.Indexes, index] });
                return Task.FromResult(index);
            }, ct);
        }
        catch
        {
            await using var connection = await connector.OpenAsync(tenant, CancellationToken.None);
            await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
            await SchemaDdl.DropIndexAsync(session, planned.Name, CancellationToken.None);
            throw;
        }
    }

    private static PaasException DuplicateValues() => PaasException.Validation("unique", "Existing records have duplicate values for these fields.");

    /// <summary>Validates an index input against a snapshot: the definition and its physical columns.</summary>
    private static (IndexDefinition Index, ObjectDefinition Owner, List<IndexColumn> Physical) PlanIndex(TenantMetadata metadata, IndexInput input)
    {
        var owner = RequireObject(metadata, input.Object);
        var errors = new FieldErrorList();
        var columns = input.Fields ?? [];
        if (columns.Count is 0 or > 5)
        {
            errors.Add("fields", "An index has between 1 and 5 fields.");
        }

        var physical = new List<IndexColumn>();
        foreach (var (column, i) in columns.Select((c, i) => (c, i)))
        {
            var field = owner.FindField(column.Field);
            if (field is null)
            {
                errors.Add($"fields[{i}].field", $"'{owner.ApiName}' has no field '{column.Field}'.");
            }
            else if (!field.Type.IsIndexable())
            {
                errors.Add($"fields[{i}].field", $"{field.Type.ToContractName()} fields cannot be indexed.");
            }
            else
            {
                physical.Add(column with { Field = field.Column });
            }
        }

        if (columns.Select(c => c.Field).Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            errors.Add("fields", "A field may appear only once in an index.");
        }

        errors.ThrowIfAny();
        var name = SqlNames.Index("cx", owner.Table, columns.Select(c => c.Field + (c.Descending ? "_desc" : "")));
        if (owner.Indexes.Any(i => i.Name == name))
        {
            throw PaasException.Validation("fields", "An index on these fields already exists.");
        }

        return (new IndexDefinition { Name = name, Fields = columns.ToList(), Unique = input.Unique }, owner, physical);
    }

    public Task<bool> DeleteIndexAsync(TenantInfo tenant, string objectName, string name, CancellationToken ct) =>
        ChangeAsync(tenant, async change =>
        {
            var owner = RequireObject(change.Before, objectName);
            var index = owner.Indexes.FirstOrDefault(i => i.Name == name) ?? throw PaasException.NotFound($"'{objectName}' has no index '{name}'.");
            await SchemaDdl.DropIndexAsync(change.Session, index.Name, ct);
            change.Save(owner with { Indexes = owner.Indexes.Where(i => i.Name != name).ToList() });
            return true;
        }, ct);

    private static void ValidateTypeChange(FieldDefinition existing, FieldDefinition updated)
    {
        if (existing.Type == updated.Type)
        {
            return;
        }

        if (existing.Type.IsRelation() || updated.Type.IsRelation())
        {
            if (!(existing.Type.IsRelation() && updated.Type.IsRelation()))
            {
                throw PaasException.Validation("type", "A relation can only change between LOOKUP and MASTER_DETAIL.");
            }
        }
        else if (updated.Type == FieldType.AutoNumber)
        {
            throw PaasException.Validation("type", "A field cannot become an AUTO_NUMBER; create a new field instead.");
        }
    }

    private static async Task CreateIndexOrExplainAsync(Storage.TenantSession session, ObjectDefinition owner, FieldDefinition field, CancellationToken ct)
    {
        try
        {
            await SchemaDdl.CreateFieldIndexAsync(session, owner, field, ct);
        }
        catch (Exception ex) when (session.Dialect.IsUniqueViolation(ex, out _))
        {
            throw PaasException.Validation("unique", $"Existing records have duplicate values for '{field.ApiName}'.");
        }
    }
}
