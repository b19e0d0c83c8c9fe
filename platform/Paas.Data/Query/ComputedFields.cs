using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Formulas;
using Paas.Data.Sql;

namespace Paas.Data.Query;

/// <summary>
/// FORMULA and ROLLUP fields have no column: each is a SQL expression evaluated where the field is read or filtered.
/// A formula compiles to an expression over the record and its lookups; a roll-up is a correlated subquery over the
/// master-detail children, so it is right after every insert, update, delete and reparenting of a child by
/// construction (the children's master-detail column is always indexed). Both see every child and related record
/// regardless of the reader's record access, as roll-ups and cross-object formulas do in Salesforce; who may read the
/// field itself is decided by field-level security like any field.
/// </summary>
public static class ComputedFields
{
    private static readonly ConditionalWeakTable<TenantMetadata, ConcurrentDictionary<(string, string), FormulaAnalysis>> Analyses = new();

    // A formula's SQL has no parameters and depends only on the snapshot (its tables) and the alias: rendered once.
    private static readonly ConditionalWeakTable<TenantMetadata, ConcurrentDictionary<(string, string, string), string>> Rendered = new();

    /// <summary>The SQL that reads <paramref name="field"/> of the record aliased <paramref name="alias"/>, in the dialect's stored encoding of its value type.</summary>
    public static string Expression(SqlStatement statement, TenantMetadata metadata, Func<ObjectDefinition, string> table, ObjectDefinition owner,
        FieldDefinition field, string alias)
    {
        var d = statement.Dialect;
        return field.Type switch
        {
            FieldType.Rollup => Rollup(statement, metadata, table, owner, field, alias),
            FieldType.Formula => Analysis(metadata, owner, field) is { IsSqlCompilable: true } analysis
                ? Rendered.GetValue(metadata, static _ => new()).GetOrAdd((owner.ApiName, field.ApiName, alias), _ => FormulaSql.Render(analysis, field, d, alias, table))
                : throw PaasException.Validation(field.ApiName, $"'{field.ApiName}' is computed after the read: it cannot be filtered or sorted on."),
            _ => $"{alias}.{d.Quote(field.Column)}",
        };
    }

    /// <summary>Whether the field can be filtered and sorted on: stored fields, roll-ups and formulas that compile to SQL.</summary>
    public static bool IsQueryable(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition field) =>
        field.Type != FieldType.Formula || Analysis(metadata, owner, field).IsSqlCompilable;

    /// <summary>The field as its values are typed: a computed field's return type, with its precision and scale.</summary>
    public static FieldDefinition ValueField(FieldDefinition field) => field.IsComputed ? field with { Type = field.ValueType } : field;

    /// <summary>
    /// The in-process evaluator of a SQL-compilable formula that is plain arithmetic over the record's own numbers (see
    /// <see cref="FormulaEvaluator"/>), or null: such a formula is read as the fields it uses and computed after the read.
    /// </summary>
    public static FormulaEvaluator? Evaluator(FormulaAnalysis analysis, Paas.Core.Configuration.DatabaseProvider provider) =>
        Evaluators.GetValue(analysis, static _ => new()).GetOrAdd(provider, static (p, a) => FormulaEvaluator.TryCreate(a, p), analysis);

    private static readonly ConditionalWeakTable<FormulaAnalysis, ConcurrentDictionary<Paas.Core.Configuration.DatabaseProvider, FormulaEvaluator?>> Evaluators = new();

    public static FormulaAnalysis Analysis(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition field) =>
        Analyses.GetValue(metadata, static _ => new()).GetOrAdd((owner.ApiName, field.ApiName), _ => FormulaCompiler.Analyze(metadata, owner, field));

    private static string Rollup(SqlStatement statement, TenantMetadata metadata, Func<ObjectDefinition, string> table, ObjectDefinition owner,
        FieldDefinition field, string alias)
    {
        var d = statement.Dialect;
        var rollup = field.Rollup!;
        var child = metadata.FindObject(rollup.ChildObject)
            ?? throw PaasException.Validation(field.ApiName, $"The roll-up's object '{rollup.ChildObject}' is no longer available.");
        var relation = child.FindField(rollup.Relationship)
            ?? throw PaasException.Validation(field.ApiName, $"The roll-up's relationship '{rollup.Relationship}' is no longer available.");
        var c = statement.Alias("ru");
        var value = rollup.Field is null ? null : child.FindField(rollup.Field)
            ?? throw PaasException.Validation(field.ApiName, $"The roll-up's field '{rollup.Field}' is no longer available.");
        var aggregate = rollup.Function switch
        {
            RollupFunction.Count => "COUNT(*)",
            RollupFunction.Sum => $"COALESCE(SUM({c}.{d.Quote(value!.Column)}), 0)",
            RollupFunction.Min => $"MIN({c}.{d.Quote(value!.Column)})",
            _ => $"MAX({c}.{d.Quote(value!.Column)})",
        };
        var where = $"{c}.{d.Quote(relation.Column)} = {alias}.{d.Quote(owner.IdField.Column)}";
        if (rollup.Filter is not null)
        {
            where += " AND (" + new FilterCompiler(statement, metadata, table).Compile(child, c, ParseFilter(rollup.Filter)) + ")";
        }

        return $"(SELECT {aggregate} FROM {table(child)} {c} WHERE {where})";
    }

    /// <summary>A stored roll-up filter (JSON) as the plain data the filter compiler takes.</summary>
    public static IReadOnlyDictionary<string, object?> ParseFilter(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        return FromJson(document.RootElement) as IReadOnlyDictionary<string, object?>
            ?? throw PaasException.Validation("rollup.filter", "A roll-up filter is a JSON object, as in the data API.");
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
