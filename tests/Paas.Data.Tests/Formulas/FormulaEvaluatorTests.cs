using System.Globalization;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Formulas;
using Paas.Testing;

namespace Paas.Data.Tests.Formulas;

/// <summary>
/// Formulas computed after the read give exactly what their SQL gives: the same value with the same decimals, on both
/// providers, for values that round half-way, negative values, empty values and the largest amounts a column holds.
/// </summary>
public sealed class FormulaEvaluatorTests
{
    private static readonly (string Formula, FieldType ReturnType, int Scale)[] Arithmetic =
    [
        ("ROUND(amount * 1.2, 2)", FieldType.Currency, 2),
        ("amount * 1.2", FieldType.Currency, 2),
        ("amount * 1.2", FieldType.Number, 4),
        ("amount * 1.25", FieldType.Currency, 1),
        ("amount * discount * 0.01", FieldType.Currency, 2),
        ("amount - amount * discount * 0.01", FieldType.Currency, 2),
        ("ROUND(amount, 1)", FieldType.Number, 2),
        ("ROUND(amount, 0)", FieldType.Currency, 2),
        ("ROUND(amount * 0.333, 0)", FieldType.Number, 2),
        ("ROUND(amount * 1.5, 5)", FieldType.Number, 2),
        ("ROUND(amount * 1.5, 5)", FieldType.Number, 6),
        ("-amount + 0.005", FieldType.Number, 2),
        ("amount * 1.23456789 * 0.1", FieldType.Number, 4),
        ("amount * 0.000000001 * 3", FieldType.Number, 9),
        ("probability * 0.5", FieldType.Percent, 1),
        ("probability", FieldType.Number, 2),
        ("amount - probability", FieldType.Number, 3),
        ("(amount + 1) * (discount - 2.5)", FieldType.Number, 2),
    ];

    private static readonly (string Formula, FieldType ReturnType, int? Scale)[] LeftToSql =
    [
        ("amount / 7", FieldType.Number, 2),
        ("IF(won, amount, 0)", FieldType.Number, 2),
        ("account.rating * 1.5", FieldType.Number, 2),
        ("probability * 2", FieldType.Number, 2),
        ("amount * 1.2", FieldType.Integer, null),
        ("TEXT(amount * 1.2)", FieldType.Text, null),
        ("ABS(amount) * 1.5", FieldType.Number, 2),
        // Values that could leave decimal's 28 digits: a bigint times an amount, an amount times a large number.
        ("amount * probability", FieldType.Number, 2),
        ("amount ?? 0", FieldType.Number, 2),
        ("amount * 1000000000000", FieldType.Number, 2),
    ];

    private static readonly decimal?[] Amounts = [0.05m, -0.05m, 1.25m, -1.25m, 2.5m, -2.5m, 0m, 0.01m, 12.34m, 99999999.99m, -12345678.91m, null];

    /// <summary>The largest amounts CURRENCY(18,2) holds: SQLite's SQL computes a formula exactly only while its scaled values stay within 2^53.</summary>
    private static readonly decimal?[] LargestAmounts = [9999999999999999.99m, -9999999999999999.99m];

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Arithmetic_over_the_record_is_computed_after_the_read_exactly_as_the_SQL_computes_it(DatabaseProvider provider)
    {
        var crm = await FormulaCrm.CreateAsync(provider);
        var ids = new List<Guid>();
        decimal?[] amounts = provider == DatabaseProvider.Postgres ? [.. Amounts, .. LargestAmounts] : Amounts;
        for (var i = 0; i < amounts.Length; i++)
        {
            ids.Add(await crm.Tenant.InsertAsync("Opportunity", new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = "o" + i.ToString(CultureInfo.InvariantCulture),
                ["amount"] = amounts[i],
                ["probability"] = i % 4 == 3 ? null : (long)((i * 37 % 201) - 100),
                ["discount"] = i % 5 == 4 ? null : ((i * 13 % 41) - 20) * 2.5m,
            }));
        }

        var failures = new List<string>();
        foreach (var (formula, returnType, scale) in Arithmetic)
        {
            var field = FormulaCrm.Formula(formula, returnType, scale);
            var metadata = await crm.MetadataAsync(("Opportunity", field));
            var analysis = FormulaCompiler.Analyze(metadata, metadata.FindObject("Opportunity")!, field);
            var evaluator = FormulaEvaluator.TryCreate(analysis, provider);
            if (evaluator is null)
            {
                failures.Add($"{formula} ({returnType}, scale {scale}) should be computed after the read");
                continue;
            }

            foreach (var id in ids)
            {
                var (sqlValue, inputs) = await ReadAsync(crm, analysis, field, id);
                var computed = evaluator.Evaluate(inputs);
                if (!Equals(sqlValue, computed) || Show(sqlValue) != Show(computed))
                {
                    failures.Add($"{formula} ({returnType}, scale {scale}) with {string.Join(", ", inputs.Select(Show))}: SQL {Show(sqlValue)}, computed {Show(computed)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{provider}:\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Anything_else_is_left_to_the_SQL(DatabaseProvider provider)
    {
        var crm = await FormulaCrm.CreateAsync(provider);
        foreach (var (formula, returnType, scale) in LeftToSql)
        {
            var field = FormulaCrm.Formula(formula, returnType, scale);
            var metadata = await crm.MetadataAsync(("Opportunity", field));
            var analysis = FormulaCompiler.Analyze(metadata, metadata.FindObject("Opportunity")!, field);
            Assert.True(analysis.IsSqlCompilable, formula);
            Assert.True(FormulaEvaluator.TryCreate(analysis, provider) is null, $"{formula} ({returnType}) should be computed by the SQL");
        }
    }

    private static string Show(object? value) => value is null ? "null" : $"{Convert.ToString(value, CultureInfo.InvariantCulture)} ({value.GetType().Name})";

    /// <summary>The formula's value as its SQL computes it, and the stored values it reads, decoded as the list reader decodes them.</summary>
    private static async Task<(object? Value, object?[] Inputs)> ReadAsync(FormulaCrm crm, FormulaAnalysis analysis, FieldDefinition field, Guid id)
    {
        await using var session = await crm.Tenant.OpenSessionAsync();
        var owner = analysis.Owner;
        var d = session.Dialect;
        var columns = new List<string> { FormulaSql.Render(analysis, field, d, "r", session.Table) };
        columns.AddRange(analysis.Paths.Select(p => FormulaSql.RenderPath(p, d, "r", session.Table)));
        var statement = session.Statement();
        statement.Append($"SELECT {string.Join(", ", columns)} FROM {session.Table(owner)} r WHERE r.{d.Quote(owner.IdField.Column)} = {statement.Parameter(owner.IdField, id)}");
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var value = d.FromDb(field with { Type = field.ValueType }, reader.GetValue(0));
        var inputs = analysis.Paths.Select((p, i) => d.FromDb(p.Target, reader.GetValue(i + 1))).ToArray();
        return (value, inputs);
    }
}
