using System.Text.RegularExpressions;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Data.Scheduling;

namespace Paas.Data.Scripting;

/// <summary>Validates a deploy against the tenant's metadata and produces the script's next definition.</summary>
public static partial class ScriptDefinitionBuilder
{
    public const int MaxCodeLength = 100_000;
    public const int MaxScripts = 500;
    public const int MaxParameters = 50;
    public const int MaxMessageLength = 255;

    /// <summary>Action names that would collide with the generated create/update/delete mutations.</summary>
    private static readonly string[] ReservedActionNames = ["create", "update", "delete", "upsert", "share"];

    /// <summary>Scalar types an action's input and output may use.</summary>
    public static readonly IReadOnlySet<FieldType> ParameterTypes = new HashSet<FieldType>
    {
        FieldType.Text, FieldType.LongText, FieldType.Integer, FieldType.Number, FieldType.Boolean, FieldType.Date,
        FieldType.DateTime, FieldType.Id, FieldType.Json,
    };

    [GeneratedRegex("^[a-z][A-Za-z0-9]{0,59}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex ParameterPattern();

    public static ScriptDefinition Build(TenantMetadata metadata, ScriptDefinition? existing, ScriptInput input, IScriptRunner runner, Guid? user, DateTimeOffset now)
    {
        var errors = new FieldErrorList();
        if (existing is null)
        {
            if (input.ApiName is null || !NamePattern().IsMatch(input.ApiName))
            {
                errors.Add("apiName", "A script API name must be camelCase: a small letter, then up to 59 letters or digits.");
            }

            if (input.Kind is null)
            {
                errors.Add("kind", "A script kind is required: TRIGGER, VALIDATION_RULE, ACTION or SCHEDULED.");
            }

            if (metadata.Scripts.Count >= MaxScripts)
            {
                errors.Add("apiName", $"A tenant may have at most {MaxScripts} scripts.");
            }

            errors.ThrowIfAny();
        }
        else if (input.Kind is not null && input.Kind != existing.Kind)
        {
            throw PaasException.Validation("kind", "A script's kind cannot change; deploy a new script instead.");
        }

        var kind = existing?.Kind ?? input.Kind!.Value;
        var code = input.Code ?? existing?.Code;
        var script = new ScriptDefinition
        {
            ApiName = existing?.ApiName ?? input.ApiName!,
            Kind = kind,
            Object = input.Object ?? existing?.Object,
            Description = input.Description ?? existing?.Description,
            Code = code ?? "",
            Active = input.Active ?? existing?.Active ?? true,
            Version = existing?.Version ?? 0,
            RunAs = input.RunAs ?? existing?.RunAs ?? ScriptRunAs.User,
            Order = input.Order ?? existing?.Order ?? 0,
            Timing = input.Timing ?? existing?.Timing,
            Events = input.Events ?? existing?.Events ?? [],
            ErrorField = input.ErrorField ?? existing?.ErrorField,
            ErrorMessage = input.ErrorMessage ?? existing?.ErrorMessage,
            OnRecord = input.OnRecord ?? existing?.OnRecord ?? false,
            Input = input.Input ?? existing?.Input ?? [],
            Output = input.Output ?? existing?.Output ?? [],
            Cron = input.Cron ?? existing?.Cron,
            UpdatedAt = now,
            UpdatedBy = user,
        };

        ValidateCode(script, runner, errors);
        var owner = ValidateObject(metadata, script, errors);
        switch (kind)
        {
            case ScriptKind.Trigger:
                if (script.Timing is null)
                {
                    errors.Add("timing", "A trigger runs BEFORE or AFTER the write.");
                }

                if (script.Events.Count == 0 || script.Events.Distinct().Count() != script.Events.Count)
                {
                    errors.Add("events", "A trigger names each of its events (CREATE, UPDATE, DELETE) once.");
                }

                break;
            case ScriptKind.ValidationRule:
                if (string.IsNullOrWhiteSpace(script.ErrorMessage) || script.ErrorMessage.Length > MaxMessageLength || script.ErrorMessage.Contains('\0', StringComparison.Ordinal))
                {
                    errors.Add("errorMessage", $"A validation rule needs an error message of at most {MaxMessageLength} characters.");
                }

                if (script.ErrorField is not null && owner is not null && owner.FindField(script.ErrorField) is null)
                {
                    errors.Add("errorField", $"'{owner.ApiName}' has no field '{script.ErrorField}'.");
                }

                break;
            case ScriptKind.Action:
                // The generated mutations are create…, update…, delete…, upsert…: an action named like them could
                // collide with another object's (createBig on Deal is createBigDeal, BigDeal's create mutation).
                if (ReservedActionNames.Any(r => script.ApiName.StartsWith(r, StringComparison.Ordinal)))
                {
                    errors.Add("apiName", $"An action's name may not start with {string.Join(", ", ReservedActionNames)}: those name the generated mutations.");
                }

                ValidateParameters("input", script.Input, errors);
                ValidateParameters("output", script.Output, errors);
                if (owner is not null)
                {
                    var mutation = ActionMutationName(script);
                    var clash = metadata.Scripts.FirstOrDefault(s => s.Kind == ScriptKind.Action && s.ApiName != script.ApiName && s.Object is not null
                        && string.Equals(ActionMutationName(s), mutation, StringComparison.OrdinalIgnoreCase));
                    if (clash is not null)
                    {
                        errors.Add("apiName", $"The mutation '{mutation}' is already the action '{clash.ApiName}'.");
                    }
                }

                break;
            case ScriptKind.Scheduled:
                ValidateCron(script.Cron, errors);
                break;
        }

        errors.ThrowIfAny();
        return script;
    }

    /// <summary>The data API mutation of an action: <c>convert</c> on <c>Lead</c> is <c>convertLead</c>.</summary>
    public static string ActionMutationName(ScriptDefinition action) => action.ApiName + action.Object;

    /// <summary>Whether the code is parsed as statements (with <c>return</c>) or as one expression.</summary>
    public static ScriptMode ModeOf(ScriptKind kind) => kind == ScriptKind.ValidationRule ? ScriptMode.Expression : ScriptMode.Body;

    /// <summary>The next time a schedule fires after <paramref name="after"/>, in UTC.</summary>
    public static DateTimeOffset? NextOccurrence(string cron, DateTimeOffset after) => CronSchedule.Next(cron, after, TimeZoneInfo.Utc);

    private static void ValidateCode(ScriptDefinition script, IScriptRunner runner, FieldErrorList errors)
    {
        if (string.IsNullOrWhiteSpace(script.Code))
        {
            errors.Add("code", "The script has no code.");
            return;
        }

        if (script.Code.Length > MaxCodeLength || script.Code.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add("code", $"A script may be at most {MaxCodeLength} characters, without NUL characters.");
            return;
        }

        if (runner.Check(script.Code, ModeOf(script.Kind)) is { } syntax)
        {
            errors.Add("code", $"Line {syntax.Line}, column {syntax.Column}: {syntax.Message}");
        }
    }

    private static ObjectDefinition? ValidateObject(TenantMetadata metadata, ScriptDefinition script, FieldErrorList errors)
    {
        if (script.Kind == ScriptKind.Scheduled)
        {
            if (script.Object is not null)
            {
                errors.Add("object", "A scheduled script belongs to no object.");
            }

            return null;
        }

        var owner = script.Object is null ? null : metadata.FindObject(script.Object);
        if (owner is null)
        {
            errors.Add("object", script.Object is null ? "The script's object is required." : $"There is no object '{script.Object}'.");
        }

        return owner;
    }

    private static void ValidateParameters(string path, IReadOnlyList<ActionParameter> parameters, FieldErrorList errors)
    {
        if (parameters.Count > MaxParameters)
        {
            errors.Add(path, $"At most {MaxParameters} parameters.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (!ParameterPattern().IsMatch(p.Name) || (path == "input" && p.Name == "id"))
            {
                errors.Add($"{path}[{i}].name", "A parameter name is camelCase, up to 40 letters or digits (and not 'id').");
            }
            else if (!seen.Add(p.Name))
            {
                errors.Add($"{path}[{i}].name", $"'{p.Name}' is named twice.");
            }

            if (!ParameterTypes.Contains(p.Type))
            {
                errors.Add($"{path}[{i}].type", $"A parameter's type is one of {string.Join(", ", ParameterTypes.Select(t => t.ToContractName()))}.");
            }

            if (p.Description is { Length: > 1000 })
            {
                errors.Add($"{path}[{i}].description", "At most 1000 characters.");
            }
        }
    }

    private static void ValidateCron(string? cron, FieldErrorList errors)
    {
        if (CronSchedule.Parse(cron) is not { } expression)
        {
            errors.Add("cron", CronSchedule.FormatRule);
        }
        else if (CronSchedule.Problem(expression, TimeZoneInfo.Utc) is { } problem)
        {
            errors.Add("cron", problem);
        }
    }
}
