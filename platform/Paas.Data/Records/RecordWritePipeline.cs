using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Records;

/// <summary>
/// The one path every record write takes, inside the caller's transaction:
/// coerce and validate → check relations → defaults and auto-numbers → persist with version check → cascade.
/// Later steps (permissions, triggers, validation rules, roll-ups, audit, outbox) plug in here, not beside it.
/// </summary>
public sealed class RecordWritePipeline(TenantSession session, Caller caller, TimeProvider time)
{
    public const int MaxBatchSize = 1000;

    public async Task<IReadOnlyList<Guid>> CreateAsync(ObjectDefinition definition, IReadOnlyList<IReadOnlyDictionary<string, object?>> inputs, CancellationToken ct)
    {
        if (inputs.Count > MaxBatchSize)
        {
            throw PaasException.LimitExceeded("maxBatchSize", $"At most {MaxBatchSize} records may be written in one call (got {inputs.Count}).");
        }

        var errors = new FieldErrorList();
        var batch = inputs.Count > 1;
        var rows = inputs.Select((input, i) => RecordInputValidator.Validate(definition, input, creating: true, batch ? $"inputs[{i}]." : "", errors)).ToList();
        errors.ThrowIfAny();
        await RelationChecker.CheckAsync(session, definition, rows, batch ? "inputs" : null, ct);

        var now = time.GetUtcNow();
        var ids = new List<Guid>(rows.Count);
        foreach (var row in rows)
        {
            var id = Guid.CreateVersion7(now);
            ids.Add(id);
            row[SystemFields.Id] = id;
            row[SystemFields.CreatedAt] = Core.Records.FieldValueCoercer.TruncateToMicroseconds(now);
            row[SystemFields.UpdatedAt] = row[SystemFields.CreatedAt];
            row[SystemFields.CreatedBy] = caller.PrincipalId;
            row[SystemFields.UpdatedBy] = caller.PrincipalId;
            row[SystemFields.OwnerId] = row.GetValueOrDefault(SystemFields.OwnerId) ?? caller.PrincipalId;
            row[SystemFields.Version] = 1L;
        }

        foreach (var field in definition.LiveFields.Where(f => f.Type == FieldType.AutoNumber))
        {
            var first = await AutoNumbers.ReserveAsync(session, definition, field, rows.Count, ct);
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i][field.ApiName] = AutoNumbers.Format(field, first + i);
            }
        }

        await RecordSql.InsertAsync(session, definition, rows, ct);
        return ids;
    }

    public async Task UpdateAsync(ObjectDefinition definition, Guid id, long? expectedVersion, IReadOnlyDictionary<string, object?> input, CancellationToken ct)
    {
        var errors = new FieldErrorList();
        var values = RecordInputValidator.Validate(definition, input, creating: false, "", errors);
        errors.ThrowIfAny();
        await RelationChecker.CheckAsync(session, definition, [values], null, ct);
        values[SystemFields.UpdatedAt] = Core.Records.FieldValueCoercer.TruncateToMicroseconds(time.GetUtcNow());
        values[SystemFields.UpdatedBy] = caller.PrincipalId;
        if (await RecordSql.UpdateAsync(session, definition, id, expectedVersion, values, ct))
        {
            return;
        }

        var current = await RecordSql.VersionOfAsync(session, definition, id, ct)
            ?? throw PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
        throw PaasException.Conflict($"The {definition.ApiName} was changed by someone else: its version is {current}, not {expectedVersion}. Read it again and retry.");
    }

    /// <summary>Updates the record whose <paramref name="matchField"/> equals the input's value, or creates it.</summary>
    public async Task<(Guid Id, bool Created)> UpsertAsync(ObjectDefinition definition, FieldDefinition matchField, IReadOnlyDictionary<string, object?> input, CancellationToken ct)
    {
        if (!input.TryGetValue(matchField.ApiName, out var raw) || raw is null)
        {
            throw PaasException.Validation(matchField.ApiName, "The field to match on needs a value.");
        }

        if (!Core.Records.FieldValueCoercer.TryCoerce(matchField, raw, out var key, out var problem))
        {
            throw PaasException.Validation(matchField.ApiName, problem!);
        }

        var existing = await RecordSql.FindIdAsync(session, definition, matchField, key!, ct);
        if (existing is { } id)
        {
            var changes = input.Where(kv => matchField.ApiName != SystemFields.Id || kv.Key != SystemFields.Id).ToDictionary();
            await UpdateAsync(definition, id, null, changes, ct);
            return (id, false);
        }

        if (matchField.ApiName == SystemFields.Id)
        {
            throw PaasException.NotFound($"There is no {definition.ApiName} with id {key}.");
        }

        return ((await CreateAsync(definition, [input], ct))[0], true);
    }

    public async Task DeleteAsync(ObjectDefinition definition, Guid id, CancellationToken ct)
    {
        if (await RecordSql.VersionOfAsync(session, definition, id, ct) is null)
        {
            throw PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
        }

        await DeleteCascadeAsync(definition, [id], depth: 0, ct);
    }

    /// <summary>Lookups to deleted records are cleared; master-detail children are deleted with their master, or block it.</summary>
    private async Task DeleteCascadeAsync(ObjectDefinition definition, IReadOnlyList<Guid> ids, int depth, CancellationToken ct)
    {
        if (depth > 16)
        {
            throw PaasException.LimitExceeded("cascadeDepth", "Deleting these records would cascade more than 16 levels deep.");
        }

        foreach (var (child, field) in session.Metadata.StoredReferencesTo(definition.ApiName))
        {
            if (field.Type == FieldType.Lookup)
            {
                await RecordSql.ClearReferencesAsync(session, child, field, ids, caller.PrincipalId, time.GetUtcNow(), ct);
                continue;
            }

            var children = await RecordSql.FindReferencingAsync(session, child, field, ids, ct);
            if (children.Count == 0)
            {
                continue;
            }

            if (!field.CascadeDelete)
            {
                throw PaasException.Conflict($"The {definition.ApiName} has {children.Count} {child.ApiName} record(s) through '{field.ApiName}'; delete them first.");
            }

            await DeleteCascadeAsync(child, children, depth + 1, ct);
        }

        await RecordSql.DeleteAsync(session, definition, ids, ct);
    }
}
