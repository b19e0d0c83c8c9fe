using Acornima;
using Acornima.Ast;
using Paas.Core.Metadata;
using Paas.Data.Formulas;
using static Paas.Data.Tests.Formulas.FormulaMetadata;

namespace Paas.Data.Tests.Formulas;

/// <summary>The JavaScript side: the prelude parses and defines every function; generated code parses and embeds user text safely.</summary>
public sealed class FormulaScriptTests
{
    private static readonly string[] Functions =
    [
        "IF", "CASE", "ISBLANK", "BLANKVALUE", "AND", "OR", "NOT", "UPPER", "LOWER", "TRIM", "LEN", "LEFT", "RIGHT", "MID",
        "CONTAINS", "BEGINS", "SUBSTITUTE", "TEXT", "VALUE", "ROUND", "FLOOR", "CEILING", "ABS", "MIN", "MAX", "MOD",
        "TODAY", "NOW", "YEAR", "MONTH", "DAY", "DATE", "ADD_DAYS", "ADD_MONTHS", "DAYS_BETWEEN",
    ];

    private static FormulaAnalysis Analyze(string formula, FieldType returnType = FieldType.Text, TenantMetadata? metadata = null)
    {
        metadata ??= Crm();
        return FormulaCompiler.Analyze(metadata, metadata.FindObject("Opportunity")!, Formula("calc", formula, returnType, 2));
    }

    [Fact]
    public void The_prelude_parses_and_declares_every_function()
    {
        var script = new Parser().ParseScript(FormulaScript.Prelude, null, true);

        var declared = script.Body.ToArray().OfType<VariableDeclaration>()
            .SelectMany(d => d.Declarations.ToArray())
            .SelectMany(d => d.Id switch
            {
                Identifier id => [id.Name],
                ObjectPattern pattern => pattern.Properties.ToArray().OfType<Property>().Select(p => ((Identifier)p.Value).Name),
                _ => [],
            })
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("__formula", declared);
        Assert.Empty(Functions.Except(declared));
        foreach (var name in Functions)
        {
            Assert.Contains($"    {name}: ", FormulaScript.Prelude, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("name.split(' ')[0] + '!'", FieldType.Text)]
    [InlineData("`${name}: ${TEXT(amount)}`", FieldType.Text)]
    [InlineData("[name, stage].filter(x => x != null).join(', ')", FieldType.Text)]
    [InlineData("Math.max(amount, probability) * 2", FieldType.Currency)]
    [InlineData("CASE(account.industry, 'Tech', 1, 2) + VALUE(stage)", FieldType.Number)]
    [InlineData("IF(won && amount > 100, signedAt, closeDate + 1)", FieldType.DateTime)]
    [InlineData("({ a: name, [stage]: 1, ...{ b: 2 } })[stage] ?? 0", FieldType.Integer)]
    [InlineData("account?.name?.length > 3 || !won", FieldType.Boolean)]
    [InlineData("MIN(closeDate, signedAt) ", FieldType.DateTime)]
    [InlineData("String.raw`a\\b` + (typeof name) + (2 ** 3)", FieldType.Text)]
    public void Generated_code_parses_as_a_function_and_as_an_expression(string formula, FieldType returnType)
    {
        var analysis = Analyze(formula, returnType);

        var function = new Parser().ParseExpression(FormulaScript.ToFunction(analysis), null, true);
        var expression = new Parser().ParseExpression(FormulaScript.ToJavaScript(analysis, "ctx.record"), null, true);

        var parameter = Assert.IsType<Identifier>(Assert.Single(Assert.IsType<FunctionExpression>(function).Params.ToArray()));
        Assert.Equal("record", parameter.Name);
        var call = Assert.IsType<CallExpression>(expression);
        var record = Assert.IsType<MemberExpression>(Assert.Single(call.Arguments.ToArray()));
        Assert.Equal("ctx", Assert.IsType<Identifier>(record.Object).Name);
    }

    [Fact]
    public void Compilable_formulas_also_have_javascript_with_the_same_helpers()
    {
        var function = FormulaScript.ToFunction(Analyze("amount * probability / 100", FieldType.Currency));

        Assert.Contains("__formula.div(__formula.mul(__formula.get(record, [\"amount\"]), __formula.get(record, [\"probability\"])), 100)", function);
        Assert.Contains("\"CURRENCY\", 2)", function);
    }

    [Fact]
    public void Relations_read_their_id_and_datetimes_are_normalised()
    {
        var function = FormulaScript.ToFunction(Analyze("TEXT(account) + account.parent.name + signedAt"));

        Assert.Contains("__formula.get(record, [\"account\", \"id\"])", function);
        Assert.Contains("__formula.get(record, [\"account\", \"parent\", \"name\"])", function);
        Assert.Contains("__formula.dt(__formula.get(record, [\"signedAt\"]))", function);
    }

    [Theory]
    [InlineData("'\"); globalThis.x = 1; (\"'")]
    [InlineData("'</script>\\u2028\\u2029\\n\\\\'")]
    [InlineData("\"`${x}`\"")]
    public void Text_literals_stay_one_string_literal(string formula)
    {
        var analysis = Analyze(formula);
        var expected = ((StringLiteral)new Parser().ParseExpression(formula, null, true)).Value;

        var function = (FunctionExpression)new Parser().ParseExpression(FormulaScript.ToFunction(analysis), null, true);

        var body = function.Body.Body.ToArray();
        var returned = Assert.IsType<CallExpression>(Assert.IsType<ReturnStatement>(body[^1]).Argument);
        Assert.Equal(expected, Assert.IsType<StringLiteral>(returned.Arguments[0]).Value);
    }

    [Theory]
    [InlineData("record; evil()")]
    [InlineData("a[0]")]
    [InlineData("")]
    public void The_record_reference_must_be_a_plain_path(string record) =>
        Assert.Throws<ArgumentException>(() => FormulaScript.ToJavaScript(Analyze("name"), record));

    [Fact]
    public void The_record_nests_values_along_their_paths()
    {
        var analysis = Analyze("name.length + account.industry + account.parent.name + account + TEXT(amount)");
        var acme = Guid.NewGuid();

        var record = FormulaScript.BuildRecord(analysis, ["Big", "Tech", "Holding", acme, 12.5m]);

        Assert.Equal(["name", "account.industry", "account.parent.name", "account", "amount"], analysis.Paths.Select(p => p.ToString()));
        Assert.Equal("Big", record["name"]);
        Assert.Equal(12.5m, record["amount"]);
        var account = Assert.IsType<Dictionary<string, object?>>(record["account"]);
        Assert.Equal("Tech", account["industry"]);
        Assert.Equal(acme, account["id"]);
        Assert.Equal("Holding", Assert.IsType<Dictionary<string, object?>>(account["parent"])["name"]);
        Assert.Throws<ArgumentException>(() => FormulaScript.BuildRecord(analysis, ["Big"]));
    }
}
