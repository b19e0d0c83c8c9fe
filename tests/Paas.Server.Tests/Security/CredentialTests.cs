using System.Globalization;
using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;
using static Paas.Server.Tests.Security.SecurityScenario;

namespace Paas.Server.Tests.Security;

/// <summary>
/// Revoked, expired, tampered keys and the keys of deactivated users get 401 at once; another tenant's admin reaches
/// none of this tenant's users, keys or records; key listings never show a key.
/// </summary>
public sealed class CredentialTests(ITestOutputHelper output)
{
    private const string Probe = "{ accounts { totalCount nodes { name } } }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Revoked_expired_tampered_deactivated_and_foreign_keys_get_nothing(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "credentials");

        // A second key for east works like the first, and is listed by prefix only.
        var (spare, spareId) = await s.CreateKeyAsync(s.East.Id, "east spare");
        Assert.Equal([A1Name], Names((await server.DataAsync(Probe, key: spare)).AssertOk()["accounts"]));
        var keys = await server.MetadataAsync($$"""{ apiKeys(user: "{{s.East.Id}}") { id name prefix user revokedAt lastUsedAt } }""");
        Assert.Equal(2, keys.AssertOk()["apiKeys"]!.AsArray().Count);
        Assert.DoesNotContain(spare, keys.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(s.East.Key, keys.Body, StringComparison.Ordinal);

        // Revoked: 401 on both endpoints at once; the other key of the same user still works.
        var revoked = (await server.MetadataOkAsync($$"""mutation { revokeApiKey(id: "{{spareId}}") { id revokedAt } }"""))["revokeApiKey"]!;
        Assert.NotNull((string?)revoked["revokedAt"]);
        await hostile.UnauthorizedAsync("revoked key on /graphql", server, PaasServer.DataPath, spare, Probe, s.Everything);
        await hostile.UnauthorizedAsync("revoked key on /graphql/metadata", server, PaasServer.MetadataPath, spare, "{ me { id } }", s.Everything);
        Assert.Equal(1, Total((await server.DataAsync(Probe, key: s.East.Key)).AssertOk()["accounts"]));
        var listed = (await server.MetadataOkAsync($$"""{ apiKeys(user: "{{s.East.Id}}") { id revokedAt } }"""))["apiKeys"]!.AsArray();
        Assert.NotNull((string?)listed.Single(k => (string?)k!["id"] == spareId)!["revokedAt"]);

        // Tampered: one character changed anywhere, case changed, truncated, extended.
        var key = s.East.Key;
        string[] tampered =
        [
            Flip(key, key.Length - 1), Flip(key, key.Length / 2), Flip(key, 6), key.ToUpperInvariant() == key ? key.ToLowerInvariant() : key.ToUpperInvariant(),
            key[..^1], key + "0", Flip(PaasServer.AdminKey, 10),
        ];
        foreach (var bad in tampered.Distinct().Where(k => k != key))
        {
            await hostile.UnauthorizedAsync("tampered key " + bad[..Math.Min(8, bad.Length)], server, PaasServer.DataPath, bad, Probe, s.Everything);
        }

        // Expired: works until expiresAt, then 401.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var (shortLived, _) = await s.CreateKeyAsync(s.East.Id, "short lived", $"\"{expiresAt}\"");
        Assert.Equal(1, Total((await server.DataAsync(Probe, key: shortLived)).AssertOk()["accounts"]));
        await Task.Delay(TimeSpan.FromSeconds(4));
        await hostile.UnauthorizedAsync("expired key", server, PaasServer.DataPath, shortLived, Probe, s.Everything);

        // Deactivated user: every key of the user stops at once, even one made afterwards.
        Assert.Equal(0, Total((await server.DataAsync(Probe, key: s.Outsider.Key)).AssertOk()["accounts"]));
        var deactivated = (await server.MetadataOkAsync($$"""mutation { deactivateUser(id: "{{s.Outsider.Id}}") { id isActive } }"""))["deactivateUser"]!;
        Assert.False((bool)deactivated["isActive"]!);
        await hostile.UnauthorizedAsync("deactivated user's key on /graphql", server, PaasServer.DataPath, s.Outsider.Key, Probe, s.Everything);
        await hostile.UnauthorizedAsync("deactivated user's key on /graphql/metadata", server, PaasServer.MetadataPath, s.Outsider.Key, "{ me { id } }", s.Everything);
        var lateKey = await server.MetadataAsync($$"""
            mutation { createApiKey(input: {user: "{{s.Outsider.Id}}", name: "late", expiresAt: null}) { key } }
            """);
        hostile.Count1(lateKey);
        if (lateKey.Errors is null or { Count: 0 })
        {
            await hostile.UnauthorizedAsync("key made for a deactivated user", server, PaasServer.DataPath, (string)lateKey.Data!["createApiKey"]!["key"]!, Probe, s.Everything);
        }
        else
        {
            ResponseAssert.IsSafeError(lateKey);
        }

        var users = (await server.MetadataOkAsync("{ users { id email isActive } }"))["users"]!.AsArray();
        Assert.False((bool)users.Single(u => (string?)u!["email"] == s.Outsider.Email)!["isActive"]!);
        Assert.True((bool)users.Single(u => (string?)u!["email"] == s.East.Email)!["isActive"]!);

        // A user key on the operator endpoint: 403.
        var platform = await server.PlatformAsync("{ tenants { slug } }", key: s.East.Key);
        hostile.Count1(platform);
        ResponseAssert.HttpError(platform, HttpStatusCode.Forbidden, "FORBIDDEN");

        // Another tenant's admin: none of our records, users, keys or log; cannot touch our users or keys.
        var rivalKey = (string)(await server.PlatformAsync("""
            mutation { createTenant(input: {slug: "rival", name: "Rival Ltd", modules: []}) { tenant { slug } adminApiKey } }
            """)).AssertOk()["createTenant"]!["adminApiKey"]!;
        string[] ours = [.. s.Everything, s.East.Email, s.West.Email, s.Boss.Email, s.East.Id, s.West.Id, s.Boss.Id, s.A1, s.A2, s.O1, spare];
        Assert.NotNull((await server.DataAsync("{ _metadataVersion }", key: rivalKey)).AssertOk()["_metadataVersion"]);
        await hostile.RefusedAsync("rival lists accounts", server, PaasServer.DataPath, rivalKey, Probe, null, HostileAttempts.SchemaError, ours);
        await hostile.RefusedAsync("rival reads A1", server, PaasServer.DataPath, rivalKey, "query($id: ID!) { account(id: $id) { name } }", new { id = s.A1 },
            HostileAttempts.SchemaError, ours);
        var rivalUsers = await hostile.EmptyAsync("rival lists users", server, PaasServer.MetadataPath, rivalKey,
            "{ users { id name email } roles { apiName } permissionSets { apiName } sharingRules { apiName } groups { apiName } }", null, ours);
        Assert.DoesNotContain(rivalUsers["roles"]!.AsArray(), r => (string?)r!["apiName"] is "Sales" or "RepEast" or "RepWest");
        Assert.DoesNotContain(rivalUsers["permissionSets"]!.AsArray(), r => (string?)r!["apiName"] is "CrmUser" or "SecretReader");
        Assert.Empty(rivalUsers["groups"]!.AsArray());
        var rivalLog = await server.MetadataAsync("{ auditLog(first: 50, action: null) { at actor action target details } }", key: rivalKey);
        hostile.Count1(rivalLog);
        hostile.AssertNoLeak("rival reads the audit log", rivalLog, "", null, ours);

        var rivalKeys = await server.MetadataAsync($$"""{ apiKeys(user: "{{s.East.Id}}") { id name prefix } }""", key: rivalKey);
        hostile.Count1(rivalKeys);
        Assert.True(rivalKeys.Errors is { Count: > 0 } || rivalKeys.Data?["apiKeys"]?.AsArray().Count == 0, $"rival lists east's keys: {rivalKeys}");
        hostile.AssertNoLeak("rival lists east's keys", rivalKeys, "", null, [s.East.KeyId, spareId, s.East.Key[..12]]);

        (string What, string Query)[] rivalWrites =
        [
            ("deactivates east", $$"""mutation { deactivateUser(id: "{{s.East.Id}}") { id isActive } }"""),
            ("promotes east", $$"""mutation { updateUser(id: "{{s.East.Id}}", input: {profile: "SystemAdministrator"}) { id profile } }"""),
            ("mints a key for east", $$"""mutation { createApiKey(input: {user: "{{s.East.Id}}", name: "stolen", expiresAt: null}) { key apiKey { id } } }"""),
            ("revokes east's key", $$"""mutation { revokeApiKey(id: "{{s.East.KeyId}}") { id revokedAt } }"""),
            ("transfers east's records", $$"""mutation { transferRecords(input: {fromUser: "{{s.East.Id}}", toUser: "{{s.West.Id}}", objects: ["Account"]}) { object count } }"""),
        ];
        foreach (var (what, query) in rivalWrites)
        {
            var response = await server.MetadataAsync(query, key: rivalKey);
            hostile.Count1(response);
            hostile.Soft("rival " + what, () =>
            {
                Assert.True(response.Errors is { Count: > 0 }, $"rival {what}: {response}");
                ResponseAssert.IsSafeError(response);
                Assert.True(response.ErrorCodes.Any(c => c is "NOT_FOUND" or "VALIDATION_FAILED" or "FORBIDDEN"), $"rival {what}: {response}");
            });
            Assert.True(response.Data is null || response.Data.AsObject().All(p => p.Value is null), $"rival {what}: {response}");
            hostile.AssertNoLeak("rival " + what, response, query, null, ours);
        }

        // Same object name in the other tenant: still none of ours.
        await server.MetadataOkAsync("""mutation { createObject(input: {apiName: "Account", label: "Account"}) { apiName } }""", key: rivalKey);
        var rivalData = await hostile.EmptyAsync("rival with its own Account", server, PaasServer.DataPath, rivalKey,
            "query($id: ID!) { account(id: $id) { id name } accounts { totalCount nodes { name } } }", new { id = s.A1 }, ours);
        Assert.Null(rivalData["account"]);
        Assert.Equal(0, Total(rivalData["accounts"]));

        // East is untouched: active, same profile, key working, owner of A1.
        var eastNow = (await server.MetadataOkAsync("{ users { id email isActive profile } }"))["users"]!.AsArray()
            .Single(u => (string?)u!["email"] == s.East.Email)!;
        Assert.True((bool)eastNow["isActive"]!);
        Assert.Equal("StandardUser", (string?)eastNow["profile"]);
        Assert.Equal([A1Name], Names((await server.DataAsync(Probe, key: s.East.Key)).AssertOk()["accounts"]));
        AssertSameId(s.East.Id, (await server.DataOkAsync("query($id: ID!) { account(id: $id) { ownerId } }", new { id = s.A1 }))["account"]!["ownerId"]);

        hostile.Report();
    }

    /// <summary>The key with the character at <paramref name="index"/> replaced by a different one of the same kind.</summary>
    private static string Flip(string key, int index)
    {
        var c = key[index];
        var replacement = char.IsDigit(c) ? (c == '7' ? '3' : '7') : char.IsUpper(c) ? (c == 'Q' ? 'R' : 'Q') : char.IsLower(c) ? (c == 'q' ? 'r' : 'q') : 'x';
        return key[..index] + replacement + key[(index + 1)..];
    }
}
