using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;
using Paas.Core.Scripting;
using Paas.Data.Formulas;
using Paas.Data.Scripting;
using Paas.Data.Storage;

namespace Paas.Data.Query;

/// <summary>
/// FORMULA fields that do not compile to SQL: evaluated in the sandbox for each row read, from the values of the paths
/// the formula uses (selected with the row), within the session's script budget. They cannot be filtered or sorted on.
/// </summary>
public static class ScriptedFormulas
{
    public static object? Evaluate(TenantSession session, ObjectDefinition owner, FieldDefinition field, FormulaAnalysis analysis, IReadOnlyList<object?> inputs)
    {
        var scripts = session.Scripts
            ?? throw new InvalidOperationException("Reading a formula that runs in JavaScript needs a session with a script environment.");
        var record = ScriptValues.ToPlain(FormulaScript.BuildRecord(analysis, inputs));
        var source = new ScriptSource($"{session.Tenant.Slug}/formula/{owner.ApiName}.{field.ApiName}/{session.Metadata.Version}", $"{owner.ApiName}.{field.ApiName}",
            FormulaScript.ToJavaScript(analysis, "ctx.record"), ScriptMode.Expression);
        var outcome = scripts.Runner.Run(new ScriptExecution
        {
            Script = source,
            Kind = "formula",
            Context = new Dictionary<string, object?> { ["record"] = record },
            Governor = scripts.Governor,
        });
        var valueField = ComputedFields.ValueField(field);
        if (!FieldValueCoercer.TryCoerce(valueField, ScriptValues.FromScript(valueField, outcome.Result), out var value, out var problem))
        {
            throw new PaasException(ErrorCodes.ScriptError, $"Formula field '{owner.ApiName}.{field.ApiName}' gave a value that is not a {valueField.Type.ToContractName()}: {problem}");
        }

        return value;
    }
}
