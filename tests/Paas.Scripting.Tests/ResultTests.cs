using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class ResultTests
{
    private readonly JintScriptRunner _runner = new();

    [Theory]
    [InlineData("return 1 + 1", 2.0)]
    [InlineData("return 'a' + 'b'", "ab")]
    [InlineData("return 3 > 2", true)]
    [InlineData("return null", null)]
    [InlineData("return undefined", null)]
    [InlineData("const x = 1", null)]
    [InlineData("return 0.1 + 0.2", 0.30000000000000004)]
    [InlineData("return NaN", null)]
    [InlineData("return -Infinity", null)]
    [InlineData("return typeof this", "undefined")]
    public void Body_returns_its_value_as_plain_data(string code, object? expected) =>
        Assert.Equal(expected, _runner.Result(code));

    [Fact]
    public void Negative_zero_becomes_zero()
    {
        var result = Assert.IsType<double>(_runner.Result("return -0"));
        Assert.False(double.IsNegative(result));
    }

    [Fact]
    public void Objects_and_arrays_become_dictionaries_and_lists()
    {
        var result = _runner.Result("""
            const tags = ['a', 'b'];
            tags[3] = 'd';
            const hidden = {};
            Object.defineProperty(hidden, 'secret', { value: 1, enumerable: false });
            hidden.shown = true;
            return { name: 'Acme', amount: 12.5, tags, nested: { ok: true, none: null, gone: undefined }, hidden };
            """);

        var obj = Assert.IsType<Dictionary<string, object?>>(result);
        Assert.Equal("Acme", obj["name"]);
        Assert.Equal(12.5, obj["amount"]);
        Assert.Equal(new List<object?> { "a", "b", null, "d" }, obj["tags"]);
        var nested = Assert.IsType<Dictionary<string, object?>>(obj["nested"]);
        Assert.Equal(true, nested["ok"]);
        Assert.Null(nested["none"]);
        Assert.True(nested.ContainsKey("gone"));
        Assert.Null(nested["gone"]);
        Assert.Equal(new Dictionary<string, object?> { ["shown"] = true }, obj["hidden"]);
    }

    [Fact]
    public void Dates_become_iso_strings_and_invalid_dates_null()
    {
        var result = Assert.IsType<List<object?>>(_runner.Result("return [new Date(Date.UTC(2024, 1, 29, 13, 5, 9, 7)), new Date(NaN)]"));
        Assert.Equal(["2024-02-29T13:05:09.007Z", null], result);
    }

    [Fact]
    public void Class_instances_and_null_prototype_objects_are_plain_objects()
    {
        var result = Assert.IsType<List<object?>>(_runner.Result("""
            class Point { constructor() { this.x = 1; } get sum() { return this.x; } }
            const bare = Object.create(null);
            bare.y = 2;
            return [new Point(), bare];
            """));
        Assert.Equal(new Dictionary<string, object?> { ["x"] = 1.0 }, result[0]);
        Assert.Equal(new Dictionary<string, object?> { ["y"] = 2.0 }, result[1]);
    }

    [Theory]
    [InlineData("1 + 2", 3.0)]
    [InlineData("{ a: 1 }.a", 1.0)]
    [InlineData("[1, 2].length", 2.0)]
    [InlineData("'x'.repeat(3) // trailing comment", "xxx")]
    [InlineData("(1, 2)", 2.0)]
    public void Expression_mode_evaluates_one_expression(string code, object? expected) =>
        Assert.Equal(expected, _runner.Result(code, ScriptMode.Expression));

    [Fact]
    public void Expression_mode_object_literal_is_an_object() =>
        Assert.Equal(new Dictionary<string, object?> { ["a"] = 1.0 }, _runner.Result("{ a: 1 }", ScriptMode.Expression));

    [Fact]
    public void Expression_mode_reads_ctx() =>
        Assert.Equal(true, _runner.Result("ctx.record.amount > 100 && ctx.record.stage === 'Won'", ScriptMode.Expression,
            new Dictionary<string, object?> { ["record"] = Scripts.Record(("amount", 150), ("stage", "Won")) }));

    [Theory]
    [InlineData("return Promise.resolve(5)", 5.0)]
    [InlineData("return (async () => { const a = await Promise.resolve(2); return a * 3; })()", 6.0)]
    [InlineData("return new Promise(resolve => resolve('later')).then(v => v + '!')", "later!")]
    public void Promise_results_are_settled(string code, object expected) => Assert.Equal(expected, _runner.Result(code));

    [Fact]
    public void Rejected_promise_is_a_script_error()
    {
        var error = _runner.Failure("return Promise.reject(new Error('nope'))", name: "rejecter");
        Assert.Equal(ErrorCodes.ScriptError, error.Code);
        Assert.Equal("Script 'rejecter' failed: nope", error.Message);
    }

    [Theory]
    [InlineData("return function () {}", "the result is a function.")]
    [InlineData("return { f: () => 1 }", "the result.f is a function.")]
    [InlineData("return [1, Symbol('s')]", "the result[1] is a symbol.")]
    [InlineData("return 10n", "the result is a BigInt.")]
    [InlineData("return new Map()", "the result is not a plain object, array or date.")]
    [InlineData("return { e: new Error('x') }", "the result.e is not a plain object, array or date.")]
    [InlineData("const a = { list: [] }; a.list.push(a); return a", "the result.list[0] refers to itself (a circular reference).")]
    [InlineData("return { get x() { return 1; } }", "the result.x has a getter or setter.")]
    [InlineData("return new Proxy({}, {})", "the result is not a plain object, array or date.")]
    public void Values_that_are_not_plain_data_are_script_errors(string code, string detail)
    {
        var error = _runner.Failure(code, name: "shape");
        Assert.Equal(ErrorCodes.ScriptError, error.Code);
        Assert.Equal($"Script 'shape' returned a value that is not plain data: {detail}", error.Message);
    }

    [Theory]
    [InlineData("const a = []; a.length = 100001; return a", "more than 100000 entries")]
    [InlineData("let o = 1; for (let i = 0; i < 40; i++) o = [o]; return o", "nested deeper than 32 levels")]
    public void Values_too_large_are_the_memory_limit(string code, string detail)
    {
        var error = _runner.Failure(code);
        Assert.Equal(ErrorCodes.LimitExceeded, error.Code);
        Assert.Equal(ScriptLimitNames.Memory, error.Limit);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void Text_larger_than_the_memory_limit_is_the_memory_limit_even_when_built_by_the_last_statement()
    {
        // Each string is within the 1 MB limit and the last statement is never followed by a memory check, so the
        // result cap (half a million characters at two bytes each) is what stops it.
        var governor = new ScriptGovernor(ScriptLimits.Default with { MaxMemoryBytes = 1024 * 1024 });
        var error = _runner.Failure(Scripts.Execution("return ['x'.repeat(300000), 'y'.repeat(300000)]", governor: governor));
        Assert.Equal(ScriptLimitNames.Memory, error.Limit);
        Assert.Equal("Script 'test' returned a value larger than the sandbox allows: the result[1] has more than 524288 characters of text.", error.Message);
    }

    [Fact]
    public void Values_just_within_the_caps_are_returned()
    {
        var result = Assert.IsType<List<object?>>(_runner.Result("let o = 1; for (let i = 0; i < 32; i++) o = [o]; return [new Array(99998).fill(0).length]"));
        Assert.Equal(99998.0, result[0]);
        var deep = _runner.Result("let o = 1; for (let i = 0; i < 32; i++) o = [o]; return o");
        for (var i = 0; i < 32; i++)
        {
            deep = Assert.Single(Assert.IsType<List<object?>>(deep));
        }

        Assert.Equal(1.0, deep);
    }
}
