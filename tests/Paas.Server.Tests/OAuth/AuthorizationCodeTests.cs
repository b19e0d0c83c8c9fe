using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using static Paas.Server.Tests.OAuth.OAuthHttp;

namespace Paas.Server.Tests.OAuth;

/// <summary>
/// The interactive flow over HTTP: password sign-in (cookie, antiforgery, one answer for every failure, throttled),
/// authorization code with PKCE S256, single-use codes, rotating refresh tokens, deactivated users.
/// </summary>
public sealed class AuthorizationCodeTests
{
    private const string Probe = "{ accounts { nodes { name } } }";
    private const string Redirect = "http://localhost:7777/callback";
    private const string Password = "correct horse battery";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Sign_in_authorize_with_pkce_exchange_and_refresh(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Settings);
        const string admin = PaasServer.AdminKey;
        await SetUpTenantAsync(server, admin, "Acme");
        var ann = await CreateUserAsync(server, admin, "ann@a.example", reader: true);
        (await server.MetadataAsync($$"""mutation { setUserPassword(id: "{{ann}}", password: "too short") }""")).AssertError("VALIDATION_FAILED");
        await server.MetadataOkAsync($$"""mutation { setUserPassword(id: "{{ann}}", password: "{{Password}}") }""");
        var created = (await server.MetadataOkAsync($$"""
            mutation { createOAuthClient(input: {name: "Console", redirectUris: ["{{Redirect}}"], grantTypes: [AUTHORIZATION_CODE, REFRESH_TOKEN]}) {
              clientId clientSecret client { redirectUris isConfidential } } }
            """))["createOAuthClient"]!;
        var clientId = created["clientId"]!.GetValue<string>();
        Assert.Null(created["clientSecret"]);

        // Not signed in: the authorization endpoint sends the browser to the sign-in page.
        var jar = new Dictionary<string, string>();
        var (verifier, challenge) = Pkce();
        using var first = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Get, AuthorizeUrl(clientId, challenge)));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var signIn = first.Headers.Location!;
        Assert.Equal("/account/signin", signIn.IsAbsoluteUri ? signIn.AbsolutePath : signIn.OriginalString.Split('?')[0]);
        var returnUrl = QueryHelpers.ParseQuery(signIn.IsAbsoluteUri ? signIn.Query : "?" + signIn.OriginalString.Split('?', 2)[1])["ReturnUrl"].ToString();

        // Without the antiforgery token the form is refused.
        using (var forged = await SendAsync(server, jar, Form("/account/signin", ("tenant", PaasServer.BootstrapTenant), ("email", "ann@a.example"), ("password", Password))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        // Wrong password and unknown email: the same answer.
        var wrong = await PostSignInAsync(server, jar, returnUrl, "ann@a.example", "wrong password!!");
        var unknown = await PostSignInAsync(server, jar, returnUrl, "nobody@a.example", Password);
        var noTenant = await PostSignInAsync(server, jar, returnUrl, "ann@a.example", Password, tenant: "no-such-tenant");
        foreach (var answer in new[] { wrong, unknown, noTenant })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
            Assert.Contains("The tenant, email or password is not correct.", answer.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("at Paas.", answer.Body, StringComparison.Ordinal);
        }

        // The right password: the cookie, then back to the authorization endpoint, which redirects with a code.
        var ok = await PostSignInAsync(server, jar, returnUrl, "ann@a.example", Password);
        Assert.Equal(HttpStatusCode.Redirect, ok.Status);
        Assert.Equal(returnUrl, ok.Location);
        Assert.Contains("paas_signin", jar.Keys);
        var code = await AuthorizeAsync(server, jar, clientId, challenge);

        // Missing and wrong verifiers are refused (each on its own code); the right one gets tokens; the code works once.
        var (status, json) = await TokenAsync(server, ("grant_type", "authorization_code"), ("client_id", clientId), ("code", code), ("redirect_uri", Redirect));
        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.NotNull(Error(json));
        var (verifier2, challenge2) = Pkce();
        var code2 = await AuthorizeAsync(server, jar, clientId, challenge2);
        (status, json) = await TokenAsync(server, ("grant_type", "authorization_code"), ("client_id", clientId), ("code", code2), ("redirect_uri", Redirect),
            ("code_verifier", verifier));
        Assert.Equal("invalid_grant", Error(json));
        Assert.NotEqual(verifier, verifier2);
        var (verifier3, challenge3) = Pkce();
        var code3 = await AuthorizeAsync(server, jar, clientId, challenge3);
        (status, json) = await TokenAsync(server, ("grant_type", "authorization_code"), ("client_id", clientId), ("code", code3), ("redirect_uri", Redirect),
            ("code_verifier", verifier3));
        Assert.True(status == HttpStatusCode.OK, json.ToJsonString());
        var access = json["access_token"]!.GetValue<string>();
        var refresh = json["refresh_token"]!.GetValue<string>();
        Assert.Equal(["Acme"], AccountNames((await server.DataAsync(Probe, key: access)).AssertOk()));
        Assert.Equal(ann, (await server.MetadataOkAsync("{ me { id } }", key: access))["me"]!["id"]!.GetValue<string>());

        // The plain method is not accepted.
        using (var plain = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Get, AuthorizeUrl(clientId, verifier, "plain"))))
        {
            Assert.DoesNotContain("code=", plain.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }

        // Refresh rotates: the new pair works, the old refresh token is refused.
        (status, json) = await TokenAsync(server, ("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refresh));
        Assert.True(status == HttpStatusCode.OK, json.ToJsonString());
        var refreshed = json["access_token"]!.GetValue<string>();
        var rotated = json["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(refresh, rotated);
        Assert.Equal(["Acme"], AccountNames((await server.DataAsync(Probe, key: refreshed)).AssertOk()));
        (_, json) = await TokenAsync(server, ("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refresh));
        Assert.Equal("invalid_grant", Error(json));

        // The code works once; replaying it also revokes what it gave (OpenIddict's reuse detection), the rotated refresh token too.
        (_, json) = await TokenAsync(server, ("grant_type", "authorization_code"), ("client_id", clientId), ("code", code3), ("redirect_uri", Redirect),
            ("code_verifier", verifier3));
        Assert.Equal("invalid_grant", Error(json));
        (_, json) = await TokenAsync(server, ("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", rotated));
        Assert.Equal("invalid_grant", Error(json));

        // Sign-ins and token issuance are in the tenant's audit log, never with the password.
        var audit = (await server.MetadataOkAsync("{ auditLog(first: 100) { action target } }")).ToJsonString();
        Assert.Contains("signin.failed", audit, StringComparison.Ordinal);
        Assert.Contains("signin.succeeded", audit, StringComparison.Ordinal);
        Assert.Contains("token.issued", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, audit, StringComparison.Ordinal);

        // A deactivated user's tokens are refused, and the authorization endpoint gives no code for them.
        var (verifier4, challenge4) = Pkce();
        var code4 = await AuthorizeAsync(server, jar, clientId, challenge4);
        var (verifier5, challenge5) = Pkce();
        var code5 = await AuthorizeAsync(server, jar, clientId, challenge5);
        (status, json) = await TokenAsync(server, ("grant_type", "authorization_code"), ("client_id", clientId), ("code", code5), ("redirect_uri", Redirect),
            ("code_verifier", verifier5));
        var annToken = json["access_token"]!.GetValue<string>();
        (await server.DataAsync(Probe, key: annToken)).AssertOk();
        await server.MetadataOkAsync($$"""mutation { deactivateUser(id: "{{ann}}") { isActive } }""");
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.DataAsync(Probe, key: annToken)).Status);
        (_, json) = await TokenAsync(server, ("grant_type", "authorization_code"), ("client_id", clientId), ("code", code4), ("redirect_uri", Redirect),
            ("code_verifier", verifier4));
        Assert.Equal("invalid_grant", Error(json));
        using (var denied = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Get, AuthorizeUrl(clientId, challenge4))))
        {
            Assert.Contains("error=access_denied", denied.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }

        // Throttling: after 3 failures of one account (limit set for the tests) even the right password is refused.
        await server.MetadataOkAsync($$"""mutation { updateUser(id: "{{ann}}", input: {isActive: true}) { isActive } }""");
        var fresh = new Dictionary<string, string>();
        using (await SendAsync(server, fresh, new HttpRequestMessage(HttpMethod.Get, "/account/signin"))) { }
        Assert.Equal(HttpStatusCode.Redirect, (await PostSignInAsync(server, fresh, returnUrl, "ANN@a.example", Password)).Status);
        // Ann's first failure was the wrong password above; two more reach the limit of 3.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignInAsync(server, fresh, returnUrl, "ann@a.example", "wrong password 2")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignInAsync(server, fresh, returnUrl, "Ann@A.example", "wrong password 3")).Status);
        var throttled = await PostSignInAsync(server, fresh, returnUrl, "ann@a.example", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Contains("Too many failed sign-ins", throttled.Body, StringComparison.Ordinal);

        // Another account from the same address is not locked by ann's failures (the address limit is higher).
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignInAsync(server, fresh, returnUrl, "nobody@a.example", Password)).Status);
    }

    private static string AuthorizeUrl(string clientId, string challenge, string method = "S256") =>
        QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code", ["client_id"] = clientId, ["redirect_uri"] = Redirect, ["scope"] = "offline_access",
            ["state"] = "xyz", ["code_challenge"] = challenge, ["code_challenge_method"] = method,
        });

    private static async Task<string> AuthorizeAsync(PaasServer server, Dictionary<string, string> jar, string clientId, string challenge)
    {
        using var response = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Get, AuthorizeUrl(clientId, challenge)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(Redirect + "?", location, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(new Uri(location).Query);
        Assert.Equal("xyz", query["state"].ToString());
        return query["code"].ToString();
    }

    private static async Task<(HttpStatusCode Status, string Body, string? Location)> PostSignInAsync(PaasServer server, Dictionary<string, string> jar,
        string returnUrl, string email, string password, string tenant = PaasServer.BootstrapTenant)
    {
        using var page = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Get, "/account/signin?ReturnUrl=" + Uri.EscapeDataString(returnUrl)));
        var token = FormToken(await page.Content.ReadAsStringAsync());
        using var response = await SendAsync(server, jar, Form("/account/signin", ("__RequestVerificationToken", token), ("returnUrl", returnUrl),
            ("tenant", tenant), ("email", email), ("password", password)));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.ToString());
    }

    private static HttpRequestMessage Form(string path, params (string Name, string Value)[] fields) =>
        new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) };

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }
}
