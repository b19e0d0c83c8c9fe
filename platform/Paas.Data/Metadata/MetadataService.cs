using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Sql;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>
/// Applies metadata changes: validates them against the current snapshot, runs the DDL and saves the definitions
/// in one transaction, bumps the tenant's metadata version and publishes the new snapshot.
/// </summary>
public sealed partial class MetadataService(IDatabaseConnector connector, MetadataCache cache, TimeProvider time)
{
    public ValueTask<TenantMetadata> GetAsync(TenantInfo tenant, CancellationToken ct) => cache.GetAsync(tenant, ct);

    /// <summary>The tenant storage this service changes.</summary>
    public IDatabaseConnector Connector => connector;

    /// <summary>Creates the metadata tables in a new tenant's storage.</summary>
    public async Task ProvisionAsync(TenantInfo tenant, CancellationToken ct)
    {
        await connector.CreateTenantStorageAsync(tenant.StorageName, ct);
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
        await session.BeginAsync(ct);
        await MetadataStore.CreateTablesAsync(session, ct);
        await session.CommitAsync(ct);
    }

    public Task<ObjectDefinition> CreateObjectAsync(TenantInfo tenant, ObjectInput input, CancellationToken ct) =>
        ChangeAsync(tenant, async change =>
        {
            var errors = new FieldErrorList();
            var nameProblem = ApiNames.ValidateObjectName(input.ApiName);
            if (nameProblem is not null)
            {
                errors.Add("apiName", nameProblem);
                errors.ThrowIfAny();
            }

            var apiName = input.ApiName!;
            var clash = change.Before.AllObjects.FirstOrDefault(o => string.Equals(o.ApiName, apiName, StringComparison.OrdinalIgnoreCase));
            if (clash is not null)
            {
                errors.Add("apiName", clash.IsDeleted
                    ? $"A deleted object '{clash.ApiName}' still holds this name; restore or purge it first."
                    : $"An object '{clash.ApiName}' already exists.");
            }

            FieldDefinitionBuilder.ValidateLabel("label", input.Label, errors);
            var pluralLabel = input.PluralLabel ?? (input.Label is null ? null : ApiNames.Pluralize(input.Label));
            FieldDefinitionBuilder.ValidateLabel("pluralLabel", pluralLabel, errors);
            var plural = input.PluralApiName ?? ApiNames.Pluralize(ApiNames.ToCamelCase(apiName));
            ValidateRootNames(change.Before, apiName, plural, errors);
            ValidateDescription(input.Description, errors);
            if (input.NameFormat is not null && input.NameType != NameType.AutoNumber)
            {
                errors.Add("nameFormat", "nameFormat applies only with nameType AUTO_NUMBER.");
            }
            else if (input.NameFormat is not null && AutoNumbers.ValidateFormat(input.NameFormat) is { } formatProblem)
            {
                errors.Add("nameFormat", formatProblem);
            }

            errors.ThrowIfAny();
            var nameType = input.NameType ?? NameType.Text;
            var definition = new ObjectDefinition
            {
                ApiName = apiName,
                Label = input.Label!,
                PluralLabel = pluralLabel!,
                PluralApiName = plural,
                Description = input.Description,
                NameType = nameType,
                Table = SqlNames.TableFor(apiName),
                Fields = SystemFields.Create(nameType, input.NameFormat),
                CreatedAt = time.GetUtcNow(),
            };
            var nameField = definition.FindField(SystemFields.Name)!;
            await SchemaDdl.CreateTableAsync(change.Session, definition, ct);
            if (nameField.Type == FieldType.AutoNumber)
            {
                await AutoNumbers.CreateSequenceAsync(change.Session, definition, nameField, ct);
            }

            change.Save(definition);
            return definition;
        }, ct);

    public Task<ObjectDefinition> UpdateObjectAsync(TenantInfo tenant, string apiName, ObjectInput input, CancellationToken ct) =>
        ChangeAsync(tenant, change =>
        {
            var existing = RequireObject(change.Before, apiName);
            var errors = new FieldErrorList();
            if (input.ApiName is not null && input.ApiName != existing.ApiName)
            {
                errors.Add("apiName", "An object's API name cannot change.");
            }

            if (input.NameType is not null && input.NameType != existing.NameType)
            {
                errors.Add("nameType", "The name type is chosen when the object is created.");
            }

            var updated = existing with
            {
                Label = input.Label ?? existing.Label,
                PluralLabel = input.PluralLabel ?? existing.PluralLabel,
                PluralApiName = input.PluralApiName ?? existing.PluralApiName,
                Description = input.Description ?? existing.Description,
            };
            FieldDefinitionBuilder.ValidateLabel("label", updated.Label, errors);
            FieldDefinitionBuilder.ValidateLabel("pluralLabel", updated.PluralLabel, errors);
            ValidateDescription(updated.Description, errors);
            if (updated.PluralApiName != existing.PluralApiName)
            {
                ValidateRootNames(change.Before, existing.ApiName, updated.PluralApiName, errors);
            }

            errors.ThrowIfAny();
            change.Save(updated);
            return Task.FromResult(updated);
        }, ct);

    public Task<bool> DeleteObjectAsync(TenantInfo tenant, string apiName, CancellationToken ct) =>
        ChangeAsync(tenant, change =>
        {
            var existing = RequireObject(change.Before, apiName);
            var referrers = change.Before.ReferencesTo(apiName).Where(r => r.Object.ApiName != apiName).ToList();
            if (referrers.Count > 0)
            {
                throw PaasException.Validation("apiName",
                    $"'{apiName}' is the target of {string.Join(", ", referrers.Select(r => r.Object.ApiName + "." + r.Field.ApiName))}; delete those fields first.");
            }

            change.Save(existing with { DeletedAt = time.GetUtcNow() });
            return Task.FromResult(true);
        }, ct);

    public Task<ObjectDefinition> RestoreObjectAsync(TenantInfo tenant, string apiName, CancellationToken ct) =>
        ChangeAsync(tenant, change =>
        {
            var existing = change.Before.FindObjectIncludingDeleted(apiName);
            if (existing is not { IsDeleted: true })
            {
                throw PaasException.NotFound($"There is no deleted object '{apiName}'.");
            }

            var errors = new FieldErrorList();
            ValidateRootNames(change.Before, existing.ApiName, existing.PluralApiName, errors);
            foreach (var field in existing.LiveFields.Where(f => f.Type.IsRelation() && f.Target != apiName && change.Before.FindObject(f.Target!) is null))
            {
                errors.Add(field.ApiName, $"Its target '{field.Target}' is deleted; restore the target first.");
            }

            errors.ThrowIfAny();
            var restored = existing with { DeletedAt = null };
            change.Save(restored);
            return Task.FromResult(restored);
        }, ct);

    public Task<bool> PurgeObjectAsync(TenantInfo tenant, string apiName, CancellationToken ct) =>
        ChangeAsync(tenant, async change =>
        {
            var existing = change.Before.FindObjectIncludingDeleted(apiName);
            if (existing is not { IsDeleted: true })
            {
                throw PaasException.Validation("apiName", $"Only a deleted object can be purged; '{apiName}' is not deleted.");
            }

            var referrers = (from o in change.Before.AllObjects
                             where o.ApiName != apiName
                             from f in o.Fields
                             where f.Type.IsRelation() && f.Target == apiName
                             select o.ApiName + "." + f.ApiName).ToList();
            if (referrers.Count > 0)
            {
                throw PaasException.Validation("apiName", $"Fields still point at '{apiName}' ({string.Join(", ", referrers)}); purge them first.");
            }

            await SchemaDdl.DropTableAsync(change.Session, existing, ct);
            foreach (var field in existing.Fields.Where(f => f.Type == FieldType.AutoNumber))
            {
                await AutoNumbers.DropSequenceAsync(change.Session, existing, field, ct);
            }

            await MetadataStore.DeleteObjectAsync(change.Session, apiName, ct);
            change.Remove(apiName);
            return true;
        }, ct);

    /// <summary>Brings an existing tenant's storage up to date with tables added since it was provisioned.</summary>
    public async Task UpgradeStorageAsync(TenantInfo tenant, CancellationToken ct)
    {
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
        await session.BeginAsync(ct);
        await MetadataStore.CreateTablesAsync(session, ct);
        await session.CommitAsync(ct);
    }

    internal async Task<T> ChangeAsync<T>(TenantInfo tenant, Func<MetadataChange, Task<T>> apply, CancellationToken ct)
    {
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
        await session.BeginAsync(ct);
        var version = await MetadataStore.BumpVersionAsync(session, ct);
        var before = await MetadataStore.LoadAsync(session, version - 1, ct);
        session.Metadata = before;
        var change = new MetadataChange(session, before);
        var result = await apply(change);
        foreach (var saved in change.Changes.Values.OfType<ObjectDefinition>())
        {
            await MetadataStore.SaveObjectAsync(session, saved, ct);
        }

        if (change.SecurityDocumentChanged)
        {
            await Security.SecurityStore.SaveDocumentAsync(session, change.Security, ct);
        }

        foreach (var user in change.SavedUsers)
        {
            await Security.SecurityStore.SaveUserAsync(session, user, ct);
        }

        if (MetadataAudit.Active is { } audit && !audit.Action.StartsWith("security.", StringComparison.Ordinal))
        {
            var targets = string.Join(", ", change.Changes.Keys.Order(StringComparer.Ordinal));
            await Security.AuditLog.WriteAsync(session, audit.Caller, "metadata." + audit.Action, targets.Length == 0 ? null : targets,
                new { version, input = audit.Details }, time.GetUtcNow(), ct);
        }

        await MetadataChangeFeed.AnnounceAsync(session, version, ct);
        await session.CommitAsync(ct);
        cache.Publish(tenant, change.After(version));
        return result;
    }

    private static ObjectDefinition RequireObject(TenantMetadata metadata, string? apiName) =>
        (apiName is null ? null : metadata.FindObject(apiName))
        ?? throw PaasException.Validation("object", $"There is no object '{apiName}'.");

    private static void ValidateDescription(string? description, FieldErrorList errors)
    {
        if (description is { Length: > 1000 } || description?.Contains('\0', StringComparison.Ordinal) == true)
        {
            errors.Add("description", "A description may be at most 1000 characters, without NUL characters.");
        }
    }

    /// <summary>The singular and plural names become query and mutation names; they must not clash with another object's.</summary>
    private static void ValidateRootNames(TenantMetadata metadata, string apiName, string plural, FieldErrorList errors)
    {
        var problem = ApiNames.ValidatePluralName(plural);
        if (problem is not null)
        {
            errors.Add("pluralApiName", problem);
            return;
        }

        var singular = ApiNames.ToCamelCase(apiName);
        if (string.Equals(singular, plural, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("pluralApiName", "The plural API name must differ from the singular name.");
        }

        var taken = metadata.LiveObjects.Where(o => o.ApiName != apiName)
            .SelectMany(o => new[] { ApiNames.ToCamelCase(o.ApiName), o.PluralApiName })
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (taken.Contains(plural) || taken.Contains(singular))
        {
            errors.Add("pluralApiName", $"'{singular}' or '{plural}' is already used by another object's queries.");
        }
    }
}
