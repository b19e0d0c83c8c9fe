using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;
using static Paas.Server.Tests.Security.SecurityScenario;

namespace Paas.Server.Tests.Security;

/// <summary>
/// A normal user cannot use the metadata and security API (FORBIDDEN, nothing changes, nothing shown), so cannot raise
/// their own rights; every security change the admin made is in the audit log, which never shows a key.
/// </summary>
public sealed class AdminApiTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Normal_users_cannot_change_metadata_or_security_and_admin_changes_are_audited(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "admin API");
        var before = (await server.MetadataOkAsync(SecurityState)).ToJsonString();
        var objectsBefore = (await server.MetadataOkAsync("{ objects { apiName fields { apiName type required } } }")).ToJsonString();

        string[] attempts =
        [
            // metadata (Manage Metadata)
            """mutation { createObject(input: {apiName: "Pwned", label: "Pwned"}) { apiName } }""",
            """mutation { createField(input: {object: "Account", apiName: "pwned", label: "Pwned", type: TEXT}) { apiName } }""",
            """mutation { updateField(input: {object: "Account", apiName: "secret", secured: false}) { apiName } }""",
            """mutation { deleteField(object: "Account", apiName: "secret") }""",
            """mutation { deleteObject(apiName: "Opportunity") }""",
            // users, roles, groups, permission sets (Manage Users)
            """mutation { createRole(input: {apiName: "Top", label: "Top", parent: null}) { apiName } }""",
            """mutation { createGroup(input: {apiName: "Crew", label: "Crew"}) { apiName } }""",
            """
            mutation { createPermissionSet(input: {apiName: "Everything", label: "Everything", isProfile: false, objects: [], fields: [],
              system: {viewAllData: true, modifyAllData: true, manageMetadata: true, manageUsers: true}}) { apiName } }
            """,
            """
            mutation { updatePermissionSet(input: {apiName: "CrmUser", label: "CRM user", isProfile: false, objects: [], fields: [],
              system: {viewAllData: true, modifyAllData: true, manageMetadata: true, manageUsers: true}}) { apiName } }
            """,
            $$"""mutation { createUser(input: {name: "Sock", email: "sock@example.test", role: "Sales", profile: "SystemAdministrator", permissionSets: [], groups: [], manager: null}) { id } }""",
            $$"""mutation { updateUser(id: "{{s.East.Id}}", input: {profile: "SystemAdministrator"}) { id profile } }""",
            $$"""mutation { updateUser(id: "{{s.East.Id}}", input: {permissionSets: ["CrmUser", "SecretReader"]}) { id permissionSets } }""",
            $$"""mutation { updateUser(id: "{{s.East.Id}}", input: {role: "Sales"}) { id role } }""",
            $$"""mutation { deactivateUser(id: "{{s.Boss.Id}}") { id isActive } }""",
            $$"""mutation { createApiKey(input: {user: "{{s.AdminId}}", name: "admin for me", expiresAt: null}) { key } }""",
            "MINT_FOR_OTHER",
            "REVOKE_OTHER",
            // sharing
            """mutation { setSharingModel(object: "Account", model: PUBLIC_READ_WRITE) { apiName sharingModel } }""",
            """
            mutation { createSharingRule(input: {apiName: "AllToEast", object: "Account", access: EDIT,
              sharedWith: {kind: ROLE, name: "RepEast"}, ownedBy: {kind: ROLE_AND_SUBORDINATES, name: "Sales"}, criteria: null}) { apiName } }
            """,
            """
            mutation { createSharingRule(input: {apiName: "AnyToEast", object: "Account", access: EDIT,
              sharedWith: {kind: ROLE, name: "RepEast"}, ownedBy: null, criteria: "{\"name\": {\"isNull\": false}}"}) { apiName } }
            """,
            """mutation { deleteSharingRule(apiName: "Nothing") }""",
            $$"""mutation { transferRecords(input: {fromUser: "{{s.West.Id}}", toUser: "{{s.East.Id}}", objects: ["Account", "Opportunity"]}) { object count } }""",
            // reading security data
            "{ users { id email role profile isActive } }",
            "{ roles { apiName parent } }",
            "{ groups { apiName } }",
            "{ permissionSets { apiName isProfile } }",
            "{ sharingRules { apiName object } }",
            "LIST_OTHERS_KEYS",
            "{ auditLog(first: 50, action: null) { at actor action target details } }",
        ];
        string[] leaks = [.. s.HiddenFromEast, s.West.Email, s.Boss.Email, s.Outsider.Email, s.East.Key, s.Boss.KeyId, s.East.KeyId];
        foreach (var (who, key, other) in new[] { ("east", s.East.Key, s.Boss), ("boss", s.Boss.Key, s.East) })
        {
            foreach (var attempt in attempts)
            {
                var query = attempt switch
                {
                    "REVOKE_OTHER" => $$"""mutation { revokeApiKey(id: "{{other.KeyId}}") { id revokedAt } }""",
                    "MINT_FOR_OTHER" => $$"""mutation { createApiKey(input: {user: "{{other.Id}}", name: "for me", expiresAt: null}) { key } }""",
                    "LIST_OTHERS_KEYS" => $$"""{ apiKeys(user: "{{other.Id}}") { id name prefix } }""",
                    _ => attempt,
                };
                await hostile.RefusedAsync($"{who}: {query.Trim()}", server, PaasServer.MetadataPath, key, query, null, "FORBIDDEN", leaks);
            }
        }

        // Nothing changed: same security state and schema; east's rights and view are as before; boss's key works.
        Assert.Equal(before, (await server.MetadataOkAsync(SecurityState)).ToJsonString());
        Assert.Equal(objectsBefore, (await server.MetadataOkAsync("{ objects { apiName fields { apiName type required } } }")).ToJsonString());
        var east = (await server.DataAsync("{ accounts { totalCount nodes { name } } opportunities { totalCount } }", key: s.East.Key)).AssertOk();
        Assert.Equal([A1Name], Names(east["accounts"]));
        Assert.Equal(2, Total(east["opportunities"]));
        await hostile.RefusedAsync("east still cannot select secret", server, PaasServer.DataPath, s.East.Key, "{ accounts { nodes { secret } } }", null,
            HostileAttempts.SchemaError, leaks);
        Assert.Equal(2, Total((await server.DataAsync("{ accounts { totalCount } }", key: s.Boss.Key)).AssertOk()["accounts"]));
        AssertSameId(s.West.Id, (await server.DataOkAsync("query($id: ID!) { account(id: $id) { ownerId } }", new { id = s.A2 }))["account"]!["ownerId"]);

        // The audit log holds the admin's security changes (setup: 3 roles, 1 group, 2 permission sets, 4 users,
        // 2 sharing models), by the admin, and never a key.
        var log = await server.MetadataAsync("{ auditLog(first: 50, action: null) { at actor action target details } }");
        var entries = log.AssertOk()["auditLog"]!.AsArray();
        Assert.True(entries.Count >= 12, $"expected at least 12 audit entries, got {entries.Count}: {log.Body}");
        Assert.All(entries, e =>
        {
            Assert.False(string.IsNullOrEmpty((string?)e!["at"]));
            Assert.False(string.IsNullOrEmpty((string?)e["action"]));
            Assert.False(string.IsNullOrEmpty(e["actor"]?.ToString()));
        });
        Assert.Contains(entries, e => e!["actor"]!.ToString().Contains(s.AdminId, StringComparison.OrdinalIgnoreCase));
        foreach (var secretKey in new[] { s.East.Key, s.West.Key, s.Boss.Key, s.Outsider.Key, PaasServer.AdminKey })
        {
            Assert.DoesNotContain(secretKey, log.Body, StringComparison.Ordinal);
        }

        string Text(JsonNode? e) => $"{e!["action"]} {e["target"]} {e["details"]}";
        Assert.Contains(entries, e => Text(e).Contains(s.East.Id, StringComparison.OrdinalIgnoreCase) || Text(e).Contains(s.East.Email, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(entries, e => Text(e).Contains("RepWest", StringComparison.Ordinal));
        Assert.Contains(entries, e => Text(e).Contains("SecretReader", StringComparison.Ordinal));
        Assert.Contains(entries, e => Text(e).Contains("Opportunity", StringComparison.Ordinal) && Text(e).Contains("PRIVATE", StringComparison.OrdinalIgnoreCase));

        // A new change shows up, and the action filter selects it.
        await server.MetadataOkAsync($$"""mutation { deactivateUser(id: "{{s.Outsider.Id}}") { id } }""");
        var all = (await server.MetadataOkAsync("{ auditLog(first: 50, action: null) { action target details } }"))["auditLog"]!.AsArray();
        var deactivation = all.FirstOrDefault(e => (Text(e).Contains(s.Outsider.Id, StringComparison.OrdinalIgnoreCase)
                                                    || Text(e).Contains(s.Outsider.Email, StringComparison.OrdinalIgnoreCase))
                                                   && Text(e).Replace(" ", "", StringComparison.Ordinal).Contains("\"isActive\":false", StringComparison.Ordinal));
        Assert.True(deactivation is not null, $"no deactivation entry for the outsider: {all.ToJsonString()}");
        var action = (string)deactivation!["action"]!;
        var filtered = (await server.MetadataOkAsync($$"""{ auditLog(first: 50, action: "{{action}}") { action target } }"""))["auditLog"]!.AsArray();
        Assert.NotEmpty(filtered);
        Assert.All(filtered, e => Assert.Equal(action, (string?)e!["action"]));

        // A normal user may not mint keys, not even for themselves (a stolen key must not breed keys that outlive it);
        // they may list their own keys and revoke them.
        var (spare, spareId) = await s.CreateKeyAsync(s.East.Id, "east spare");
        await hostile.RefusedAsync("east mints a key for itself", server, PaasServer.MetadataPath, s.East.Key,
            $$"""mutation { createApiKey(input: {user: "{{s.East.Id}}", name: "self-service", expiresAt: null}) { key apiKey { id } } }""", null, "FORBIDDEN", leaks);
        var own = (await server.MetadataAsync($$"""{ apiKeys(user: "{{s.East.Id}}") { id name prefix } }""", key: s.East.Key)).AssertOk()["apiKeys"]!.AsArray();
        Assert.Contains(own, k => (string?)k!["id"] == spareId);
        var revoked = (await server.MetadataAsync($$"""mutation { revokeApiKey(id: "{{spareId}}") { id revokedAt } }""", key: s.East.Key)).AssertOk();
        Assert.NotNull((string?)revoked["revokeApiKey"]!["revokedAt"]);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await server.DataAsync("{ __typename }", key: spare)).Status);

        hostile.Report();
    }

    private const string SecurityState = """
        { users { id email role profile permissionSets groups isActive } roles { apiName parent } groups { apiName }
          permissionSets { apiName isProfile } sharingRules { apiName object } }
        """;
}
