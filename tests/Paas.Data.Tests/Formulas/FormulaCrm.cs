using System.Globalization;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Formulas;
using Paas.Data.Storage;
using Paas.Data.Tests.Support;

namespace Paas.Data.Tests.Formulas;

/// <summary>
/// A tenant with Account (industry, parent, rating) and Opportunity (amount CURRENCY(18,2), probability, closeDate,
/// signedAt, won, stage, discount PERCENT(5,1), account) and a few records, plus ways to evaluate a formula on a
/// record through SQL. Formula fields live only in the metadata snapshot given to the compiler.
/// </summary>
public sealed class FormulaCrm
{
    private FormulaCrm(TestTenant tenant, IReadOnlyDictionary<string, Guid> ids)
    {
        Tenant = tenant;
        Ids = ids;
    }

    public TestTenant Tenant { get; }

    /// <summary>Record ids by name: Holding, Acme (Accounts); Big, Small, Empty (Opportunities).</summary>
    public IReadOnlyDictionary<string, Guid> Ids { get; }

    public static async Task<FormulaCrm> CreateAsync(DatabaseProvider provider)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateFieldAsync("Account", "industry", FieldType.Picklist, f => f with { Values = ["Tech", "Retail", "Energy"] });
        await t.CreateFieldAsync("Account", "parent", FieldType.Lookup, f => f with { Target = "Account" });
        await t.CreateFieldAsync("Account", "rating", FieldType.Integer);
        await t.CreateObjectAsync("Opportunity");
        await t.CreateFieldAsync("Opportunity", "amount", FieldType.Currency, f => f with { Precision = 18, Scale = 2 });
        await t.CreateFieldAsync("Opportunity", "probability", FieldType.Integer);
        await t.CreateFieldAsync("Opportunity", "closeDate", FieldType.Date);
        await t.CreateFieldAsync("Opportunity", "signedAt", FieldType.DateTime);
        await t.CreateFieldAsync("Opportunity", "won", FieldType.Boolean);
        await t.CreateFieldAsync("Opportunity", "stage", FieldType.Picklist, f => f with { Values = ["Open", "Won", "Lost"] });
        await t.CreateFieldAsync("Opportunity", "discount", FieldType.Percent, f => f with { Precision = 5, Scale = 1 });
        await t.CreateFieldAsync("Opportunity", "account", FieldType.Lookup, f => f with { Target = "Account" });

        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        ids["Holding"] = await t.InsertAsync("Account", """{"name": "Holding", "industry": "Energy", "rating": 9}""");
        ids["Acme"] = await t.InsertAsync("Account", Map(("name", "Acme"), ("industry", "Tech"), ("rating", 3L), ("parent", ids["Holding"].ToString())));
        ids["Big"] = await t.InsertAsync("Opportunity", Map(
            ("name", "Big Deal"), ("amount", 123.45m), ("probability", 30L), ("closeDate", "2024-01-31"),
            ("signedAt", "2024-03-10T12:00:00.123456Z"), ("won", true), ("stage", "Won"), ("discount", 12.5m),
            ("account", ids["Acme"].ToString())));
        ids["Small"] = await t.InsertAsync("Opportunity", Map(
            ("name", "small"), ("amount", -0.05m), ("probability", 0L), ("closeDate", "2023-12-31"),
            ("signedAt", "2023-12-31T23:30:00Z"), ("won", false), ("stage", "Lost"), ("discount", 0m),
            ("account", ids["Holding"].ToString())));
        ids["Empty"] = await t.InsertAsync("Opportunity", """{"name": "Empty"}""");
        return new FormulaCrm(t, ids);
    }

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>A FORMULA field definition (not stored).</summary>
    public static FieldDefinition Formula(string formula, FieldType returnType, int? scale = null, string apiName = "calc") => new()
    {
        ApiName = apiName, Label = apiName, Type = FieldType.Formula, Column = apiName, Formula = formula, ReturnType = returnType, Scale = scale,
    };

    /// <summary>The tenant's metadata with formula fields added to objects (by object API name).</summary>
    public async Task<TenantMetadata> MetadataAsync(params (string Object, FieldDefinition Field)[] formulas)
    {
        var metadata = await Tenant.MetadataAsync();
        var objects = metadata.AllObjects.Select(o => formulas.Where(f => f.Object == o.ApiName).Aggregate(o, (acc, f) => acc.WithField(f.Field))).ToList();
        return new TenantMetadata(metadata.Version, objects, metadata.Security);
    }

    /// <summary>Evaluates <paramref name="field"/> on one Opportunity through SQL and decodes it as its value type.</summary>
    public async Task<object?> EvaluateAsync(string record, FieldDefinition field, TenantMetadata? metadata = null)
    {
        metadata ??= await MetadataAsync();
        var owner = metadata.FindObject("Opportunity")!;
        var analysis = FormulaCompiler.Analyze(metadata, owner, field);
        Assert.True(analysis.IsSqlCompilable, analysis.NotCompilableReason);
        await using var session = await Tenant.OpenSessionAsync();
        var sql = FormulaSql.Render(analysis, field, session.Dialect, "r", session.Table);
        var statement = session.Statement();
        statement.Append($"SELECT {sql} FROM {session.Table(owner)} r WHERE r.{session.Dialect.Quote(owner.IdField.Column)} = {statement.Parameter(owner.IdField, Ids[record])}");
        return session.Dialect.FromDb(field with { Type = field.ValueType }, await session.ScalarAsync(statement, CancellationToken.None));
    }

    public Task<object?> EvaluateAsync(string record, string formula, FieldType returnType, int? scale = null) =>
        EvaluateAsync(record, Formula(formula, returnType, scale));

    /// <summary>Runs <paramref name="build"/>'s statement and returns the first column of each row as text.</summary>
    public async Task<IReadOnlyList<string?>> ColumnAsync(Func<TenantSession, Paas.Data.Sql.SqlStatement, Task> build)
    {
        await using var session = await Tenant.OpenSessionAsync();
        var statement = session.Statement();
        await build(session, statement);
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return values;
    }
}

/// <summary>One <see cref="FormulaCrm"/> per provider, shared by the read-only tests of a class.</summary>
public sealed class SharedFormulaCrm() : SharedData<FormulaCrm>(FormulaCrm.CreateAsync, c => c.Tenant);
