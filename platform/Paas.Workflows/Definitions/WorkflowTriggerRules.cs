using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Workflows;
using Paas.Data.Query;
using Paas.Data.Scheduling;
using Paas.Data.Security;
using Paas.Data.Sql;

namespace Paas.Workflows.Definitions;

/// <summary>
/// A SCHEDULE trigger's cron expression (at most once a minute), time zone and record filter; other triggers take none of
/// them.
/// </summary>
internal static class WorkflowTriggerRules
{
    private const string Path = DefinitionPaths.Root + ".trigger";

    public static void Check(TenantMetadata metadata, ObjectDefinition? workflowObject, WorkflowTrigger trigger, FieldErrorList errors)
    {
        if (trigger.Type != WorkflowTriggerType.Schedule)
        {
            foreach (var (name, given) in new[] { ("cron", trigger.Cron is not null), ("timeZone", trigger.TimeZone is not null), ("filter", trigger.Filter is not null) })
            {
                if (given)
                {
                    errors.Add($"{Path}.{name}", $"Only SCHEDULE triggers take '{name}'.");
                }
            }

            return;
        }

        var zone = CronSchedule.Zone(trigger.TimeZone);
        if (zone is null)
        {
            errors.Add(Path + ".timeZone", $"There is no time zone '{trigger.TimeZone}'; use an IANA id such as 'Europe/Paris' or 'UTC'.");
        }

        if (trigger.Cron is null)
        {
            errors.Add(Path + ".cron", "A SCHEDULE trigger needs 'cron': when it starts, e.g. '0 7 * * MON-FRI'.");
        }
        else if (CronSchedule.Parse(trigger.Cron) is not { } expression)
        {
            errors.Add(Path + ".cron", $"'{trigger.Cron}' is not valid. {CronSchedule.FormatRule}");
        }
        else if (zone is not null && CronSchedule.Problem(expression, zone) is { } problem)
        {
            errors.Add(Path + ".cron", problem);
        }

        if (trigger.Filter is { } filter && workflowObject is not null)
        {
            CheckFilter(metadata, workflowObject, filter, errors);
        }
    }

    /// <summary>Compiles the filter once to prove every field and operator exists (any dialect accepts the same filters).</summary>
    private static void CheckFilter(TenantMetadata metadata, ObjectDefinition workflowObject, JsonElement filter, FieldErrorList errors)
    {
        try
        {
            _ = new FilterCompiler(new SqlStatement(new SqliteDialect()), metadata, _ => "t").Compile(workflowObject, "t", RecordAccess.ParseCriteria(filter.GetRawText()));
        }
        catch (PaasException e)
        {
            var problems = e.FieldErrors.Count > 0 ? e.FieldErrors : [new FieldError("filter", e.Message)];
            foreach (var problem in problems)
            {
                errors.Add($"{Path}.{problem.Field}", problem.Message);
            }
        }
        catch (JsonException)
        {
            errors.Add(Path + ".filter", "A filter is a JSON object in the filter syntax of the data API, such as {\"status\": {\"eq\": \"Open\"}}.");
        }
    }
}
