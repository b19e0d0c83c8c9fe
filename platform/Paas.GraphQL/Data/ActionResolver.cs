using System.Collections;
using GraphQL;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;
using Paas.Data.Query;
using Paas.Data.Scripting;

namespace Paas.GraphQL.Data;

/// <summary>
/// Runs a custom action: in its own transaction with the action CPU budget, on the record given by <c>id</c> (which the
/// caller must be able to read) with the declared input coerced like record fields; the returned object is checked
/// against the declared output. Anything the action wrote is rolled back if it fails.
/// </summary>
public static class ActionResolver
{
    public static FieldDefinition AsField(ActionParameter parameter) => new()
    {
        ApiName = parameter.Name,
        Label = parameter.Name,
        Type = parameter.Type,
        Column = parameter.Name,
        Required = parameter.Required,
        Scale = parameter.Type == FieldType.Number ? 8 : null,
        Precision = parameter.Type == FieldType.Number ? 18 : null,
        MaxLength = parameter.Type == FieldType.Text ? FieldTypeInfo.MaxTextLength : null,
    };

    public static async Task<object?> RunAsync(IResolveFieldContext context, ObjectDefinition definition, ScriptDefinition action)
    {
        var request = DataRequestContext.From(context);
        await using var session = await request.OpenSessionAsync(context.CancellationToken, asynchronousScripts: true);
        var environment = session.Scripts ?? throw new InvalidOperationException("Actions need the script runner.");
        await session.BeginAsync(context.CancellationToken);
        var scriptContext = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["object"] = definition.ApiName,
            ["input"] = Input(context, action),
            ["user"] = environment.User(session.Metadata),
        };
        if (action.OnRecord)
        {
            var raw = context.GetArgument<object?>("id");
            var id = raw is string s && Guid.TryParseExact(s, "D", out var parsed) ? parsed : (Guid?)null;
            var readable = RecordSelection.Flat(definition, definition.LiveFields.Where(f => session.Access?.CanReadField(definition, f) ?? true));
            var record = id is null ? null : RecordSelection.Flatten(await RecordQueryExecutor.GetAsync(session, readable, id.Value, context.CancellationToken));
            scriptContext["record"] = ScriptValues.ToPlain(record ?? throw PaasException.NotFound($"There is no {definition.ApiName} with that id."));
        }

        var outcome = environment.Run(session, action, "action", scriptContext, context.CancellationToken, alwaysLog: true);
        if (outcome.Errors.Count > 0)
        {
            throw PaasException.Validation(outcome.Errors.Select(e => new FieldError(e.Field ?? "input", e.Message)).ToList());
        }

        var result = Output(action, outcome.Result);
        await session.CommitAsync(context.CancellationToken);
        request.AddStatements(session.StatementCount);
        return result;
    }

    private static Dictionary<string, object?> Input(IResolveFieldContext context, ScriptDefinition action)
    {
        var given = context.GetArgument<object?>("input") as IDictionary<string, object?>;
        var errors = new FieldErrorList();
        var input = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in action.Input)
        {
            var raw = given?.TryGetValue(parameter.Name, out var v) == true ? v : null;
            if (raw is IEnumerable list and not string && parameter.Type != FieldType.Json)
            {
                raw = list.Cast<object?>().ToList();
            }

            if (!FieldValueCoercer.TryCoerce(AsField(parameter), raw, out var value, out var problem))
            {
                errors.Add($"input.{parameter.Name}", problem!);
            }
            else if (value is null && parameter.Required)
            {
                errors.Add($"input.{parameter.Name}", "A value is required.");
            }

            input[parameter.Name] = ScriptValues.ToPlainValue(value);
        }

        errors.ThrowIfAny();
        return input;
    }

    /// <summary>The action's result as declared: a wrong shape is the script's error, not the caller's.</summary>
    private static object? Output(ScriptDefinition action, object? returned)
    {
        if (action.Output.Count == 0)
        {
            return returned;
        }

        if (returned is not Dictionary<string, object?> values)
        {
            throw new PaasException(ErrorCodes.ScriptError, $"Action '{action.ApiName}' must return an object with {string.Join(", ", action.Output.Select(o => o.Name))}.");
        }

        var output = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in action.Output)
        {
            var field = AsField(parameter);
            if (!FieldValueCoercer.TryCoerce(field, ScriptValues.FromScript(field, values.GetValueOrDefault(parameter.Name)), out var value, out var problem)
                || (value is null && parameter.Required))
            {
                throw new PaasException(ErrorCodes.ScriptError,
                    $"Action '{action.ApiName}' returned a bad '{parameter.Name}': {problem ?? "a value is required"}.");
            }

            output[parameter.Name] = value;
        }

        return output;
    }
}
