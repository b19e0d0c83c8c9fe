using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using static Paas.Server.Tests.OAuth.OAuthHttp;

namespace Paas.Server.Tests.OAuth;

/// <summary>
/// Client credentials: a client registered for a user acts with that user's rights in the client's tenant and nowhere
/// else; wrong secrets, tampered, expired and deactivated users' tokens get nothing.
/// </summary>
public sealed class ClientCredentialsTests
{
    private const string Probe = "{ accounts { nodes { name } } }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Client_credentials_tokens_carry_the_clients_tenant_and_user_only(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Settings);
        const string admin = PaasServer.AdminKey;
        await SetUpTenantAsync(server, admin, "Acme");
        var reader = await CreateUserAsync(server, admin, "reader@a.example", reader: true);
        var blind = await CreateUserAsync(server, admin, "blind@a.example", reader: false);
        var (readerClient, readerSecret) = await CreateServiceClientAsync(server, admin, reader, "ERP sync");
        var (blindClient, blindSecret) = await CreateServiceClientAsync(server, admin, blind, "Blind sync");

        // Happy path: the token reads with the reader's rights; a user without rights on Account does not see it.
        var token = await ClientCredentialsTokenAsync(server, readerClient, readerSecret);
        Assert.DoesNotContain(readerSecret, token, StringComparison.Ordinal);
        Assert.Equal(["Acme"], AccountNames((await server.DataAsync(Probe, key: token)).AssertOk()));
        var blindToken = await ClientCredentialsTokenAsync(server, blindClient, blindSecret);
        Assert.NotNull((await server.DataAsync(Probe, key: blindToken)).ErrorCode);
        var me = (await server.MetadataAsync("{ me { id } }", key: token)).AssertOk();
        Assert.Equal(reader, me["me"]!["id"]!.GetValue<string>());

        // The reader may not manage clients; the admin lists them without secrets.
        (await server.MetadataAsync("{ oauthClients { clientId } }", key: token)).AssertError("FORBIDDEN");
        var listed = await server.MetadataOkAsync("{ oauthClients { clientId name user grantTypes redirectUris isConfidential } }");
        Assert.Equal(2, listed["oauthClients"]!.AsArray().Count);
        Assert.DoesNotContain(readerSecret, listed.ToJsonString(), StringComparison.Ordinal);

        // Wrong secret, unknown client: invalid_client.
        var (status, json) = await TokenAsync(server, ("grant_type", "client_credentials"), ("client_id", readerClient), ("client_secret", readerSecret + "x"));
        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Equal("invalid_client", Error(json));
        (_, json) = await TokenAsync(server, ("grant_type", "client_credentials"), ("client_id", "nobody"), ("client_secret", readerSecret));
        Assert.Equal("invalid_client", Error(json));

        // A second tenant: each token sees only its client's tenant, whatever the request says.
        var created = await server.PlatformAsync("""mutation { createTenant(input: {slug: "beta", name: "Beta"}) { adminApiKey } }""");
        var betaAdmin = created.AssertOk()["createTenant"]!["adminApiKey"]!.GetValue<string>();
        await SetUpTenantAsync(server, betaAdmin, "Beta Corp");
        var betaUser = await CreateUserAsync(server, betaAdmin, "reader@b.example", reader: true);
        var (betaClient, betaSecret) = await CreateServiceClientAsync(server, betaAdmin, betaUser, "Beta sync");
        var betaToken = await ClientCredentialsTokenAsync(server, betaClient, betaSecret);
        Assert.Equal(["Beta Corp"], AccountNames((await server.DataAsync(Probe, key: betaToken)).AssertOk()));
        (status, json) = await TokenAsync(server, ("grant_type", "client_credentials"), ("client_id", readerClient), ("client_secret", readerSecret),
            ("tenant", "beta"), ("scope", "tenant:beta"));
        if (status == HttpStatusCode.OK)
        {
            Assert.Equal(["Acme"], AccountNames((await server.DataAsync(Probe, key: json["access_token"]!.GetValue<string>())).AssertOk()));
        }

        // Beta's admin cannot list or delete Acme's clients; a user of Beta cannot get a client for Acme's user.
        Assert.Single((await server.MetadataOkAsync("{ oauthClients { clientId } }", key: betaAdmin))["oauthClients"]!.AsArray());
        (await server.MetadataAsync($$"""mutation { deleteOAuthClient(clientId: "{{readerClient}}") }""", key: betaAdmin)).AssertError("NOT_FOUND");
        (await server.MetadataAsync($$"""
            mutation { createOAuthClient(input: {user: "{{reader}}", name: "x", grantTypes: [CLIENT_CREDENTIALS]}) { clientId } }
            """, key: betaAdmin)).AssertError("VALIDATION_FAILED");

        // Tampered tokens get the same 401 as an unknown key.
        var unknownKey = await server.DataAsync(Probe, key: "paas_" + new string('x', 40));
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.Status);
        foreach (var tampered in new[] { Tamper(token, token.Length / 2), Tamper(token, token.Length - 3), token[..^10] })
        {
            var refused = await server.DataAsync(Probe, key: tampered);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
            Assert.Equal(unknownKey.Body, refused.Body);
        }

        // Token issuance is audited in the tenant's log, without the secret.
        var audit = await server.MetadataOkAsync("""{ auditLog(action: "token.issued") { action target credential } }""");
        Assert.Contains(audit["auditLog"]!.AsArray(), e => e!["target"]!.GetValue<string>() == readerClient);
        Assert.DoesNotContain(readerSecret, audit.ToJsonString(), StringComparison.Ordinal);

        // A deactivated user's token is refused at once, and the client gets no new one.
        await server.MetadataOkAsync($$"""mutation { deactivateUser(id: "{{blind}}") { isActive } }""");
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.DataAsync(Probe, key: blindToken)).Status);
        (status, json) = await TokenAsync(server, ("grant_type", "client_credentials"), ("client_id", blindClient), ("client_secret", blindSecret));
        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Equal("invalid_grant", Error(json));

        // A deleted client's tokens stop working.
        var doomed = await ClientCredentialsTokenAsync(server, betaClient, betaSecret);
        Assert.True((await server.MetadataOkAsync($$"""mutation { deleteOAuthClient(clientId: "{{betaClient}}") }""", key: betaAdmin))["deleteOAuthClient"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.DataAsync(Probe, key: doomed)).Status);

        // Expired tokens (lifetime 6 s in these tests) are refused like unknown keys.
        var fresh = await ClientCredentialsTokenAsync(server, readerClient, readerSecret);
        (await server.DataAsync(Probe, key: fresh)).AssertOk();
        await Task.Delay(TimeSpan.FromSeconds(7));
        var expired = await server.DataAsync(Probe, key: fresh);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal(unknownKey.Body, expired.Body);
    }

    private static string Tamper(string token, int at) =>
        token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];
}
