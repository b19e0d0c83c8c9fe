using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class ContextTests
{
    private readonly JintScriptRunner _runner = new();

    [Fact]
    public void Context_values_arrive_as_plain_javascript_values()
    {
        var id = Guid.Parse("7f3c2b1a-0000-4000-8000-000000000001");
        var context = new Dictionary<string, object?>
        {
            ["int"] = 42,
            ["long"] = 9_007_199_254_740_991L,
            ["double"] = 1.5,
            ["decimal"] = 12.25m,
            ["text"] = "hello",
            ["yes"] = true,
            ["nothing"] = null,
            ["id"] = id,
            ["at"] = new DateTimeOffset(2024, 5, 6, 9, 30, 0, TimeSpan.FromHours(2)),
            ["day"] = new DateOnly(2024, 12, 31),
            ["list"] = new List<object?> { 1, "two", null },
            ["record"] = new Dictionary<string, object?> { ["name"] = "Acme", ["tags"] = new[] { "a", "b" } },
        };

        var result = _runner.Result("""
            return Object.keys(ctx).filter(k => k !== 'addError').map(k => k + ':' + typeof ctx[k] + ':' + JSON.stringify(ctx[k]));
            """, context: context);

        Assert.Equal(new List<object?>
        {
            "int:number:42",
            "long:number:9007199254740991",
            "double:number:1.5",
            "decimal:number:12.25",
            "text:string:\"hello\"",
            "yes:boolean:true",
            "nothing:object:null",
            $"id:string:\"{id}\"",
            "at:string:\"2024-05-06T07:30:00.0000000+00:00\"",
            "day:string:\"2024-12-31\"",
            "list:object:[1,\"two\",null]",
            "record:object:{\"name\":\"Acme\",\"tags\":[\"a\",\"b\"]}",
        }, result);
    }

    [Fact]
    public void Context_values_that_are_not_plain_data_are_a_host_programming_error()
    {
        var execution = Scripts.Execution("return 1", context: new Dictionary<string, object?> { ["when"] = DateTime.UtcNow });
        var error = Assert.ThrowsAny<InvalidOperationException>(() => _runner.Run(execution));
        Assert.Contains("System.DateTime", error.Message);
    }

    [Fact]
    public void Data_the_host_aliased_stays_aliased()
    {
        var record = Scripts.Record(("name", "only"));
        var context = new Dictionary<string, object?> { ["records"] = new List<object?> { record }, ["record"] = record };
        var outcome = _runner.Run(Scripts.Execution("ctx.record.viaRecord = 1; ctx.records[0].viaList = 2; return ctx.record === ctx.records[0];",
            context: context, readBack: ["record", "records"]));

        Assert.Equal(true, outcome.Result);
        var expected = Scripts.Record(("name", "only"), ("viaRecord", 1.0), ("viaList", 2.0));
        Assert.Equal(expected, outcome.ReadBack["record"]);
        Assert.Equal(expected, Assert.Single(Assert.IsType<List<object?>>(outcome.ReadBack["records"])));
    }

    [Fact]
    public void Shared_host_data_is_converted_once()
    {
        // 2^30 paths to the leaf, but only 31 distinct lists: converting them must not walk every path.
        object? shared = "leaf";
        for (var i = 0; i < 30; i++)
        {
            shared = new List<object?> { shared, shared };
        }

        var result = _runner.Result("let node = ctx.tree, depth = 0; while (Array.isArray(node)) { node = node[1]; depth++; } return [depth, node];",
            context: new Dictionary<string, object?> { ["tree"] = shared });
        Assert.Equal(new List<object?> { 30.0, "leaf" }, result);
    }

    [Fact]
    public void Host_data_nested_too_deeply_is_a_host_programming_error()
    {
        object? deep = 1;
        for (var i = 0; i < 40; i++)
        {
            deep = new List<object?> { deep };
        }

        Assert.ThrowsAny<InvalidOperationException>(() => _runner.Run(Scripts.Execution("return 1", context: new Dictionary<string, object?> { ["deep"] = deep })));
    }

    [Fact]
    public void Read_back_reports_what_the_script_did_to_ctx_records()
    {
        var records = new List<object?>
        {
            Scripts.Record(("name", "a"), ("amount", 1)),
            Scripts.Record(("name", "b"), ("amount", 2)),
        };
        var execution = Scripts.Execution("""
            for (const r of ctx.records) { r.amount = r.amount * 10; r.touched = true; }
            ctx.records.push({ name: 'c' });
            """, context: new Dictionary<string, object?> { ["records"] = records, ["old"] = null }, readBack: ["records", "missing"]);

        var outcome = _runner.Run(execution);

        var back = Assert.IsType<List<object?>>(outcome.ReadBack["records"]);
        Assert.Equal(3, back.Count);
        Assert.Equal(Scripts.Record(("name", "a"), ("amount", 10.0), ("touched", true)), back[0]);
        Assert.Equal(Scripts.Record(("name", "b"), ("amount", 20.0), ("touched", true)), back[1]);
        Assert.Equal(Scripts.Record(("name", "c")), back[2]);
        Assert.Null(outcome.ReadBack["missing"]);
        Assert.False(outcome.ReadBack.ContainsKey("old"));
        // The script worked on copies: the host's objects are untouched.
        Assert.Equal(1, ((Dictionary<string, object?>)records[0]!)["amount"]);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public void Polluting_prototypes_of_ctx_objects_does_not_reach_the_host()
    {
        var execution = Scripts.Execution("""
            const r = ctx.records[0];
            Object.setPrototypeOf(r, { injected: 'from prototype' });
            Object.prototype.leaked = 'everywhere';
            Array.prototype.extra = 'array';
            r.own = 'mine';
            return r.injected + ' ' + ({}).leaked;
            """, context: new Dictionary<string, object?> { ["records"] = new List<object?> { Scripts.Record(("name", "a")) } }, readBack: ["records"]);

        var outcome = _runner.Run(execution);

        Assert.Equal("from prototype everywhere", outcome.Result);
        var back = Assert.IsType<List<object?>>(outcome.ReadBack["records"]);
        Assert.Equal(Scripts.Record(("name", "a"), ("own", "mine")), Assert.Single(back));
    }

    [Fact]
    public void Ctx_and_the_api_globals_cannot_be_replaced()
    {
        foreach (var code in new[] { "ctx = {}", "log = null", "delete globalThis.ctx", "ctx.addError = null" })
        {
            var error = _runner.Failure(code);
            Assert.Equal(ErrorCodes.ScriptError, error.Code);
            Assert.Contains("TypeError", error.Message);
        }
    }

    [Fact]
    public void AddError_collects_field_and_record_errors()
    {
        var outcome = _runner.Run(Scripts.Execution("""
            ctx.addError('amount', 'must be positive', 1);
            ctx.addError('name', 'is required');
            ctx.addError(null, 'record-level', 0);
            ctx.addError(undefined, 42);
            ctx.addError('x', { toString() { return 'coerced'; } });
            """));

        Assert.Equal(
        [
            new ScriptFieldError("amount", "must be positive", 1),
            new ScriptFieldError("name", "is required", null),
            new ScriptFieldError(null, "record-level", 0),
            new ScriptFieldError(null, "42", null),
            new ScriptFieldError("x", "coerced", null),
        ], outcome.Errors);
    }

    [Theory]
    [InlineData("ctx.addError(1, 'm')", "field must be a string")]
    [InlineData("ctx.addError('f')", "message is required")]
    [InlineData("ctx.addError('f', 'm', -1)", "index must be a non-negative integer")]
    [InlineData("ctx.addError('f', 'm', 1.5)", "index must be a non-negative integer")]
    [InlineData("ctx.addError('f', 'm', '2')", "index must be a non-negative integer")]
    public void AddError_rejects_bad_arguments_with_a_catchable_type_error(string call, string message)
    {
        var result = _runner.Result($"try {{ {call}; return 'accepted'; }} catch (e) {{ return e.name + ': ' + e.message; }}");
        Assert.StartsWith($"TypeError: ctx.addError(field, message[, index]): {message}", Assert.IsType<string>(result));
    }

    [Fact]
    public void AddError_keeps_at_most_a_thousand_errors()
    {
        var outcome = _runner.Run(Scripts.Execution("for (let i = 0; i < 1500; i++) ctx.addError('f', 'e' + i)"));
        Assert.Equal(1000, outcome.Errors.Count);
        Assert.Equal("e999", outcome.Errors[^1].Message);
    }
}
