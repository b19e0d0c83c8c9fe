using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Workflows;
using Paas.Data.Records;

namespace Paas.Workflows.Definitions;

/// <summary>
/// The values of UPDATE_FIELDS and CREATE_RECORD steps, checked as the data API checks its input: each field exists,
/// is writable and takes the value; a created record gets every required field. <c>"$record.id"</c> stands for the
/// workflow record's id and fits only a lookup (or master-detail) to the workflow's object.
/// </summary>
internal static class WorkflowRecordRules
{
    public const string RecordIdToken = "$record.id";

    /// <summary>Stands in for <see cref="RecordIdToken"/> so that the field's value checks and required checks pass.</summary>
    private static readonly string SomeRecordId = Guid.Empty.ToString();

    public static void CheckUpdate(ObjectDefinition? workflowObject, WorkflowStep step, string path, FieldErrorList errors)
    {
        if (workflowObject is null)
        {
            return;
        }

        var input = step.Fields.ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal);
        RecordInputValidator.Validate(workflowObject, input, creating: false, path + ".fields.", errors);
    }

    public static void CheckCreate(TenantMetadata metadata, string workflowObject, WorkflowStep step, string path, FieldErrorList errors)
    {
        if (step.Object is null)
        {
            return;
        }

        var target = metadata.FindObject(step.Object);
        if (target is null)
        {
            errors.Add(path + ".object", $"There is no object '{step.Object}'.");
            return;
        }

        var input = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in step.Values)
        {
            var field = target.FindField(name);
            if (!IsRecordId(value) || field is null || !field.IsWritable)
            {
                input[name] = value;
            }
            else if (field.Type is FieldType.Lookup or FieldType.MasterDetail && field.Target == workflowObject)
            {
                input[name] = SomeRecordId;
            }
            else
            {
                errors.Add(path + ".values." + name,
                    $"'{RecordIdToken}' is the id of the {workflowObject} record: it can only be set on a lookup to {workflowObject}, "
                    + $"and '{name}' is a {field.Type.ToContractName()} field{(field.Target is null ? "" : " pointing at " + field.Target)}.");
            }
        }

        RecordInputValidator.Validate(target, input, creating: true, path + ".values.", errors);
    }

    private static bool IsRecordId(JsonElement value) => value.ValueKind == JsonValueKind.String && value.ValueEquals(RecordIdToken);
}
