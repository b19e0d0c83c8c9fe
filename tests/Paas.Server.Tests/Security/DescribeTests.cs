using Paas.Core.Configuration;
using Paas.Testing;

namespace Paas.Server.Tests.Security;

/// <summary>Describing the schema through the metadata API is no oracle: a normal user sees only what they may read.</summary>
public sealed class DescribeTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Objects_and_fields_a_user_may_not_read_are_absent_from_the_metadata_API(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        const string describe = "{ objects { apiName fields { apiName } } account: object(apiName: \"Account\") { fields { apiName } } }";

        var asAdmin = (await server.MetadataOkAsync(describe))["objects"]!.AsArray();
        var adminAccount = asAdmin.Single(o => (string?)o!["apiName"] == "Account")!["fields"]!.AsArray().Select(f => (string)f!["apiName"]!).ToList();
        Assert.Contains("secret", adminAccount);

        // East reads Account (not its secured fields) and Opportunity.
        var asEast = (await server.MetadataAsync(describe, key: s.East.Key)).AssertOk();
        var eastFields = asEast["account"]!["fields"]!.AsArray().Select(f => (string)f!["apiName"]!).ToList();
        Assert.DoesNotContain("secret", eastFields);
        Assert.DoesNotContain("tier", eastFields);
        Assert.Contains("industry", eastFields);
        Assert.DoesNotContain("secret", asEast.ToJsonString(), StringComparison.Ordinal);

        // Boss has the field grant on secret.
        var asBoss = (await server.MetadataAsync(describe, key: s.Boss.Key)).AssertOk();
        Assert.Contains("secret", asBoss["account"]!["fields"]!.AsArray().Select(f => (string)f!["apiName"]!));

        // Without read on Opportunity, the object is absent and asking for it by name gives null.
        await server.MetadataOkAsync($$"""mutation { updatePermissionSet(input: {{SecurityScenario.CrmUserSet(opportunityRead: false)}}) { apiName } }""");
        var later = (await server.MetadataAsync("{ objects { apiName } o: object(apiName: \"Opportunity\") { apiName } }", key: s.East.Key)).AssertOk();
        Assert.DoesNotContain(later["objects"]!.AsArray(), o => (string?)o!["apiName"] == "Opportunity");
        Assert.Null(later["o"]);
    }
}
