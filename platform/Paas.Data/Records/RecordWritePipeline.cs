using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Scripting;
using Paas.Data.Security;
using Paas.Data.Workflows;
using Paas.Data.Storage;

namespace Paas.Data.Records;

/// <summary>
/// The one path every record write takes, inside the caller's transaction:
/// authorise (object, field and record access) → coerce and validate → check relations → defaults and auto-numbers →
/// persist with version check → field history → cascade.
/// with before-triggers and validation rules after validation and after-triggers after the write (see RecordScripts).
/// Later steps (outbox) plug in here, not beside it.
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

        Authorize(definition, definition.ApiName, a => a.CanCreate(definition), "create");
        foreach (var input in inputs)
        {
            AuthorizeFields(definition, input);
        }

        var errors = new FieldErrorList();
        var batch = inputs.Count > 1;
        var rows = inputs.Select((input, i) => RecordInputValidator.Validate(definition, input, creating: true, batch ? $"inputs[{i}]." : "", errors)).ToList();
        errors.ThrowIfAny();
        var scripts = RecordScripts.For(session, definition, TriggerEvent.Create, ct);
        using var level = scripts?.Enter() ?? default;
        if (scripts is not null)
        {
            scripts.Before(rows, rows, null, batch ? "inputs" : null);
            scripts.Validate(rows, null, batch ? "inputs" : null);
        }

        CheckOwners(rows, batch ? "inputs" : null);
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
            row[SystemFields.CreatedBy] = caller.UserId;
            row[SystemFields.UpdatedBy] = caller.UserId;
            row[SystemFields.OwnerId] = row.GetValueOrDefault(SystemFields.OwnerId) ?? caller.UserId;
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
        if (session.Metadata.FindStageProcess(definition.ApiName) is { } stages)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].GetValueOrDefault(stages.Field) is string stage)
                {
                    if (stages.IndexOf(stage) < 0)
                    {
                        throw PaasException.Validation(batch ? $"inputs[{i}].{stages.Field}" : stages.Field, $"'{stage}' is not a stage of the {definition.ApiName} stage process.");
                    }

                    await StageGuard.EnteredAsync(session, caller, time, stages, ids[i], stage, ct);
                }
            }
        }

        scripts?.After(rows, null, batch ? "inputs" : null);
        if (session.Workflows is { } workflows && session.Metadata.Workflows.Any(w => w.Definition.Object == definition.ApiName))
        {
            await workflows.OnCreatedAsync(session, caller, definition, ids, ct);
        }

        return ids;
    }

    public async Task UpdateAsync(ObjectDefinition definition, Guid id, long? expectedVersion, IReadOnlyDictionary<string, object?> input, CancellationToken ct)
    {
        Authorize(definition, definition.ApiName, a => a.CanEdit(definition), "edit");
        AuthorizeFields(definition, input);
        await RequireRecordAccessAsync(definition, id, ct);
        await RequireUnlockedAsync(definition, id, ct);
        var errors = new FieldErrorList();
        var values = RecordInputValidator.Validate(definition, input, creating: false, "", errors);
        errors.ThrowIfAny();
        var scripts = RecordScripts.For(session, definition, TriggerEvent.Update, ct);
        using var level = scripts?.Enter() ?? default;
        Dictionary<string, object?>? old = null;
        if (scripts is not null)
        {
            old = await StoredAsync(definition, id, ct) ?? throw PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
            var merged = new Dictionary<string, object?>(old, StringComparer.Ordinal);
            foreach (var (name, value) in values)
            {
                merged[name] = value;
            }

            scripts.Before([merged], [values], [old], null);
            scripts.Validate([merged], [old], null);
        }

        CheckOwners([values], null);
        await RelationChecker.CheckAsync(session, definition, [values], null, ct);
        var stages = session.Metadata.FindStageProcess(definition.ApiName) is { } process && values.ContainsKey(process.Field) ? process : null;
        string? enteredStage = null;
        if (stages is not null)
        {
            var stored = old ?? await StoredAsync(definition, id, ct) ?? throw PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
            var merged = new Dictionary<string, object?>(stored, StringComparer.Ordinal);
            foreach (var (name, value) in values)
            {
                merged[name] = value;
            }

            var from = stored.GetValueOrDefault(stages.Field) as string;
            var to = values[stages.Field] as string;
            await StageGuard.CheckTransitionAsync(session, stages, from, to, merged, process => StageStore.ApprovedAsync(session, process, id, ct));
            enteredStage = from == to ? null : to;
        }

        var before = await HistoryBeforeAsync(definition, id, values, ct);
        values[SystemFields.UpdatedAt] = Core.Records.FieldValueCoercer.TruncateToMicroseconds(time.GetUtcNow());
        values[SystemFields.UpdatedBy] = caller.UserId;
        if (await RecordSql.UpdateAsync(session, definition, id, expectedVersion, values, ct))
        {
            if (before is not null)
            {
                await FieldHistory.RecordAsync(session, definition, id, before, values, caller.UserId, time.GetUtcNow(), ct);
            }

            if (stages is not null && enteredStage is not null)
            {
                await StageGuard.EnteredAsync(session, caller, time, stages, id, enteredStage, ct);
            }

            if (scripts is not null)
            {
                scripts.After([(await StoredAsync(definition, id, ct))!], [old!], null);
            }

            if (session.Workflows is { } workflows && session.Metadata.Workflows.Any(w => w.Definition.Object == definition.ApiName))
            {
                await workflows.OnUpdatedAsync(session, caller, definition, id, ct);
            }

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
        Authorize(definition, definition.ApiName, a => a.CanDelete(definition), "delete");
        if (await RecordSql.VersionOfAsync(session, definition, id, ct) is null)
        {
            throw PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
        }

        await RequireRecordAccessAsync(definition, id, ct);
        await RequireUnlockedAsync(definition, id, ct);
        var scripts = RecordScripts.For(session, definition, TriggerEvent.Delete, ct);
        using var level = scripts?.Enter() ?? default;
        IReadOnlyDictionary<string, object?>? old = null;
        if (scripts is not null)
        {
            old = (await StoredAsync(definition, id, ct))!;
            scripts.Before([new Dictionary<string, object?>(old)], [new Dictionary<string, object?>(old)], [old], null);
        }

        await DeleteCascadeAsync(definition, [id], depth: 0, ct);
        scripts?.After([old!], [old!], null);
    }

    /// <summary>A record's stored values as the platform sees them (no access filtering): what triggers get as <c>ctx.old</c>.</summary>
    private async Task<Dictionary<string, object?>?> StoredAsync(ObjectDefinition definition, Guid id, CancellationToken ct)
    {
        var access = session.Access;
        session.Access = null;
        try
        {
            var selection = Query.RecordSelection.Flat(definition, definition.LiveFields.Where(f => !f.IsComputed));
            return Query.RecordSelection.Flatten(await Query.RecordQueryExecutor.GetAsync(session, selection, id, ct));
        }
        finally
        {
            session.Access = access;
        }
    }

    private void Authorize(ObjectDefinition definition, string objectName, Func<AccessContext, bool> allowed, string verb)
    {
        if (session.Access is { } access && !allowed(access))
        {
            throw access.CanRead(definition)
                ? PaasException.Forbidden($"You may not {verb} {objectName} records.")
                : PaasException.Validation("object", $"There is no object '{objectName}'.");
        }
    }

    /// <summary>Fields the caller may not read do not exist for them; fields they may read but not edit are refused.</summary>
    private void AuthorizeFields(ObjectDefinition definition, IReadOnlyDictionary<string, object?> input)
    {
        if (session.Access is not { } access)
        {
            return;
        }

        var errors = new FieldErrorList();
        var forbidden = new List<string>();
        foreach (var name in input.Keys)
        {
            if (definition.FindField(name) is not { } field)
            {
                continue;
            }

            if (!access.CanReadField(definition, field))
            {
                errors.Add(name, $"'{definition.ApiName}' has no field '{name}'.");
            }
            else if (!access.CanEditField(definition, field))
            {
                forbidden.Add(name);
            }
        }

        errors.ThrowIfAny();
        if (forbidden.Count > 0)
        {
            throw PaasException.Forbidden($"You may not set {string.Join(", ", forbidden)} on {definition.ApiName} records.",
                forbidden.Select(f => new FieldError(f, "Read-only for you.")).ToList());
        }
    }

    /// <summary>Editing or deleting needs edit access to the record: none at all reads as "not found", read-only as forbidden.</summary>
    private async Task RequireRecordAccessAsync(ObjectDefinition definition, Guid id, CancellationToken ct)
    {
        if (session.Access is null)
        {
            return;
        }

        if ((await RecordSql.ExistingIdsAsync(session, definition, [id], ct, AccessLevel.Edit)).Count > 0)
        {
            return;
        }

        throw (await RecordSql.ExistingIdsAsync(session, definition, [id], ct, AccessLevel.Read)).Count > 0
            ? PaasException.Forbidden($"You may read this {definition.ApiName} but not change it.")
            : PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
    }

    /// <summary>
    /// A record waiting for an approval is locked: only its pending approvers, users who may modify all data and the
    /// platform's own work (the workflow's steps) may change or delete it.
    /// </summary>
    private async Task RequireUnlockedAsync(ObjectDefinition definition, Guid id, CancellationToken ct)
    {
        if (session.Access is not { } access || access.System.ModifyAllData || !session.Metadata.MayLock(definition.ApiName))
        {
            return;
        }

        if (await Workflows.WorkflowStore.LockHolderAsync(session, definition.ApiName, id, caller.UserId, ct) is { } workflow)
        {
            throw PaasException.Forbidden($"This {definition.ApiName} is locked while its approval '{workflow}' is pending; only its approvers and administrators may change it.");
        }
    }

    /// <summary>A record's owner is an active user of the tenant.</summary>
    private void CheckOwners(IReadOnlyList<Dictionary<string, object?>> rows, string? batchPrefix)
    {
        var errors = new FieldErrorList();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].GetValueOrDefault(SystemFields.OwnerId) is Guid owner && owner != caller.UserId
                && session.Metadata.Security.FindUser(owner) is not { IsActive: true })
            {
                errors.Add(batchPrefix is null ? SystemFields.OwnerId : $"{batchPrefix}[{i}].{SystemFields.OwnerId}", $"There is no active user with id {owner}.");
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>The current values of the tracked fields this update changes, or null when none is tracked.</summary>
    private async Task<Dictionary<string, object?>?> HistoryBeforeAsync(ObjectDefinition definition, Guid id, Dictionary<string, object?> values, CancellationToken ct)
    {
        var tracked = definition.LiveFields.Where(f => f.TrackHistory && values.ContainsKey(f.ApiName)).ToList();
        if (tracked.Count == 0)
        {
            return null;
        }

        var selection = new Query.RecordSelection(definition, tracked, []);
        return await Query.RecordQueryExecutor.GetAsync(session, selection, id, ct);
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
                await RecordSql.ClearReferencesAsync(session, child, field, ids, caller.UserId, time.GetUtcNow(), ct);
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
