using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Data.Metadata;
using Paas.Data.OAuth;
using Paas.Data.Platform;
using Paas.Data.Storage;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using static Paas.Server.Tests.OAuth.OAuthHttp;

namespace Paas.Server.Tests.OAuth;

/// <summary>
/// Invitations: an admin invites a user through the metadata API, the user sets a password at <c>/account/accept</c>
/// (single use, expiring, replaced by a reissue, refused for deactivated users), then signs in with it; sign-out.
/// </summary>
public sealed class InvitationTests
{
    private const string Password = "a long enough secret";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Invite_accept_once_then_sign_in(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Settings);
        await SetUpTenantAsync(server, PaasServer.AdminKey, "Acme");

        // Only Manage Users may invite: a standard user's key is refused and creates nobody.
        var bob = await CreateUserAsync(server, PaasServer.AdminKey, "bob@a.example", reader: true);
        var bobKey = (await server.MetadataOkAsync($$"""mutation { createApiKey(input: {name: "bob", user: "{{bob}}"}) { key } }"""))["createApiKey"]!["key"]!.GetValue<string>();
        (await server.MetadataAsync("""mutation { inviteUser(input: {name: "Eve", email: "eve@a.example", profile: "StandardUser"}) { token } }""", key: bobKey))
            .AssertError("FORBIDDEN");
        var users = await server.MetadataOkAsync("{ users { email } }");
        Assert.DoesNotContain("eve@a.example", users.ToJsonString(), StringComparison.Ordinal);

        var invited = (await server.MetadataOkAsync("""
            mutation { inviteUser(input: {name: "Ann", email: "ann@a.example", profile: "StandardUser", permissionSets: ["Reader"]}) {
              user { id email isActive } token expiresAt acceptPath } }
            """))["inviteUser"]!;
        var token = invited["token"]!.GetValue<string>();
        var userId = invited["user"]!["id"]!.GetValue<string>();
        Assert.True(invited["user"]!["isActive"]!.GetValue<bool>());
        Assert.StartsWith("inv_", token, StringComparison.Ordinal);
        var acceptPath = invited["acceptPath"]!.GetValue<string>();
        Assert.Equal($"/account/accept?tenant={PaasServer.BootstrapTenant}&token={Uri.EscapeDataString(token)}", acceptPath);
        var expiresAt = DateTimeOffset.Parse(invited["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        // The page carries the tenant and token into its form.
        var jar = new Dictionary<string, string>();
        using (var page = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Get, acceptPath)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(token), await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Refusals that use nothing up: no antiforgery token, different confirmation, too short, a tampered expiry, another tenant.
        using (var forged = await SendAsync(server, jar, Form(("tenant", PaasServer.BootstrapTenant), ("token", token), ("password", Password), ("confirm", Password))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Contains("not the same", (await AcceptAsync(server, jar, token, Password, Password + "x")).Body, StringComparison.Ordinal);
        Assert.Contains("12 to 200 characters", (await AcceptAsync(server, jar, token, "short", "short")).Body, StringComparison.Ordinal);
        var dot = token.LastIndexOf('.');
        var extended = token[..(dot + 1)] + (long.Parse(token[(dot + 1)..], System.Globalization.CultureInfo.InvariantCulture) + 86400);
        foreach (var (candidate, tenant) in new[] { (extended, PaasServer.BootstrapTenant), (token, "no-such-tenant"), ("inv_' OR 1=1 --", PaasServer.BootstrapTenant) })
        {
            var refused = await AcceptAsync(server, jar, candidate, Password, Password, tenant);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(SignInPageText.InvitationInvalid, refused.Body, StringComparison.Ordinal);
        }

        // Past its expiry the token is refused (checked with a clock 8 days ahead) and still not used up.
        var services = server.Services;
        var tenantInfo = (await services.GetRequiredService<TenantCatalog>().FindAsync(PaasServer.BootstrapTenant, CancellationToken.None))!;
        var later = new UserPasswords(services.GetRequiredService<IDatabaseConnector>(), services.GetRequiredService<MetadataCache>(), new ShiftedTime(TimeSpan.FromDays(8)));
        Assert.Null(await later.AcceptInvitationAsync(tenantInfo, token, Password, null, CancellationToken.None));

        // The right answer: password set, signed in; the token works once.
        var accepted = await AcceptAsync(server, jar, token, Password, Password);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Contains("paas_signin", jar.Keys);
        Assert.Contains(SignInPageText.InvitationInvalid, (await AcceptAsync(server, new Dictionary<string, string>(), token, Password + "2", Password + "2")).Body, StringComparison.Ordinal);

        // Sign-out drops the cookie.
        using (var signOut = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Post, "/account/signout")))
        {
            Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
            Assert.Contains("paas_signin=;", string.Join("|", signOut.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        }

        // The password works on the sign-in page.
        var fresh = new Dictionary<string, string>();
        using (var signInPage = await SendAsync(server, fresh, new HttpRequestMessage(HttpMethod.Get, "/account/signin")))
        {
            var form = FormToken(await signInPage.Content.ReadAsStringAsync());
            using var signedIn = await SendAsync(server, fresh, new HttpRequestMessage(HttpMethod.Post, "/account/signin")
            {
                Content = new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", form), KeyValuePair.Create("tenant", PaasServer.BootstrapTenant),
                    KeyValuePair.Create("email", "ann@a.example"), KeyValuePair.Create("password", Password)]),
            });
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        // A reissue replaces the earlier invitation; a deactivated user cannot accept; a deactivated user cannot be invited.
        var first = (await server.MetadataOkAsync($$"""mutation { reissueInvitation(id: "{{userId}}") { token } }"""))["reissueInvitation"]!["token"]!.GetValue<string>();
        var second = (await server.MetadataOkAsync($$"""mutation { reissueInvitation(id: "{{userId}}") { token } }"""))["reissueInvitation"]!["token"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.BadRequest, (await AcceptAsync(server, new Dictionary<string, string>(), first, Password, Password)).Status);
        await server.MetadataOkAsync($$"""mutation { deactivateUser(id: "{{userId}}") { id } }""");
        Assert.Equal(HttpStatusCode.BadRequest, (await AcceptAsync(server, new Dictionary<string, string>(), second, Password, Password)).Status);
        (await server.MetadataAsync($$"""mutation { reissueInvitation(id: "{{userId}}") { token } }""")).AssertError("VALIDATION_FAILED");

        // The audit log has the invitations and the acceptance, never the token.
        var audit = (await server.MetadataOkAsync("{ auditLog(first: 200) { action target details } }")).ToJsonString();
        Assert.Contains("user.invited", audit, StringComparison.Ordinal);
        Assert.Contains("user.invitation_accepted", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(token, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(second, audit, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> AcceptAsync(PaasServer server, Dictionary<string, string> jar, string token, string password,
        string confirm, string tenant = PaasServer.BootstrapTenant)
    {
        using var page = await SendAsync(server, jar, new HttpRequestMessage(HttpMethod.Get, "/account/accept?tenant=" + tenant + "&token=" + Uri.EscapeDataString(token)));
        var form = FormToken(await page.Content.ReadAsStringAsync());
        using var response = await SendAsync(server, jar, Form(("__RequestVerificationToken", form), ("tenant", tenant), ("token", token), ("password", password), ("confirm", confirm)));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static HttpRequestMessage Form(params (string Name, string Value)[] fields) =>
        new(HttpMethod.Post, "/account/accept") { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) };

    private static class SignInPageText
    {
        public const string InvitationInvalid = "This invitation is not valid";
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
