using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Formulas;
using static Paas.Data.Tests.Formulas.FormulaMetadata;

namespace Paas.Data.Tests.Formulas;

/// <summary>Analysis without a database: syntax and type errors with positions, references, refusals, classification, limits.</summary>
public sealed class FormulaCompilerTests
{
    private static FormulaAnalysis Analyze(string formula, FieldType returnType = FieldType.Number, TenantMetadata? metadata = null, string apiName = "calc")
    {
        metadata ??= Crm();
        return FormulaCompiler.Analyze(metadata, metadata.FindObject("Opportunity")!, Formula(apiName, formula, returnType, 2));
    }

    private static string Refused(string formula, FieldType returnType = FieldType.Number, TenantMetadata? metadata = null, string apiName = "calc")
    {
        var error = Assert.Throws<PaasException>(() => Analyze(formula, returnType, metadata, apiName));
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("formula", Assert.Single(error.FieldErrors).Field);
        return error.FieldErrors[0].Message;
    }

    [Fact]
    public void Syntax_errors_give_the_line_and_column()
    {
        Assert.StartsWith("line 2, column 3: ", Refused("amount +\n  * 2"));
        Assert.StartsWith("line 1, column 11: Unexpected end of input", Refused("(amount + "));
        Assert.StartsWith("line 1, column 7: ", Refused("amount; probability"));
    }

    [Theory]
    [InlineData("name + true", FieldType.Text, "line 1, column 6: cannot add TEXT and BOOLEAN (use TEXT() to turn a BOOLEAN into text)")]
    [InlineData("amount * (probability\n  + won)", FieldType.Number, "line 2, column 3: cannot add INTEGER and BOOLEAN")]
    [InlineData("amount - name", FieldType.Number, "line 1, column 8: cannot subtract TEXT from NUMBER")]
    [InlineData("closeDate - signedAt", FieldType.Number, "line 1, column 11: cannot subtract DATETIME from DATE (use DAYS_BETWEEN for the days between two dates and times)")]
    [InlineData("amount / stage", FieldType.Number, "line 1, column 8: cannot divide NUMBER and TEXT")]
    [InlineData("amount == name", FieldType.Boolean, "line 1, column 8: cannot compare NUMBER and TEXT")]
    [InlineData("won < true", FieldType.Boolean, "line 1, column 5: cannot compare BOOLEAN and BOOLEAN with '<'")]
    [InlineData("amount && won", FieldType.Boolean, "line 1, column 8: '&&' needs BOOLEAN operands, not NUMBER")]
    [InlineData("!amount", FieldType.Boolean, "line 1, column 2: '!' needs a BOOLEAN, not NUMBER")]
    [InlineData("-name", FieldType.Number, "line 1, column 2: '-' needs a NUMBER, not TEXT")]
    [InlineData("amount ? 1 : 2", FieldType.Number, "line 1, column 1: the condition must be a BOOLEAN, not NUMBER")]
    [InlineData("won ? 1 : 'x'", FieldType.Number, "line 1, column 11: both branches of '?' must have the same type, not INTEGER and TEXT")]
    [InlineData("IF(won, name, amount)", FieldType.Text, "line 1, column 15: IF: argument 3: all values must have the same type, not TEXT and NUMBER")]
    [InlineData("UPPER(amount)", FieldType.Text, "line 1, column 7: UPPER: argument 1: expected TEXT, not NUMBER")]
    [InlineData("YEAR(name)", FieldType.Integer, "line 1, column 6: YEAR: argument 1: expected a DATE or DATETIME, not TEXT")]
    [InlineData("CASE(stage, 1, 'a', 'b')", FieldType.Text, "line 1, column 13: CASE: argument 2: cannot compare TEXT with INTEGER")]
    [InlineData("MAX(won, won)", FieldType.Boolean, "line 1, column 5: MAX: argument 1: cannot order BOOLEAN values")]
    [InlineData("ROUND(amount, probability)", FieldType.Number, "line 1, column 15: ROUND: argument 2: the number of digits must be a whole number from 0 to 9, written as a number")]
    public void Type_errors_say_what_and_where(string formula, FieldType returnType, string message) =>
        Assert.Equal(message, Refused(formula, returnType));

    [Theory]
    [InlineData("amont * 2", "line 1, column 1: unknown field 'amont' on Opportunity")]
    [InlineData("amount + account.industy", "line 1, column 18: unknown field 'industy' on Account")]
    [InlineData("account.parent.nme", "line 1, column 16: unknown field 'nme' on Account")]
    [InlineData("FOO(amount)", "line 1, column 1: unknown function 'FOO'")]
    [InlineData("amount(1)", "line 1, column 1: 'amount' is a field, not a function")]
    [InlineData("LEFT(name)", "line 1, column 1: LEFT takes 2 arguments, not 1")]
    [InlineData("TODAY(1)", "line 1, column 1: TODAY takes 0 arguments, not 1")]
    [InlineData("AND()", "line 1, column 1: AND takes at least 1 argument, not 0")]
    [InlineData("account.revenue", "line 1, column 9: 'revenue' is a ROLLUP field, which formulas cannot use")]
    [InlineData("account.profile", "line 1, column 9: 'profile' is a JSON field, which formulas cannot use")]
    [InlineData("account.tags", "line 1, column 9: 'tags' is a MULTI_PICKLIST field, which formulas cannot use")]
    [InlineData("'a\\u0000b'", "line 1, column 1: text must not contain NUL characters")]
    [InlineData("amount * 0.0000000001", "line 1, column 10: a number may have at most 9 decimal places")]
    [InlineData("99999999999999999999", "line 1, column 1: the number is too large")]
    public void Unknown_names_wrong_calls_and_unusable_fields_are_refused(string formula, string message) =>
        Assert.Equal(message, Refused(formula));

    [Theory]
    [InlineData("amount = 1")]
    [InlineData("probability++")]
    [InlineData("--probability")]
    [InlineData("new Date()")]
    [InlineData("this.amount")]
    [InlineData("await amount")]
    [InlineData("function () { return 1; }")]
    [InlineData("(() => { return 1; })()")]
    [InlineData("(async x => x)(1)")]
    [InlineData("(class {})")]
    [InlineData("eval('1')")]
    [InlineData("Function('return 1')()")]
    [InlineData("delete account.name")]
    [InlineData("name.constructor")]
    [InlineData("name['__proto__']")]
    [InlineData("name.split('').map(record => record)")]
    [InlineData("({ get x() { return 1; } }).x")]
    [InlineData("({ m() { return 1; } }).m()")]
    [InlineData("import('x')")]
    public void Forbidden_constructs_are_validation_errors(string formula) => Refused(formula, FieldType.Text);

    [Theory]
    [InlineData("name.split(' ')[0]", "line 1, column 1: method calls like '.split(…)' are evaluated in JavaScript")]
    [InlineData("`${name}!`", "line 1, column 1: template literals are evaluated in JavaScript")]
    [InlineData("TEXT(name.length)", "line 1, column 6: property access '.length' is evaluated in JavaScript")]
    [InlineData("TEXT(Math.max(amount, 1))", "line 1, column 6: method calls like '.max(…)' are evaluated in JavaScript")]
    [InlineData("TEXT(parseInt(name))", "line 1, column 6: 'parseInt(…)' is JavaScript")]
    [InlineData("TEXT(VALUE(name))", "line 1, column 6: VALUE is evaluated in JavaScript")]
    [InlineData("name + [1, 2].join()", "line 1, column 8: method calls like '.join(…)' are evaluated in JavaScript")]
    [InlineData("TEXT(/a+/.test(name))", "line 1, column 6: method calls like '.test(…)' are evaluated in JavaScript")]
    [InlineData("TEXT((1, 2))", "line 1, column 7: the comma operator is evaluated in JavaScript")]
    [InlineData("TEXT(2 ** probability)", "line 1, column 6: the '**' operator is evaluated in JavaScript")]
    [InlineData("TEXT(typeof name)", "line 1, column 6: the 'typeof' operator is evaluated in JavaScript")]
    [InlineData("name.split(' ').map(w => UPPER(w)).join(' ')", "line 1, column 1: method calls like '.join(…)' are evaluated in JavaScript")]
    [InlineData("account.name?.trim()", "line 1, column 1: method calls like '.trim(…)' are evaluated in JavaScript")]
    public void JavaScript_only_constructs_make_the_formula_not_compilable(string formula, string reason)
    {
        var analysis = Analyze(formula, FieldType.Text);

        Assert.False(analysis.IsSqlCompilable);
        Assert.Equal(reason, analysis.NotCompilableReason);
    }

    [Theory]
    [InlineData("amount * probability / 100", FieldType.Currency, FieldType.Number)]
    [InlineData("probability * 2 + 1", FieldType.Integer, FieldType.Integer)]
    [InlineData("name + ' (' + stage + ')'", FieldType.Text, FieldType.Text)]
    [InlineData("account", FieldType.Text, FieldType.Id)]
    [InlineData("account?.industry ?? 'none'", FieldType.Text, FieldType.Text)]
    [InlineData("closeDate + 30", FieldType.DateTime, FieldType.Date)]
    [InlineData("IF(won, signedAt, NOW())", FieldType.DateTime, FieldType.DateTime)]
    [InlineData("amount > 100 && !won", FieldType.Boolean, FieldType.Boolean)]
    [InlineData("null", FieldType.Date, FieldType.Date)]
    [InlineData("undefined", FieldType.Percent, FieldType.Percent)]
    [InlineData("notes", FieldType.Text, FieldType.Text)]
    public void Compilable_formulas_infer_their_type(string formula, FieldType returnType, FieldType inferred)
    {
        var analysis = Analyze(formula, returnType);

        Assert.True(analysis.IsSqlCompilable, analysis.NotCompilableReason);
        Assert.Null(analysis.NotCompilableReason);
        Assert.Equal(inferred, analysis.InferredType);
    }

    [Theory]
    [InlineData("name", FieldType.Number, "line 1, column 1: the formula gives TEXT but the return type is NUMBER")]
    [InlineData("amount", FieldType.Text, "line 1, column 1: the formula gives NUMBER but the return type is TEXT")]
    [InlineData("won", FieldType.Integer, "line 1, column 1: the formula gives BOOLEAN but the return type is INTEGER")]
    [InlineData("signedAt", FieldType.Date, "line 1, column 1: the formula gives DATETIME but the return type is DATE")]
    [InlineData("  closeDate > TODAY()", FieldType.Text, "line 1, column 3: the formula gives BOOLEAN but the return type is TEXT")]
    public void The_result_must_fit_the_return_type(string formula, FieldType returnType, string message) =>
        Assert.Equal(message, Refused(formula, returnType));

    [Fact]
    public void A_return_type_that_is_not_scalar_is_refused_on_returnType()
    {
        var metadata = Crm();
        var error = Assert.Throws<PaasException>(() =>
            FormulaCompiler.Analyze(metadata, metadata.FindObject("Opportunity")!, Formula("calc", "name", FieldType.Json)));

        Assert.Equal("returnType", Assert.Single(error.FieldErrors).Field);
    }

    [Fact]
    public void Paths_are_listed_once_each_with_their_target()
    {
        var analysis = Analyze("amount + amount * probability + LEN(account.parent.industry) + LEN(account.industry) + LEN(account.industry)");

        Assert.Equal(["amount", "probability", "account.parent.industry", "account.industry"], analysis.Paths.Select(p => p.ToString()));
        var deep = analysis.Paths[2];
        Assert.Equal(["account", "parent", "industry"], deep.Segments);
        Assert.Equal("industry", deep.Target.ApiName);
        Assert.Equal("Account", deep.TargetObject.ApiName);
        Assert.Equal("Opportunity", analysis.Paths[0].TargetObject.ApiName);
    }

    [Fact]
    public void A_lookup_path_may_follow_five_lookups_but_not_six()
    {
        Assert.True(Analyze("account.parent.parent.parent.parent.industry", FieldType.Text).IsSqlCompilable);

        Assert.Equal("line 1, column 44: a field path may follow at most 5 lookups",
            Refused("account.parent.parent.parent.parent.parent.industry", FieldType.Text));
    }

    [Fact]
    public void Formula_fields_are_inlined_with_the_paths_they_read()
    {
        var metadata = Crm(
            opportunity: [Formula("weighted", "amount * probability / 100", FieldType.Currency, 2)],
            account: [Formula("label", "name + ' / ' + industry", FieldType.Text)]);

        var analysis = Analyze("account.label + ': ' + TEXT(weighted)", FieldType.Text, metadata);

        Assert.True(analysis.IsSqlCompilable);
        Assert.Equal(["account.name", "account.industry", "amount", "probability"], analysis.Paths.Select(p => p.ToString()));
    }

    [Fact]
    public void Errors_inside_an_inlined_formula_name_it()
    {
        var metadata = Crm(account: [Formula("broken", "industry * 2", FieldType.Number)]);

        Assert.Equal("in formula field 'Account.broken', line 1, column 10: cannot multiply TEXT and INTEGER", Refused("account.broken", metadata: metadata));
    }

    [Fact]
    public void Formula_fields_that_reference_each_other_are_a_cycle()
    {
        var metadata = Crm(opportunity: [Formula("a", "b + 1", FieldType.Number), Formula("b", "a * 2", FieldType.Number)]);

        Assert.Equal(
            "in formula field 'Opportunity.a', in formula field 'Opportunity.b', line 1, column 1: "
                + "formula fields reference each other in a cycle: Opportunity.a → Opportunity.b → Opportunity.a",
            Refused("a", metadata: metadata));
        Assert.Contains("cycle: Opportunity.self → Opportunity.self", Refused("self + 1", apiName: "self"));
        // Redefining b: the definition being analysed wins over the stored one, which broke the cycle.
        Assert.True(Analyze("amount", metadata: metadata, apiName: "b").IsSqlCompilable);
        Assert.Contains("cycle: Opportunity.b → Opportunity.a → Opportunity.b", Refused("a", metadata: metadata, apiName: "b"));
    }

    [Fact]
    public void A_cycle_through_a_lookup_is_found()
    {
        var metadata = Crm(account: [Formula("echo", "parent.echo", FieldType.Number)]);

        Assert.Contains("cycle: Account.echo → Account.echo", Refused("account.echo", metadata: metadata));
    }

    [Fact]
    public void Formula_fields_nest_at_most_five_levels()
    {
        var chain = Enumerable.Range(1, 6).Select(i => Formula($"f{i}", i == 1 ? "amount" : $"f{i - 1} + 1", FieldType.Number)).ToArray();
        var metadata = Crm(opportunity: chain);

        Assert.True(Analyze("f5", metadata: metadata).IsSqlCompilable);
        Assert.Contains("at most 5 levels deep", Refused("f6", metadata: metadata));
    }

    [Fact]
    public void Length_and_complexity_are_capped()
    {
        Assert.Contains("at most 3900 characters", Refused("amount + " + new string(' ', 3900) + "1"));
        Assert.Contains("at most 500 operations", Refused("MAX(" + string.Join(", ", Enumerable.Repeat("1", 500)) + ")"));
        Assert.True(Analyze("MAX(amount" + string.Concat(Enumerable.Repeat(", 1", 497)) + ")").IsSqlCompilable);
    }

    [Fact]
    public void Nesting_depth_is_capped()
    {
        string Sum(int terms) => "amount" + string.Concat(Enumerable.Repeat(" + 1", terms - 1));

        Assert.True(Analyze(Sum(150)).IsSqlCompilable);
        Assert.Equal("line 1, column 1: the formula nests too deeply: at most 150 levels, inlined formula fields included", Refused(Sum(151)));
        Assert.Contains("nests too deeply", Refused(string.Concat(Enumerable.Repeat("ABS(", 151)) + "1" + new string(')', 151)));
    }

    [Fact]
    public void Complexity_counts_inlined_formula_fields()
    {
        var big = "MAX(" + string.Join(", ", Enumerable.Repeat("amount", 300)) + ")";
        var metadata = Crm(opportunity: [Formula("big", big, FieldType.Number)]);

        Assert.True(Analyze("big", metadata: metadata).IsSqlCompilable);
        Assert.Contains("at most 500 operations", Refused("big + big", metadata: metadata));
    }

    [Fact]
    public void Deleted_fields_and_objects_are_unknown()
    {
        var deleted = DateTimeOffset.UtcNow;
        var metadata = FormulaMetadata.Metadata(
            Account() with { DeletedAt = deleted },
            Opportunity(Field("old", FieldType.Integer, f => f with { DeletedAt = deleted })));

        Assert.Equal("line 1, column 1: unknown field 'old' on Opportunity", Refused("old", metadata: metadata));
        Assert.Contains("'Account' of 'account' is not available", Refused("account.industry", FieldType.Text, metadata));
    }

    [Fact]
    public void Only_a_formula_field_can_be_analysed()
    {
        var metadata = Crm();
        var opportunity = metadata.FindObject("Opportunity")!;

        Assert.Throws<ArgumentException>(() => FormulaCompiler.Analyze(metadata, opportunity, opportunity.FindField("amount")!));
    }
}
