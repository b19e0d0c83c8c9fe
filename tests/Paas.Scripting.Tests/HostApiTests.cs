using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class HostApiTests
{
    private readonly JintScriptRunner _runner = new();
    private readonly FakeScriptHost _host = new FakeScriptHost()
        .Add("account", "a1", Scripts.Record(("name", "Acme"), ("tier", "gold"), ("revenue", 1000.5)))
        .Add("account", "a2", Scripts.Record(("name", "Globex"), ("tier", "silver"), ("revenue", 20)))
        .Add("account", "a3", Scripts.Record(("name", "Initech"), ("tier", "gold"), ("revenue", null)));

    [Fact]
    public void Get_returns_the_record_or_null()
    {
        var result = Assert.IsType<List<object?>>(_runner.Result("return [db.get('account', 'a1'), db.get('account', 'nope')]", host: _host));
        Assert.Equal(Scripts.Record(("name", "Acme"), ("tier", "gold"), ("revenue", 1000.5), ("id", "a1")), result[0]);
        Assert.Null(result[1]);
    }

    [Fact]
    public void Query_passes_options_as_plain_data_and_returns_rows()
    {
        var result = _runner.Result("""
            const rows = db.query('account', { filter: { tier: 'gold' }, orderBy: [{ name: 'ASC' }], first: 10 });
            return rows.map(r => r.name);
            """, host: _host);

        Assert.Equal(new List<object?> { "Acme", "Initech" }, result);
        var options = Assert.Single(_host.QueryOptions);
        Assert.Equal(new Dictionary<string, object?> { ["tier"] = "gold" }, options["filter"]);
        Assert.Equal(new List<object?> { new Dictionary<string, object?> { ["name"] = "ASC" } }, options["orderBy"]);
        Assert.Equal(10.0, options["first"]);
    }

    [Fact]
    public void Query_without_options_gets_an_empty_dictionary()
    {
        Assert.Equal(3.0, _runner.Result("return db.query('account').length", host: _host));
        Assert.Empty(Assert.Single(_host.QueryOptions));
    }

    [Fact]
    public void Create_update_and_delete_round_trip_through_the_host()
    {
        var result = Assert.IsType<Dictionary<string, object?>>(_runner.Result("""
            const created = db.create('contact', { name: 'Ann', age: 41, vip: false, tags: ['a', 1], address: { city: 'Oslo' }, note: null, skipped: undefined });
            const updated = db.update('contact', created.id, { age: 42 });
            db.delete('account', 'a2');
            return { created, updated, deleted: db.get('account', 'a2') };
            """, host: _host));

        var created = Assert.IsType<Dictionary<string, object?>>(result["created"]);
        var id = Assert.IsType<string>(created["id"]);
        var stored = _host.Stored("contact", id)!;
        Assert.Equal("Ann", stored["name"]);
        Assert.Equal(42.0, stored["age"]);
        Assert.Equal(false, stored["vip"]);
        Assert.Equal(new List<object?> { "a", 1.0 }, stored["tags"]);
        Assert.Equal(new Dictionary<string, object?> { ["city"] = "Oslo" }, stored["address"]);
        Assert.Null(stored["note"]);
        Assert.True(stored.ContainsKey("skipped"));
        Assert.Equal(42.0, Assert.IsType<Dictionary<string, object?>>(result["updated"])["age"]);
        Assert.Null(result["deleted"]);
        Assert.Equal(["create contact", "update contact", "delete account", "get account"], _host.Calls);
    }

    [Theory]
    [InlineData("db.get(1, 'a1')", "db.get(object, id): object must be a non-empty string.")]
    [InlineData("db.get('account')", "db.get(object, id): id must be a non-empty string.")]
    [InlineData("db.get('', 'a1')", "db.get(object, id): object must be a non-empty string.")]
    [InlineData("db.query('account', 'x')", "db.query(object, {filter, orderBy, first}): options must be an object.")]
    [InlineData("db.query('account', [])", "db.query(object, {filter, orderBy, first}): options must be an object.")]
    [InlineData("db.query('account', { limit: 1 })", "db.query(object, {filter, orderBy, first}): unknown option 'limit'.")]
    [InlineData("db.query('account', { first: -1 })", "db.query(object, {filter, orderBy, first}): first must be a non-negative integer.")]
    [InlineData("db.query('account', { filter: 'x' })", "db.query(object, {filter, orderBy, first}): filter must be an object.")]
    [InlineData("db.create('account', null)", "db.create(object, record): record must be an object.")]
    [InlineData("db.create('account', { f() {} })", "db.create(object, record): record.f is a function.")]
    [InlineData("db.create('account', { list: [1, Symbol()] })", "db.create(object, record): record.list[1] is a symbol.")]
    [InlineData("const r = {}; r.self = r; db.create('account', r)", "db.create(object, record): record.self refers to itself (a circular reference).")]
    [InlineData("const r = {}; for (let i = 0; i < 10001; i++) r['f' + i] = i; db.create('account', r)", "db.create(object, record): record has more than 10000 entries.")]
    [InlineData("db.update('account', 'a1', 5)", "db.update(object, id, changes): changes must be an object.")]
    [InlineData("db.delete('account', {})", "db.delete(object, id): id must be a non-empty string.")]
    public void Bad_arguments_are_type_errors_the_script_can_catch(string call, string message)
    {
        var result = _runner.Result($"try {{ {call}; return 'accepted'; }} catch (e) {{ return [e instanceof TypeError, e.message]; }}", host: _host);
        Assert.Equal(new List<object?> { true, message }, result);
        Assert.DoesNotContain(_host.Calls, c => c.StartsWith("create", StringComparison.Ordinal));
    }

    [Fact]
    public void Host_errors_are_catchable_with_code_and_field_errors()
    {
        _host.OnCall = call => throw PaasException.Validation("amount", "must be positive");

        var result = _runner.Result("""
            try { db.create('opportunity', { amount: -1 }); return 'created'; }
            catch (e) { return { isError: e instanceof Error, message: e.message, code: e.code, errors: e.errors }; }
            """, host: _host);

        Assert.Equal(new Dictionary<string, object?>
        {
            ["isError"] = true,
            ["message"] = "Invalid input: amount: must be positive",
            ["code"] = ErrorCodes.ValidationFailed,
            ["errors"] = new List<object?> { new Dictionary<string, object?> { ["field"] = "amount", ["message"] = "must be positive" } },
        }, result);
    }

    [Fact]
    public void Uncaught_host_errors_are_script_errors_naming_the_script_and_keeping_field_errors()
    {
        _host.OnCall = call => throw PaasException.Validation("amount", "must be positive");

        var error = _runner.Failure("const x = 1;\ndb.create('opportunity', { amount: -1 });", _host, name: "closeWon");

        Assert.Equal(ErrorCodes.ScriptError, error.Code);
        Assert.Equal("Script 'closeWon' failed: Invalid input: amount: must be positive (line 2, column 1)", error.Message);
        Assert.Equal([new FieldError("amount", "must be positive")], error.FieldErrors);
    }

    [Fact]
    public void Other_host_paas_errors_keep_their_code_in_javascript()
    {
        _host.OnCall = call => throw PaasException.Forbidden("You may not read accounts.");
        Assert.Equal(new List<object?> { "FORBIDDEN", "You may not read accounts." },
            _runner.Result("try { db.get('account', 'a1'); } catch (e) { return [e.code, e.message]; }", host: _host));
    }

    [Fact]
    public void Limit_exceeded_from_the_host_ends_the_script_and_cannot_be_caught()
    {
        var limit = PaasException.LimitExceeded(ScriptLimitNames.Queries, "Scripts ran more than 100 queries in this transaction.");
        _host.OnCall = call =>
        {
            if (call == "query")
            {
                throw limit;
            }
        };

        var execution = Scripts.Execution("""
            let caught = false;
            try { db.query('account'); } catch (e) { caught = true; } finally { db.get('account', 'a1'); }
            while (caught) { }
            return 'survived';
            """, host: _host);

        var error = Assert.Throws<PaasException>(() => _runner.Run(execution));
        Assert.Same(limit, error);
        // The finally block did not run either: the limit ended the script at once.
        Assert.Equal(["query account"], _host.Calls);
    }

    [Fact]
    public void Unexpected_host_exceptions_are_generic_errors_that_hide_the_details()
    {
        _host.OnCall = call => throw new InvalidOperationException("connection string Password=hunter2 at Npgsql.Whatever");

        Assert.Equal(new List<object?> { "Internal error in db.get", null },
            _runner.Result("try { db.get('account', 'a1'); } catch (e) { return [e.message, e.code ?? null]; }", host: _host));

        var error = _runner.Failure("db.get('account', 'a1')", _host, name: "hidden");
        Assert.Equal(ErrorCodes.ScriptError, error.Code);
        Assert.Equal("Script 'hidden' failed: Internal error in db.get (line 1, column 1)", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Host_data_that_is_not_plain_is_a_host_programming_error()
    {
        var host = new UnplainHost();
        Assert.ThrowsAny<InvalidOperationException>(() => _runner.Run(Scripts.Execution("try { db.get('a', 'b'); } catch (e) { return 'caught'; }", host: host)));
    }

    [Fact]
    public void Without_a_host_there_is_no_db()
    {
        var error = _runner.Failure("db.get('account', 'a1')");
        Assert.Equal("Script 'test' failed: ReferenceError: db is not defined (line 1, column 1)", error.Message);
    }

    private sealed class UnplainHost : IScriptHost
    {
        public IReadOnlyDictionary<string, object?>? Get(string objectApiName, string id) =>
            new Dictionary<string, object?> { ["stream"] = new MemoryStream() };

        public IReadOnlyList<IReadOnlyDictionary<string, object?>> Query(string objectApiName, IReadOnlyDictionary<string, object?> options) => [];

        public IReadOnlyDictionary<string, object?> Create(string objectApiName, IReadOnlyDictionary<string, object?> record) => record;

        public IReadOnlyDictionary<string, object?> Update(string objectApiName, string id, IReadOnlyDictionary<string, object?> changes) => changes;

        public void Delete(string objectApiName, string id)
        {
        }

        public void Log(string level, string message)
        {
        }
    }
}
