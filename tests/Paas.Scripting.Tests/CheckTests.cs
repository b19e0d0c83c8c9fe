using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class CheckTests
{
    private readonly JintScriptRunner _runner = new();

    [Theory]
    [InlineData("return 1", ScriptMode.Body)]
    [InlineData("const a = [1, 2];\nfor (const x of a) { log.info(x); }\nreturn a; // done", ScriptMode.Body)]
    [InlineData("ctx.record.amount > 0", ScriptMode.Expression)]
    [InlineData("{ a: 1 }", ScriptMode.Expression)]
    [InlineData("a ? b : c // comment", ScriptMode.Expression)]
    public void Valid_code_has_no_error(string code, ScriptMode mode) => Assert.Null(_runner.Check(code, mode));

    [Fact]
    public void Body_error_positions_are_the_users_own()
    {
        var error = _runner.Check("const a = 1;\nlet b = 2;\nlet c=;", ScriptMode.Body);
        Assert.Equal(new ScriptSyntaxError("Unexpected token ';'", 3, 7), error);
    }

    [Fact]
    public void Body_error_on_the_first_line_is_not_shifted_by_the_wrapper() =>
        Assert.Equal(new ScriptSyntaxError("Unexpected token ';'", 1, 7), _runner.Check("let c=;", ScriptMode.Body));

    [Fact]
    public void Expression_error_positions_are_the_users_own()
    {
        Assert.Equal(new ScriptSyntaxError("Unexpected token '*'", 3, 7), _runner.Check("1 +\n2 +\n      * 3", ScriptMode.Expression));
        Assert.Equal(new ScriptSyntaxError("Unexpected token '*'", 1, 4), _runner.Check("1 +* 2", ScriptMode.Expression));
    }

    [Theory]
    [InlineData("x = 1; y")]
    [InlineData("1) + (2")]
    [InlineData("if (a) b")]
    [InlineData("a\nb")]
    public void Expression_mode_rejects_statements(string code)
    {
        var error = _runner.Check(code, ScriptMode.Expression);
        Assert.NotNull(error);
        Assert.StartsWith("Unexpected", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Expression_mode_rejects_empty_code(string code)
    {
        var error = _runner.Check(code, ScriptMode.Expression);
        Assert.Equal(new ScriptSyntaxError("The expression is empty: an expression (such as amount > 0) is required.", 1, 1), error);
    }

    [Theory]
    [InlineData("with (Math) { return PI; }", "Strict mode code may not include a with statement", 1, 1)]
    [InlineData("return 010", "Octal literals are not allowed in strict mode", 1, 8)]
    [InlineData("}); (function () {", "Unexpected token '}'", 1, 1)]
    [InlineData("const x = 1;\nreturn import('fs')", "import() is not available: scripts cannot load modules.", 2, 8)]
    public void Body_mode_is_strict_and_cannot_escape_its_function(string code, string message, int line, int column) =>
        Assert.Equal(new ScriptSyntaxError(message, line, column), _runner.Check(code, ScriptMode.Body));

    [Fact]
    public void Code_that_only_the_wrapper_breaks_is_reported_by_check_too()
    {
        // "-->" opens an HTML-like comment at the start of a line; after the wrapper's opening text it is not at the start.
        Assert.Equal(new ScriptSyntaxError("Unexpected token '>'", 1, 3), _runner.Check("--> note\nreturn 1", ScriptMode.Body));
        Assert.Equal(ErrorCodes.ScriptError, _runner.Failure("--> note\nreturn 1").Code);
    }

    [Fact]
    public void Running_code_with_a_syntax_error_is_a_script_error_with_its_position()
    {
        var error = _runner.Failure("const a = 1;\nlet c=;", name: "broken");
        Assert.Equal(ErrorCodes.ScriptError, error.Code);
        Assert.Equal("Script 'broken' has a syntax error: Unexpected token ';' (line 2, column 7)", error.Message);
    }

    [Fact]
    public void Runtime_error_positions_are_the_users_own_in_both_modes()
    {
        // Jint places a throw at the thrown expression.
        Assert.Equal("Script 'test' failed: boom (line 2, column 9)", _runner.Failure("const a = 1;\n  throw new Error('boom')").Message);
        Assert.Equal("Script 'test' failed: boom (line 1, column 9)", _runner.Failure("  throw new Error('boom')").Message);
        Assert.Equal("Script 'test' failed: ReferenceError: missing is not defined (line 2, column 3)",
            _runner.Failure("1 +\n  missing", mode: ScriptMode.Expression).Message);
        Assert.Equal("Script 'test' failed: ReferenceError: missing is not defined (line 1, column 5)",
            _runner.Failure("1 + missing", mode: ScriptMode.Expression).Message);
    }
}
