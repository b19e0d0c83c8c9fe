using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Core.Configuration;
using Paas.Testing;

namespace Paas.Server.Tests.Infrastructure;

/// <summary>
/// The real server (Program.cs, in memory via <see cref="WebApplicationFactory{TEntryPoint}"/>) on fresh storage of one
/// provider: SQLite files in a temp folder, or a new database on the throwaway PostgreSQL server. The bootstrap tenant
/// <see cref="BootstrapTenant"/> is empty (<c>Modules=none</c>) and has the fixed key <see cref="AdminKey"/>; the
/// operator key is <see cref="OperatorKey"/>.
/// </summary>
public sealed class PaasServer : IAsyncDisposable
{
    public const string AdminKey = "test_admin_key_0123456789abcdefABCDEF";
    public const string OperatorKey = "test_operator_key_0123456789abcdefABCDEF";
    public const string BootstrapTenant = "home";

    public const string DataPath = "/graphql";
    public const string MetadataPath = "/graphql/metadata";
    public const string PlatformPath = "/graphql/platform";

    private readonly Factory _factory;
    private readonly HttpClient _client;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private TempDirectory? _directory;

    private PaasServer(DatabaseProvider provider, string connectionString, TempDirectory? directory, IReadOnlyDictionary<string, string?> settings,
        Action<IServiceCollection>? services)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
        _settings = settings;
        _services = services;
        _factory = new Factory(settings, services);
        _client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite folder (null on PostgreSQL).</summary>
    public string? DataDirectory => _directory?.Path;

    /// <summary>
    /// Starts a server on fresh storage. <paramref name="extraSettings"/> are configuration keys (e.g. <c>Paas:GraphQL:MaxBodyBytes</c>);
    /// <paramref name="services"/> replaces services after the server registered its own (e.g. a fake <see cref="TimeProvider"/>), and is
    /// applied again on <see cref="RestartAsync"/>.
    /// </summary>
    /// <param name="maxPoolSize">On PostgreSQL, the connection pool's size instead of the test default (1 shows any
    /// code path that waits for a second connection while it holds one).</param>
    public static async Task<PaasServer> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? extraSettings = null,
        Action<IServiceCollection>? services = null, int? maxPoolSize = null)
    {
        TempDirectory? directory = null;
        string connectionString;
        if (provider == DatabaseProvider.Postgres)
        {
            connectionString = await PostgresServer.CreateDatabaseAsync();
            if (maxPoolSize is { } size)
            {
                connectionString = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = size }.ConnectionString;
            }
        }
        else
        {
            directory = new TempDirectory();
            connectionString = $"Data Source={Path.Combine(directory.Path, "paas.db")}";
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Paas:Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Platform"] = connectionString,
            ["Paas:Bootstrap:Tenant"] = BootstrapTenant,
            ["Paas:Bootstrap:AdminApiKey"] = AdminKey,
            ["Paas:Bootstrap:OperatorApiKey"] = OperatorKey,
            ["Paas:Bootstrap:Modules"] = "none",
            ["Paas:Bootstrap:SampleData"] = "false",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        try
        {
            var server = new PaasServer(provider, connectionString, directory, settings, services);
            return server;
        }
        catch
        {
            directory?.Dispose();
            throw;
        }
    }

    /// <summary>A client with no default headers; the caller adds Authorization etc.</summary>
    public HttpClient Client => _client;

    /// <summary>The server's services, for tests that reach below HTTP (e.g. to age data or run a background job now).</summary>
    public IServiceProvider Services => _factory.Services;

    // ------------------------------------------------------------------ GraphQL helpers

    /// <summary>POSTs a query to the data API (<c>/graphql</c>) with the bootstrap admin key.</summary>
    public Task<GraphQLResponse> DataAsync(string query, object? variables = null, string? operationName = null, string? key = AdminKey) =>
        PostAsync(DataPath, query, variables, operationName, key);

    /// <summary>POSTs to the metadata API with the bootstrap admin key.</summary>
    public Task<GraphQLResponse> MetadataAsync(string query, object? variables = null, string? key = AdminKey) =>
        PostAsync(MetadataPath, query, variables, null, key);

    /// <summary>POSTs to the platform API with the operator key.</summary>
    public Task<GraphQLResponse> PlatformAsync(string query, object? variables = null, string? key = OperatorKey) =>
        PostAsync(PlatformPath, query, variables, null, key);

    /// <summary>POSTs a GraphQL request (application/json) to <paramref name="path"/>.</summary>
    public Task<GraphQLResponse> PostAsync(string path, string query, object? variables = null, string? operationName = null, string? key = AdminKey,
        string? accept = null)
    {
        var body = new Dictionary<string, object?> { ["query"] = query };
        if (variables is not null)
        {
            body["variables"] = variables;
        }

        if (operationName is not null)
        {
            body["operationName"] = operationName;
        }

        return PostRawAsync(path, JsonSerializer.Serialize(body), "application/json", key, accept);
    }

    /// <summary>POSTs a raw body with the given content type.</summary>
    public Task<GraphQLResponse> PostRawAsync(string path, string body, string? contentType = "application/json", string? key = AdminKey, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return SendAsync(request, key, accept);
    }

    /// <summary>GETs <paramref name="path"/> with the query string built from <paramref name="parameters"/>.</summary>
    public Task<GraphQLResponse> GetAsync(string path, IReadOnlyDictionary<string, string>? parameters = null, string? key = AdminKey, string? accept = null)
    {
        var uri = path;
        if (parameters is { Count: > 0 })
        {
            uri += "?" + string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), key, accept);
    }

    /// <summary>Sends a request, adding <c>Authorization: Bearer key</c> (when a key is given) and an Accept header (when given).</summary>
    public async Task<GraphQLResponse> SendAsync(HttpRequestMessage request, string? key = AdminKey, string? accept = null)
    {
        using (request)
        {
            if (key is not null && request.Headers.Authorization is null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }

            using var response = await _client.SendAsync(request);
            return await GraphQLResponse.ReadAsync(response);
        }
    }

    // ------------------------------------------------------------------ common steps

    /// <summary>Runs a metadata mutation/query and fails the test on any error.</summary>
    public async Task<JsonNode> MetadataOkAsync(string query, object? variables = null, string? key = AdminKey) =>
        (await MetadataAsync(query, variables, key)).AssertOk();

    /// <summary>Runs a data API request and fails the test on any error.</summary>
    public async Task<JsonNode> DataOkAsync(string query, object? variables = null, string? key = AdminKey) =>
        (await DataAsync(query, variables, key: key)).AssertOk();

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            _client.Dispose();
            await _factory.DisposeAsync();
        }

        _directory?.Dispose();
    }

    private bool _stopped;

    /// <summary>
    /// Stops this server and starts a new one on the same storage, as a restart or a deployment does; the storage moves to
    /// the new server (dispose both: this one no longer owns it).
    /// </summary>
    public async Task<PaasServer> RestartAsync(IReadOnlyDictionary<string, string?>? changes = null)
    {
        _stopped = true;
        _client.Dispose();
        await _factory.DisposeAsync();
        var settings = new Dictionary<string, string?>(_settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in changes ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var directory = _directory;
        _directory = null;
        return new PaasServer(Provider, ConnectionString, directory, settings, _services);
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseEnvironment("Production");
            builder.ConfigureServices(s => s.AddLogging(logging => logging.ClearProviders()));
            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        }
    }
}

/// <summary>An HTTP response of a GraphQL endpoint: status, headers, raw body and the body parsed as JSON (null if it is not JSON).</summary>
public sealed class GraphQLResponse
{
    private GraphQLResponse(HttpStatusCode status, string? mediaType, string? contentType, string body, JsonNode? json,
        IReadOnlyDictionary<string, string> headers)
    {
        Status = status;
        MediaType = mediaType;
        ContentType = contentType;
        Body = body;
        Json = json;
        Headers = headers;
    }

    public HttpStatusCode Status { get; }

    /// <summary>The media type of Content-Type without parameters, e.g. <c>application/json</c>.</summary>
    public string? MediaType { get; }

    /// <summary>The full Content-Type header.</summary>
    public string? ContentType { get; }

    public string Body { get; }

    public JsonNode? Json { get; }

    /// <summary>Response and content headers, comma-joined, case-insensitive names.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public JsonNode? Data => Json?["data"];

    public JsonArray? Errors => Json?["errors"] as JsonArray;

    /// <summary><c>extensions.code</c> of the first error, or null.</summary>
    public string? ErrorCode => Errors is { Count: > 0 } errors ? errors[0]?["extensions"]?["code"]?.GetValue<string>() : null;

    /// <summary>All <c>extensions.code</c> values.</summary>
    public IReadOnlyList<string?> ErrorCodes => Errors?.Select(e => e?["extensions"]?["code"]?.GetValue<string>()).ToList() ?? [];

    /// <summary>The <c>field</c> of every entry of <c>extensions.fieldErrors</c> over all errors.</summary>
    public IReadOnlyList<string> FieldErrorNames =>
        Errors?.SelectMany(e => e?["extensions"]?["fieldErrors"] as JsonArray ?? [])
            .Select(f => f?["field"]?.GetValue<string>() ?? "")
            .ToList() ?? [];

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Asserts 200, a JSON body with no errors, and returns <c>data</c>.</summary>
    public JsonNode AssertOk()
    {
        Assert.True(Status == HttpStatusCode.OK && Errors is null or { Count: 0 } && Data is not null,
            $"Expected a successful GraphQL response, got {(int)Status}: {Body}");
        return Data!;
    }

    /// <summary>Asserts that the response carries a GraphQL error with the given code and returns this.</summary>
    public GraphQLResponse AssertError(string code)
    {
        Assert.True(ErrorCodes.Contains(code), $"Expected an error with code {code}, got {(int)Status}: {Body}");
        return this;
    }

    public static async Task<GraphQLResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (body.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
            }
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        return new GraphQLResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            response.Content.Headers.ContentType?.ToString(), body, json, headers);
    }

    public override string ToString() => $"{(int)Status} {ContentType}: {Body}";
}
