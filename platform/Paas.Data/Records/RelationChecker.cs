using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Records;

/// <summary>Checks, with one query per relation field, that every id written to a relation names an existing record.</summary>
public static class RelationChecker
{
    public static async Task CheckAsync(TenantSession session, ObjectDefinition definition, IReadOnlyList<Dictionary<string, object?>> rows, string? batchPrefix, CancellationToken ct)
    {
        var errors = new FieldErrorList();
        foreach (var field in definition.LiveFields.Where(f => f.Type.IsRelation()))
        {
            var wanted = rows.Select(r => r.GetValueOrDefault(field.ApiName)).OfType<Guid>().Distinct().ToList();
            if (wanted.Count == 0)
            {
                continue;
            }

            var target = session.Metadata.FindObject(field.Target!) ?? throw PaasException.Validation(field.ApiName, $"'{field.Target}' is not available.");
            // A record the caller may not read is reported like a missing one; a master needs edit access.
            var level = field.Type == FieldType.MasterDetail ? Core.Security.AccessLevel.Edit : Core.Security.AccessLevel.Read;
            var found = await RecordSql.ExistingIdsAsync(session, target, wanted, ct, level);
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].GetValueOrDefault(field.ApiName) is Guid id && !found.Contains(id))
                {
                    errors.Add(batchPrefix is null ? field.ApiName : $"{batchPrefix}[{i}].{field.ApiName}", $"There is no {target.ApiName} with id {id}.");
                }
            }
        }

        errors.ThrowIfAny();
    }
}
