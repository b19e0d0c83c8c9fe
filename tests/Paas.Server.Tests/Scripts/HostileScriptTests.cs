using System.Diagnostics;
using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;

namespace Paas.Server.Tests.Scripts;

/// <summary>
/// Hostile triggers deployed by a tenant admin and fired through GraphQL: each ends in SCRIPT_ERROR or LIMIT_EXCEEDED,
/// leaves no record behind, shows no host internals, and the server keeps answering <c>/healthz</c> while it runs.
/// </summary>
public sealed class HostileScriptTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    /// <summary>(name, trigger body, expected code, expected limit or null).</summary>
    public static readonly (string Name, string Code, string Error, string? Limit)[] Attacks =
    [
        ("infinite loop", "while (true) {}", "LIMIT_EXCEEDED", null),
        ("deep recursion", "function f(n) { return f(n + 1) + 1; } f(0);", "LIMIT_EXCEEDED", "scriptRecursion"),
        ("mutual recursion", "function a() { return b(); } function b() { return a(); } a();", "LIMIT_EXCEEDED", "scriptRecursion"),
        ("array memory bomb", "const a = []; while (true) a.push(new Array(100000).fill(1));", "LIMIT_EXCEEDED", null),
        ("string memory bomb", "let s = 'x'; while (true) s = s + s;", "LIMIT_EXCEEDED", null),
        ("catastrophic regex", "/^(a+)+$/.test('a'.repeat(40) + 'b');", "LIMIT_EXCEEDED", null),
        ("eval", "eval('1 + 1');", "SCRIPT_ERROR", null),
        ("Function from a string", "new Function('return 1')();", "SCRIPT_ERROR", null),
        ("constructor escape", "(function(){}).constructor('return globalThis')();", "SCRIPT_ERROR", null),
        ("CLR access", "System.IO.File.ReadAllText('/etc/passwd');", "SCRIPT_ERROR", null),
        ("importNamespace", "importNamespace('System.IO');", "SCRIPT_ERROR", null),
        ("never-settling promise", "return new Promise(() => {});", "LIMIT_EXCEEDED", "scriptPendingPromise"),
        ("throw a number", "throw 42;", "SCRIPT_ERROR", null),
        ("throw a looping toString", "throw { toString() { while (true) {} } };", "SCRIPT_ERROR", null),
        ("query flood", "for (let i = 0; i < 1000; i++) db.query('Account', {});", "LIMIT_EXCEEDED", "scriptQueries"),
        ("DML flood", "for (let i = 0; i < 1000; i++) db.create('Account', { name: 'a' + i });", "LIMIT_EXCEEDED", "scriptDmlStatements"),
    ];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_hostile_trigger_fails_cleanly_writes_nothing_and_the_server_stays_responsive(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var counted = 0;
        foreach (var (name, code, error, limit) in Attacks)
        {
            await ScriptFixture.TriggerAsync(server, "hostile", "BEFORE", ["CREATE"], code);
            var write = server.DataAsync("""mutation { createOpportunity(input: {name: "H", amount: 1}) { id } }""");
            var health = Stopwatch.StartNew();
            while (!write.IsCompleted)
            {
                var probe = Stopwatch.StartNew();
                var healthz = await server.GetAsync("/healthz", key: null);
                Assert.Equal(HttpStatusCode.OK, healthz.Status);
                Assert.True(probe.Elapsed < TimeSpan.FromSeconds(2), $"/healthz took {probe.Elapsed} while '{name}' ran");
                await Task.Delay(50);
            }

            var response = await write;
            Assert.True(health.Elapsed < TimeSpan.FromSeconds(20), $"'{name}' ran for {health.Elapsed}");
            ResponseAssert.GraphQLError(response, error);
            if (limit is not null)
            {
                Assert.Equal(limit, (string?)TriggerTests.LimitOf(response));
            }

            Assert.Null(response.Data?["createOpportunity"]);
            Assert.Equal(0, await SalesSchema.CountAsync(server, "opportunities"));
            Assert.Equal(0, await SalesSchema.CountAsync(server, "accounts"));
            counted++;
        }

        // Prototype pollution by one execution is gone in the next one.
        await ScriptFixture.TriggerAsync(server, "hostile", "BEFORE", ["CREATE"], "Object.prototype.polluted = 'yes'; Array.prototype.map = null;");
        await server.DataOkAsync("""mutation { createOpportunity(input: {name: "P", amount: 1}) { id } }""");
        await ScriptFixture.TriggerAsync(server, "hostile", "BEFORE", ["CREATE"], "ctx.records.map(r => { r.externalId = String(({}).polluted); return r; });");
        var clean = await server.DataOkAsync("""mutation { createOpportunity(input: {name: "Q", amount: 1}) { externalId } }""");
        Assert.Equal("undefined", (string?)clean["createOpportunity"]!["externalId"]);
        counted++;

        output.WriteLine($"{provider}: {counted} hostile scripts, all refused cleanly.");
        Assert.Equal(Attacks.Length + 1, counted);
    }
}
