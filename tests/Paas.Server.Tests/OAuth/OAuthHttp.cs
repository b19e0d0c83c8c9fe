using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Paas.Server.Tests.Infrastructure;

namespace Paas.Server.Tests.OAuth;

/// <summary>Plain HTTP steps of the OAuth2 tests: setup through the metadata API, the token endpoint, and a small cookie jar.</summary>
internal static partial class OAuthHttp
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Paas:OAuth:RequireHttps"] = "false",
        ["Paas:OAuth:AccessTokenSeconds"] = "6",
        ["Paas:OAuth:FailedSignInsPerAccount"] = "3",
    };

    /// <summary>An object <c>Account</c> with one record named <paramref name="record"/>, a permission set <c>Reader</c> (read Account).</summary>
    public static async Task SetUpTenantAsync(PaasServer server, string key, string record)
    {
        await server.MetadataOkAsync("""mutation { createObject(input: {apiName: "Account", label: "Account"}) { apiName } }""", key: key);
        await server.MetadataOkAsync("""
            mutation { createPermissionSet(input: {apiName: "Reader", label: "Reader", objects: [{object: "Account", read: true}]}) { apiName } }
            """, key: key);
        await server.DataOkAsync($$"""mutation { createAccount(input: {name: "{{record}}"}) { id } }""", key: key);
    }

    public static async Task<string> CreateUserAsync(PaasServer server, string key, string email, bool reader)
    {
        var sets = reader ? "[\"Reader\"]" : "[]";
        var data = await server.MetadataOkAsync($$"""
            mutation { createUser(input: {name: "{{email}}", email: "{{email}}", profile: "StandardUser", permissionSets: {{sets}}}) { id } }
            """, key: key);
        return data["createUser"]!["id"]!.GetValue<string>();
    }

    public static async Task<(string ClientId, string Secret)> CreateServiceClientAsync(PaasServer server, string key, string user, string name)
    {
        var data = await server.MetadataOkAsync($$"""
            mutation { createOAuthClient(input: {user: "{{user}}", name: "{{name}}", redirectUris: [], grantTypes: [CLIENT_CREDENTIALS]}) {
              clientId clientSecret client { clientId name user grantTypes redirectUris } } }
            """, key: key);
        var created = data["createOAuthClient"]!;
        Assert.Equal(created["clientId"]!.GetValue<string>(), created["client"]!["clientId"]!.GetValue<string>());
        Assert.Equal(user, created["client"]!["user"]!.GetValue<string>());
        Assert.Equal("CLIENT_CREDENTIALS", created["client"]!["grantTypes"]![0]!.GetValue<string>());
        return (created["clientId"]!.GetValue<string>(), created["clientSecret"]!.GetValue<string>());
    }

    public static async Task<(HttpStatusCode Status, JsonNode Json)> TokenAsync(PaasServer server, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        using var response = await server.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(body)!);
    }

    public static async Task<string> ClientCredentialsTokenAsync(PaasServer server, string clientId, string secret)
    {
        var (status, json) = await TokenAsync(server, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret));
        Assert.True(status == HttpStatusCode.OK, json.ToJsonString());
        Assert.Equal("Bearer", json["token_type"]!.GetValue<string>());
        return json["access_token"]!.GetValue<string>();
    }

    public static string? Error(JsonNode json) => json["error"]?.GetValue<string>();

    public static IReadOnlyList<string> AccountNames(JsonNode data) =>
        data["accounts"]!["nodes"]!.AsArray().Select(n => n!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    /// <summary>Sends a request with the jar's cookies and keeps the cookies the response sets.</summary>
    public static async Task<HttpResponseMessage> SendAsync(PaasServer server, Dictionary<string, string> jar, HttpRequestMessage request)
    {
        if (jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => c.Key + "=" + c.Value)));
        }

        var response = await server.Client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';')[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                jar[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return response;
    }

    public static string FormToken(string html) =>
        WebUtility.HtmlDecode(TokenField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No antiforgery field in: " + html));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
