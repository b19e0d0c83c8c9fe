using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Tenancy;
using Paas.Core.Workflows;
using Paas.Data.Records;
using Paas.Data.Scripting;
using Paas.Data.Storage;

namespace Paas.Data.Workflows;

/// <summary>
/// Enforces an object's stage process on every write of its stage field: the move must be an allowed transition, and
/// leaving a stage forward needs its gates met (all unmet gates are reported together); entering a stage records it in
/// the stage history and creates the stage's tasks.
/// </summary>
public static class StageGuard
{
    public static async Task CheckTransitionAsync(TenantSession session, StageProcessDefinition process, string? from, string? to, Dictionary<string, object?> record,
        Func<string, Task<bool>> approved)
    {
        var errors = new FieldErrorList();
        var field = process.Field;
        var target = process.IndexOf(to);
        if (target < 0)
        {
            throw PaasException.Validation(field, to is null
                ? $"A {process.Object} in the stage process needs a stage."
                : $"'{to}' is not a stage of the {process.Object} stage process.");
        }

        var current = process.IndexOf(from);
        if (current < 0 || current == target)
        {
            return;
        }

        var stage = process.Stages[current];
        if (target < current)
        {
            if (!stage.AllowBack)
            {
                throw PaasException.Validation(field, $"A {process.Object} cannot move back from '{stage.Value}'.");
            }

            return;
        }

        if (target > current + 1 && !stage.AllowSkip)
        {
            throw PaasException.Validation(field, $"A {process.Object} moves from '{stage.Value}' to '{process.Stages[current + 1].Value}' next; it cannot skip to '{to}'.");
        }

        for (var i = 0; i < stage.Gates.Count; i++)
        {
            var gate = stage.Gates[i];
            var met = gate.Type switch
            {
                StageGateType.RequiredFields => gate.Fields.All(f => record.GetValueOrDefault(f) is not (null or "")),
                StageGateType.Condition => Evaluate(session, process, stage, i, gate.Expression!, record),
                _ => await approved(gate.Process!),
            };
            if (!met)
            {
                errors.Add(field, gate.Message ?? gate.Type switch
                {
                    StageGateType.RequiredFields => $"Leaving '{stage.Value}' needs {string.Join(", ", gate.Fields.Where(f => record.GetValueOrDefault(f) is null or ""))}.",
                    StageGateType.Condition => $"Leaving '{stage.Value}' needs: {gate.Expression}.",
                    _ => $"Leaving '{stage.Value}' needs the approval '{gate.Process}'.",
                });
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>Records that the record entered <paramref name="stage"/> and creates the stage's tasks (as the platform, in the caller's name).</summary>
    public static async Task EnteredAsync(TenantSession session, Caller caller, TimeProvider time, StageProcessDefinition process, Guid recordId, string stage, CancellationToken ct)
    {
        await StageStore.EnterAsync(session, process.Object, recordId, stage, caller.UserId, time.GetUtcNow(), ct);
        var definition = process.Stages.FirstOrDefault(s => s.Value == stage);
        if (definition is null || definition.Tasks.Count == 0)
        {
            return;
        }

        var access = session.Access;
        session.Access = null;
        try
        {
            foreach (var task in definition.Tasks)
            {
                var target = session.Metadata.FindObject(task.Object) ?? throw PaasException.Validation(process.Field, $"The stage task's object '{task.Object}' is not available.");
                var values = task.Values.ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == JsonValueKind.String && kv.Value.GetString() == "$record.id"
                    ? recordId.ToString()
                    : (object?)kv.Value);
                await new RecordWritePipeline(session, caller, time).CreateAsync(target, [values], ct);
            }
        }
        finally
        {
            session.Access = access;
        }
    }

    private static bool Evaluate(TenantSession session, StageProcessDefinition process, StageDefinition stage, int gate, string expression, Dictionary<string, object?> record)
    {
        var scripts = session.Scripts ?? throw new InvalidOperationException("Stage gates with conditions need a session with a script environment.");
        var outcome = scripts.Runner.Run(new ScriptExecution
        {
            Script = new ScriptSource($"{session.Tenant.Slug}/stage/{process.Object}/{session.Metadata.Version}/{stage.Value}/{gate}", $"{process.Object} stage gate",
                "const record = ctx.record;\nreturn (\n" + expression + "\n);"),
            Kind = "stageGate",
            Context = new Dictionary<string, object?> { ["record"] = ScriptValues.ToPlain(record) },
            Governor = scripts.Governor,
        });
        return outcome.Result is true;
    }
}
