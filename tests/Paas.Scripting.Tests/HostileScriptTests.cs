using System.Diagnostics;
using Paas.Core.Errors;
using Paas.Core.Scripting;
using Xunit.Abstractions;

namespace Paas.Scripting.Tests;

/// <summary>
/// Scripts written to hurt the host: each must end quickly with exactly the expected error code and limit, and no
/// message may show .NET internals.
/// </summary>
public sealed class HostileScriptTests(ITestOutputHelper output)
{
    private const string Script = ErrorCodes.ScriptError;
    private const string Limit = ErrorCodes.LimitExceeded;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly JintScriptRunner Runner = new();
    private static readonly string[] Internals = ["Jint", "Acornima", "System.", "Exception", "   at ", "engine options"];

    /// <summary>Hostile runs use the default limits but fewer statements (faster) and the asynchronous CPU budget (so time does not race the other limits).</summary>
    private static readonly ScriptLimits HostileLimits = ScriptLimits.Default with { MaxStatements = 2_000_000 };

    public static readonly IReadOnlyList<Attack> Attacks =
    [
        // Runaway loops and recursion.
        new("infinite-while", "while (true) {}", Limit, ScriptLimitNames.Statements),
        new("infinite-for", "for (;;) {}", Limit, ScriptLimitNames.Statements),
        new("infinite-loop-past-the-cpu-budget", "while (true) {}", Limit, ScriptLimitNames.CpuTime,
            Limits: HostileLimits with { SyncCpuTime = TimeSpan.FromMilliseconds(50), MaxStatements = long.MaxValue }, Asynchronous: false),
        new("deep-recursion", "function f() { return f(); } f();", Limit, ScriptLimitNames.Recursion, "256 calls of one function"),
        new("mutual-recursion", "function a() { return b() + 1; } function b() { return a() + 1; } a();", Limit, ScriptLimitNames.Recursion),
        new("getter-recursion", "const o = { get x() { return this.x; } }; o.x;", Limit, ScriptLimitNames.Recursion),
        new("native-stack-overflow-without-recursion-limit", "function f(n) { return 1 + f(n + 1); } f(0);", Limit, ScriptLimitNames.Recursion, "deeper than the stack allows",
            Limits: HostileLimits with { MaxRecursion = int.MaxValue }),
        new("deep-json-stringify", "let o = {}; for (let i = 0; i < 100000; i++) o = { a: o }; return JSON.stringify(o).length;", Limit, ScriptLimitNames.Recursion, "deeper than the stack allows"),
        new("caught-stack-overflow-retried", "function f() { try { return f(); } catch (e) { return f(); } } f();", Limit, ScriptLimitNames.Recursion),
        new("looping-sort-comparator", "[3, 1, 2].sort(() => { while (true) {} });", Limit, ScriptLimitNames.Statements),
        new("looping-then-callback", "return Promise.resolve().then(() => { while (true) {} });", Limit, ScriptLimitNames.Statements),
        new("endless-microtasks", "function spin() { Promise.resolve().then(spin); } spin(); return 1;", Limit, ScriptLimitNames.Memory),
        // Memory counts what the thread allocates, garbage included: a flood of calls runs out of it first.
        new("log-flood", "while (true) log.info('spam');", Limit, ScriptLimitNames.Memory),
        new("add-error-flood", "while (true) ctx.addError('f', 'spam');", Limit, ScriptLimitNames.Statements),

        // Memory.
        new("array-bomb", "const a = []; while (true) a.push(new Array(1e6));", Limit, ScriptLimitNames.Memory),
        new("string-doubling", "let s = 'x'; while (true) s += s;", Limit, ScriptLimitNames.Memory),
        new("object-bomb", "const o = {}; for (let i = 0; ; i++) o['k' + i] = new Array(1000).fill(i);", Limit, ScriptLimitNames.Memory),
        new("map-bomb", "const m = new Map(); for (let i = 0; ; i++) m.set(i, new Array(100).fill(i));", Limit, ScriptLimitNames.Memory),
        new("array-fill-bomb", "new Array(2 ** 32 - 1).fill(0);", Limit, ScriptLimitNames.Memory),
        new("join-bomb", "return new Array(2 ** 28).join('x').length;", Limit, ScriptLimitNames.Memory),
        new("huge-return-value", "return 'x'.repeat(1e8);", Limit, ScriptLimitNames.Memory),
        new("repeat-bomb", "const s = 'x'.repeat(2 ** 29 - 32); return 1;", Limit, ScriptLimitNames.Memory),
        new("huge-concatenation-returned", "const a = 'x'.repeat(2 ** 24); return a + a + a;", Limit, ScriptLimitNames.Memory),
        new("huge-sparse-array-returned", "const a = []; a.length = 4e9; return a;", Limit, ScriptLimitNames.Memory),
        new("deeply-nested-return-value", "let o = {}; for (let i = 0; i < 100; i++) o = { o }; return o;", Limit, ScriptLimitNames.Memory),
        new("huge-string-length", "return ''.padEnd(2 ** 30).length;", Script, null, "Invalid string length"),

        // Regular expressions.
        new("catastrophic-regex-literal", "return /^(a+)+$/.test('a'.repeat(40) + 'b');", Limit, ScriptLimitNames.RegexTime),
        new("catastrophic-regex-constructed", "return new RegExp('^(a|a?)+$').test('a'.repeat(40) + 'b');", Limit, ScriptLimitNames.RegexTime),

        // Compiling code from strings.
        new("eval", "return eval('1');", Script, null, "cannot be compiled from strings"),
        new("indirect-eval", "return (0, eval)('1');", Script, null, "cannot be compiled from strings"),
        new("new-function", "return new Function('return 1')();", Script, null, "cannot be compiled from strings"),
        new("function-constructor", "return (function () {}).constructor('return this')();", Script, null, "cannot be compiled from strings"),
        new("array-constructor-constructor", "return [].constructor.constructor('return process')();", Script, null, "cannot be compiled from strings"),
        new("async-function-constructor", "return Object.getPrototypeOf(async function () {}).constructor('return 1')();", Script, null, "cannot be compiled from strings"),
        new("generator-function-constructor", "return Object.getPrototypeOf(function* () {}).constructor('yield 1')().next();", Script, null, "cannot be compiled from strings"),
        new("api-function-constructor", "return ctx.addError.constructor('return this')();", Script, null, "cannot be compiled from strings"),
        new("db-function-constructor", "return db.get.constructor('return this')();", Script, null, "cannot be compiled from strings", Host: true),
        new("shadow-realm", "return new ShadowRealm().evaluate('1 + 1');", Script, null, "cannot be compiled from strings"),
        new("dynamic-import", "return import('fs');", Script, null, "import() is not available"),

        // Reaching the CLR or a host environment.
        new("clr-System", "return System.Environment.Exit(1);", Script, null, "ReferenceError: System is not defined"),
        new("clr-importNamespace", "return importNamespace('System.IO').File.ReadAllText('/etc/passwd');", Script, null, "ReferenceError: importNamespace is not defined"),
        new("clr-clrHelper", "return clrHelper.unwrap(ctx);", Script, null, "ReferenceError: clrHelper is not defined"),
        new("host-object", "return host.functions;", Script, null, "ReferenceError: host is not defined"),
        new("node-require", "return require('fs');", Script, null, "ReferenceError: require is not defined"),
        new("node-process", "return process.env;", Script, null, "ReferenceError: process is not defined"),
        new("globalThis-constructor", "return globalThis.constructor;", Script, null, "the result is a function"),
        new("typeof-probe", """
            const names = ['System', 'importNamespace', 'clrHelper', 'host', 'require', 'process', 'window', 'global', 'setTimeout', 'engine', 'Engine'];
            const found = names.filter(n => typeof globalThis[n] !== 'undefined');
            if (found.length > 0) return found;
            throw new Error('no host objects reachable');
            """, Script, null, "no host objects reachable"),
        new("api-function-returned", "return log.info;", Script, null, "the result is a function"),
        new("atomics-wait", "const ia = new Int32Array(new SharedArrayBuffer(4)); return Atomics.wait(ia, 0, 0, 60000);", Script, null, "TypeError"),
        new("arguments-callee", "return arguments.callee;", Script, null, "TypeError"),
        new("sloppy-with", "with (Math) { return PI; }", Script, null, "has a syntax error"),

        // Promises that never settle.
        new("pending-promise", "return new Promise(() => {});", Limit, ScriptLimitNames.Pending),
        new("pending-await", "return (async () => { await new Promise(() => {}); return 1; })();", Limit, ScriptLimitNames.Pending),

        // Thrown values that try to run code while being reported.
        new("throw-42", "throw 42;", Script, null, "threw 42"),
        new("throw-null", "throw null;", Script, null, "threw null"),
        new("throw-undefined", "throw undefined;", Script, null, "threw undefined"),
        new("throw-object-with-looping-toString", "throw { toString() { while (true) {} } };", Script, null, "threw an object"),
        new("throw-object-with-looping-message-getter", "throw { get message() { while (true) {} } };", Limit, ScriptLimitNames.Statements),
        new("throw-proxy-with-looping-get", "throw new Proxy({}, { get() { while (true) {} } });", Limit, ScriptLimitNames.Statements),
        new("throw-error-with-looping-message-getter",
            "const e = new Error('x'); Object.defineProperty(e, 'message', { get() { while (true) {} } }); throw e;", Limit, ScriptLimitNames.Statements),
        new("throw-error-with-proxy-prototype", """
            const e = new Error('x');
            Object.setPrototypeOf(e, new Proxy({}, { get() { while (true) {} }, getOwnPropertyDescriptor() { while (true) {} } }));
            throw e;
            """, Script, null, "failed: x"),
        new("throw-error-with-looping-name-getter", """
            const e = new Error('named');
            Object.defineProperty(e, 'name', { get() { while (true) {} } });
            throw e;
            """, Script, null, "failed: named"),
        new("rejected-with-looping-toString", "return Promise.reject({ toString() { while (true) {} } });", Script, null, "threw an object"),
        // A result promise that already had a handler when it was rejected is unwrapped by Jint, which renders the reason
        // with toString: that runs under the constraints Jint re-arms when the entry ends, so it is still stopped.
        new("handled-rejection-with-looping-toString", """
            let reject;
            const p = new Promise((_, r) => { reject = r; });
            p.then(() => {}, () => {});
            reject({ toString() { while (true) {} } });
            return p;
            """, Limit, ScriptLimitNames.Statements),

        // Results and read-back values that try to run code while being read.
        new("result-getter", "return { get x() { while (true) {} } };", Script, null, "the result.x has a getter"),
        new("result-array-getter", "const a = [1]; Object.defineProperty(a, 0, { get() { while (true) {} } }); return a;", Script, null, "the result[0] has a getter"),
        new("result-proxy", "return new Proxy({}, { ownKeys() { while (true) {} }, get() { while (true) {} } });", Script, null, "not a plain object"),
        new("result-circular", "const a = {}; a.self = a; return a;", Script, null, "circular"),
        new("read-back-getter", "Object.defineProperty(ctx, 'records', { get() { while (true) {} } });", Script, null, "ctx.records has a getter",
            ReadBack: ["records"]),
        new("read-back-proxy", "ctx.records = new Proxy([], { get() { while (true) {} } });", Script, null, "ctx.records is not a plain object",
            ReadBack: ["records"]),

        // Arguments to the host that try to smuggle too much or the wrong things.
        new("host-argument-too-large", "const r = {}; for (let i = 0; i < 20000; i++) r['f' + i] = i; db.create('account', r);", Script, null, "more than 10000 entries", Host: true),
        new("host-argument-function", "db.create('account', { f() {} });", Script, null, "record.f is a function", Host: true),
        new("host-argument-getter", "db.create('account', { get x() { while (true) {} } });", Script, null, "record.x has a getter", Host: true),
        new("host-argument-proxy", "db.create('account', new Proxy({}, { ownKeys() { while (true) {} } }));", Script, null, "record must be an object", Host: true),

        // The API itself.
        new("replace-api", "db = { get() { return 'fake'; } };", Script, null, "TypeError", Host: true),
        new("delete-api", "delete globalThis.log;", Script, null, "TypeError"),
    ];

    public static TheoryData<string> AttackNames => new(Attacks.Select(a => a.Name));

    [Theory]
    [MemberData(nameof(AttackNames))]
    public async Task Attack_is_stopped(string name)
    {
        var attack = Attacks.Single(a => a.Name == name);
        var (error, elapsed) = await RunWithinBound(attack);
        output.WriteLine($"{attack.Name}: {error.Code} {error.Limit} in {elapsed.TotalMilliseconds:0} ms: {error.Message}");
        AssertStopped(attack, error);
    }

    [Fact]
    public async Task Every_attack_was_run_and_stopped()
    {
        Assert.Equal(Attacks.Count, Attacks.Select(a => a.Name).Distinct().Count());
        Assert.Equal(Attacks.Count, AttackNames.Cast<object[]>().Count());

        var stopped = 0;
        await Parallel.ForEachAsync(Attacks, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (attack, _) =>
        {
            var (error, _) = await RunWithinBound(attack);
            AssertStopped(attack, error);
            Interlocked.Increment(ref stopped);
        });

        output.WriteLine($"{stopped} of {Attacks.Count} attacks were run and stopped.");
        Assert.Equal(Attacks.Count, stopped);
    }

    private static async Task<(PaasException Error, TimeSpan Elapsed)> RunWithinBound(Attack attack)
    {
        var stopwatch = Stopwatch.StartNew();
        var run = Task.Factory.StartNew(() => Runner.Run(attack.ToExecution()), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var finished = await Task.WhenAny(run, Task.Delay(Bound));
        Assert.True(finished == run, $"{attack.Name} was still running after {Bound.TotalSeconds} s.");
        Assert.True(run.IsFaulted, $"{attack.Name} was not stopped: it returned {(run.IsCompletedSuccessfully ? run.Result.Result : null)}.");
        var error = Assert.IsType<PaasException>(run.Exception!.InnerException);
        return (error, stopwatch.Elapsed);
    }

    private static void AssertStopped(Attack attack, PaasException error)
    {
        Assert.True(attack.ExpectedCode == error.Code, $"{attack.Name}: expected {attack.ExpectedCode}, got {error.Code} {error.Limit}: {error.Message}");
        Assert.True(attack.ExpectedLimit == error.Limit, $"{attack.Name}: expected limit {attack.ExpectedLimit}, got {error.Limit}: {error.Message}");
        if (attack.MessageContains is { } fragment)
        {
            Assert.Contains(fragment, error.Message);
        }

        foreach (var internals in Internals)
        {
            Assert.DoesNotContain(internals, error.Message);
        }
    }

    public sealed record Attack(
        string Name,
        string Code,
        string ExpectedCode,
        string? ExpectedLimit,
        string? MessageContains = null,
        bool Host = false,
        ScriptLimits? Limits = null,
        bool Asynchronous = true,
        IReadOnlyList<string>? ReadBack = null)
    {
        public ScriptExecution ToExecution() => new()
        {
            Script = new ScriptSource($"hostile/{Name}", Name, Code),
            Kind = "hostile",
            Context = new Dictionary<string, object?> { ["records"] = new List<object?> { Scripts.Record(("name", "a")) } },
            ReadBack = ReadBack ?? [],
            Host = Host ? new FakeScriptHost() : null,
            Governor = new ScriptGovernor(Limits ?? HostileLimits, Asynchronous),
        };
    }
}
