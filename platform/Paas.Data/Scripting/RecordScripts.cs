using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Data.Storage;

namespace Paas.Data.Scripting;

/// <summary>
/// The triggers and validation rules of one write of one object, run by the write pipeline: before-triggers may change
/// the batch and report errors, validation rules report their message when their condition holds, after-triggers see the
/// stored records and may write others. Each runs once per batch, not once per record.
/// </summary>
public sealed class RecordScripts
{
    private readonly TenantSession _session;
    private readonly ObjectDefinition _definition;
    private readonly TriggerEvent _event;
    private readonly ScriptEnvironment _environment;
    private readonly IReadOnlyList<ScriptDefinition> _before;
    private readonly IReadOnlyList<ScriptDefinition> _rules;
    private readonly IReadOnlyList<ScriptDefinition> _after;
    private readonly CancellationToken _ct;

    private RecordScripts(TenantSession session, ObjectDefinition definition, TriggerEvent e, ScriptEnvironment environment, CancellationToken ct)
    {
        _session = session;
        _definition = definition;
        _event = e;
        _environment = environment;
        _ct = ct;
        var triggers = session.Metadata.ActiveScripts(definition.ApiName, ScriptKind.Trigger).ToList();
        _before = triggers.Where(t => t.Handles(TriggerTiming.Before, e)).ToList();
        _after = triggers.Where(t => t.Handles(TriggerTiming.After, e)).ToList();
        _rules = e == TriggerEvent.Delete ? [] : session.Metadata.ActiveScripts(definition.ApiName, ScriptKind.ValidationRule).ToList();
    }

    /// <summary>The scripts of this write, or null when the object has none for the event.</summary>
    public static RecordScripts? For(TenantSession session, ObjectDefinition definition, TriggerEvent e, CancellationToken ct)
    {
        if (!session.Metadata.Scripts.Any(s => s.Active && s.Object == definition.ApiName && s.Kind is ScriptKind.Trigger or ScriptKind.ValidationRule))
        {
            return null;
        }

        var scripts = new RecordScripts(session, definition, e, session.Scripts
            ?? throw new InvalidOperationException("A session that writes records of an object with scripts needs a script environment."), ct);
        return scripts._before.Count + scripts._rules.Count + scripts._after.Count == 0 ? null : scripts;
    }

    /// <summary>Whether the old values of the records are needed (update and delete triggers, update rules).</summary>
    public bool NeedsOld => _event != TriggerEvent.Create;

    /// <summary>Enters one level of triggers for the whole write (a trigger's own writes go one level deeper).</summary>
    public ScriptGovernor.TriggerLevel Enter() => _environment.Governor.EnterTrigger();

    /// <summary>
    /// Runs the before-triggers over <paramref name="records"/> (the full records as they will be: old values merged with
    /// the changes) and applies what they changed to <paramref name="changes"/> (what will be written).
    /// </summary>
    public void Before(IReadOnlyList<Dictionary<string, object?>> records, IReadOnlyList<Dictionary<string, object?>> changes,
        IReadOnlyList<IReadOnlyDictionary<string, object?>>? old, string? batchPrefix)
    {
        foreach (var trigger in _before)
        {
            var plain = records.Select(r => (object?)ScriptValues.ToPlain(r)).ToList();
            // In a batch of one, ctx.record is the same object as ctx.records[0] (the sandbox keeps shared values shared).
            var outcome = _environment.Run(_session, trigger, "trigger", Context("before", plain, old), _ct, readBack: ["records"]);
            ThrowIfErrors(outcome.Errors, batchPrefix);
            if (_event != TriggerEvent.Delete)
            {
                Apply(trigger, outcome.ReadBack.GetValueOrDefault("records"), records, changes, batchPrefix);
            }
        }
    }

    /// <summary>Runs every validation rule over the batch; all failures of all rules are reported together.</summary>
    public void Validate(IReadOnlyList<Dictionary<string, object?>> records, IReadOnlyList<IReadOnlyDictionary<string, object?>>? old, string? batchPrefix)
    {
        if (_rules.Count == 0)
        {
            return;
        }

        var plain = records.Select(r => (object?)ScriptValues.ToPlain(r)).ToList();
        var errors = new FieldErrorList();
        foreach (var rule in _rules)
        {
            var outcome = _environment.Run(_session, rule, "validationRule", Context("before", plain, old), _ct, code: RuleBatch(rule.Code), cacheSuffix: "/batch");
            if (outcome.Result is not List<object?> failing)
            {
                continue;
            }

            foreach (var index in failing.OfType<double>().Select(d => (int)d))
            {
                var field = rule.ErrorField ?? "record";
                errors.Add(batchPrefix is null ? field : $"{batchPrefix}[{index}].{field}", rule.ErrorMessage ?? rule.ApiName);
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>Runs the after-triggers over the records as stored.</summary>
    public void After(IReadOnlyList<IReadOnlyDictionary<string, object?>> records, IReadOnlyList<IReadOnlyDictionary<string, object?>>? old, string? batchPrefix)
    {
        foreach (var trigger in _after)
        {
            var plain = records.Select(r => (object?)ScriptValues.ToPlain(r)).ToList();
            var outcome = _environment.Run(_session, trigger, "trigger", Context("after", plain, old), _ct);
            ThrowIfErrors(outcome.Errors, batchPrefix);
        }
    }

    /// <summary>
    /// A validation rule is an expression; it runs once for the batch inside a loop that gives each record its
    /// <c>record</c>, <c>old</c> and <c>user</c>. The expression was checked at deploy time to be exactly one expression, and
    /// the line breaks around it keep a trailing comment from swallowing the loop.
    /// </summary>
    private static string RuleBatch(string expression) =>
        "const __failing = [];\nfor (let __i = 0; __i < ctx.records.length; __i++) {\n" +
        "const record = ctx.records[__i]; const old = ctx.old ? ctx.old[__i] : null; const user = ctx.user;\n" +
        "if ((\n" + expression + "\n)) { __failing.push(__i); }\n}\nreturn __failing;";

    private Dictionary<string, object?> Context(string timing, List<object?> records, IReadOnlyList<IReadOnlyDictionary<string, object?>>? old)
    {
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["object"] = _definition.ApiName,
            ["event"] = _event.ToString().ToLowerInvariant(),
            ["timing"] = timing,
            ["records"] = records,
            ["old"] = old?.Select(o => (object?)ScriptValues.ToPlain(o)).ToList(),
            ["user"] = _environment.User(_session.Metadata),
        };
        if (records.Count == 1)
        {
            context["record"] = records[0];
        }

        return context;
    }

    private static void ThrowIfErrors(IReadOnlyList<ScriptFieldError> reported, string? batchPrefix)
    {
        if (reported.Count == 0)
        {
            return;
        }

        throw PaasException.Validation(reported.Select(e =>
        {
            var field = e.Field ?? "record";
            var path = batchPrefix is not null && e.Index is { } i ? $"{batchPrefix}[{i}].{field}" : field;
            return new FieldError(path, e.Message);
        }).ToList());
    }

    /// <summary>Takes over what a before-trigger changed in <c>ctx.records</c>, coerced like client input.</summary>
    private void Apply(ScriptDefinition trigger, object? returned, IReadOnlyList<Dictionary<string, object?>> records,
        IReadOnlyList<Dictionary<string, object?>> changes, string? batchPrefix)
    {
        if (returned is not List<object?> list || list.Count != records.Count)
        {
            throw new PaasException(ErrorCodes.ScriptError, $"Trigger '{trigger.ApiName}' must keep ctx.records as an array of the same records.");
        }

        var errors = new FieldErrorList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not Dictionary<string, object?> changed)
            {
                throw new PaasException(ErrorCodes.ScriptError, $"Trigger '{trigger.ApiName}' replaced a record of ctx.records with something that is not an object.");
            }

            var prefix = batchPrefix is null ? "" : $"{batchPrefix}[{i}].";
            foreach (var (name, value) in changed)
            {
                var field = _definition.FindField(name);
                if (field is null)
                {
                    errors.Add(prefix + name, $"Trigger '{trigger.ApiName}' set '{name}', which '{_definition.ApiName}' does not have.");
                    continue;
                }

                var coerced = ScriptValues.Coerce(field, value, prefix + name, errors);
                if (Same(coerced, records[i].GetValueOrDefault(name)))
                {
                    continue;
                }

                if (!field.IsWritable)
                {
                    errors.Add(prefix + name, $"Trigger '{trigger.ApiName}' may not change the read-only field '{name}'.");
                    continue;
                }

                if (field.Required && coerced is null)
                {
                    errors.Add(prefix + name, "A value is required.");
                }

                records[i][name] = coerced;
                changes[i][name] = coerced;
            }
        }

        errors.ThrowIfAny();
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (string[] x, string[] y) => x.SequenceEqual(y),
        (JsonElement x, JsonElement y) => x.GetRawText() == y.GetRawText(),
        _ => Equals(a, b),
    };
}
