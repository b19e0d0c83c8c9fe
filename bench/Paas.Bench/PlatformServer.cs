using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Paas.Bench;

/// <summary>The built Paas.Server running as a child process, and a small client for its HTTP API.</summary>
internal sealed class PlatformServer : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private PlatformServer(Process process, int port, string adminKey, string logFile)
    {
        _process = process;
        Port = port;
        AdminKey = adminKey;
        LogFile = logFile;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromMinutes(20),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public int Port { get; }

    public string AdminKey { get; }

    public string LogFile { get; }

    public int ProcessId => _process.Id;

    public string BaseUrl => "http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The server binary built next to this harness (same configuration): the apphost, or the dll to run with dotnet.</summary>
    public static (string File, string[] Prefix) FindBinary(string repoRoot, string configuration)
    {
        var dir = Path.Combine(repoRoot, "platform", "Paas.Server", "bin", configuration, "net10.0");
        var apphost = Path.Combine(dir, OperatingSystem.IsWindows() ? "Paas.Server.exe" : "Paas.Server");
        if (File.Exists(apphost))
        {
            return (apphost, []);
        }

        var dll = Path.Combine(dir, "Paas.Server.dll");
        if (File.Exists(dll))
        {
            return ("dotnet", [dll]);
        }

        throw new BenchException($"The server was not built: {dll} is missing. Run `dotnet build -c {configuration} platform/Paas.Server`.");
    }

    /// <summary>
    /// The runtime settings a production deployment uses (docker/Dockerfile sets the same): a 64 MB gen0 budget per GC
    /// heap, which the runtime reads only from the environment.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DeploymentEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_GCgen0size"] = "0x4000000",
    };

    public static async Task<PlatformServer> StartAsync(string repoRoot, string configuration, string provider, string connectionString,
        string workDirectory, Action<string> log, CancellationToken ct)
    {
        var (file, prefix) = FindBinary(repoRoot, configuration);
        var port = PostgresInstance.FreeTcpPort();
        var adminKey = "paas_benchadmin" + Guid.NewGuid().ToString("N");
        var operatorKey = "paas_benchoperator" + Guid.NewGuid().ToString("N");
        var logFile = Path.Combine(workDirectory, "server.log");
        string[] args =
        [
            .. prefix,
            "--urls", "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--Paas:Database:Provider=" + provider,
            "--ConnectionStrings:Platform=" + connectionString,
            "--Paas:Bootstrap:Tenant=bench",
            "--Paas:Bootstrap:AdminApiKey=" + adminKey,
            "--Paas:Bootstrap:OperatorApiKey=" + operatorKey,
            "--Paas:Bootstrap:Modules=none",
            "--Logging:LogLevel:Default=Warning",
            // The load runs send thousands of requests a second with one key: far above the production defaults.
            "--Paas:RateLimits:PerCredentialPerMinute=100000000",
            "--Paas:RateLimits:PerTenantPerMinute=100000000",
            // Not read by the platform: marks the process as this run's, so a later run can reap it if this harness dies.
            "--PaasBench:Run=" + workDirectory,
        ];
        var process = Proc.StartLogged(file, args, workDirectory, logFile, DeploymentEnvironment);
        await File.WriteAllTextAsync(Path.Combine(workDirectory, "server.pid"), process.Id.ToString(CultureInfo.InvariantCulture), ct);
        var server = new PlatformServer(process, port, adminKey, logFile);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new BenchException($"The server exited with code {process.ExitCode} while starting. Log:{Environment.NewLine}{Proc.Tail(ReadLog(logFile), 4000)}");
            }

            try
            {
                using var ready = await server._http.GetAsync("/readyz", ct);
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new BenchException("The server did not become ready within 2 minutes. Log:" + Environment.NewLine + Proc.Tail(ReadLog(logFile), 4000));
            }

            await Task.Delay(100, ct);
        }

        log($"Platform server pid {process.Id} on {server.BaseUrl} ({provider}), ready after {watch.ElapsedMilliseconds} ms; binary {file} {string.Join(' ', prefix)}");
        return server;
    }

    private static string ReadLog(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    /// <summary>VmRSS and VmHWM of the server process, in kB.</summary>
    public (long Rss, long Peak) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = ParseKb(line);
            }
        }

        return (rss, peak);
    }

    private static long ParseKb(string line) =>
        long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    public bool HasExited => _process.HasExited;

    // ------------------------------------------------------------------ API

    public static string Body(string query, object? variables = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["query"] = query, ["variables"] = variables });

    /// <summary>POSTs a GraphQL request and returns <c>data</c>; throws with the errors if there are any.</summary>
    public async Task<JsonNode> GraphQLAsync(string path, string query, object? variables, CancellationToken ct)
    {
        var (ok, node, text) = await TryGraphQLAsync(path, Body(query, variables), ct);
        if (!ok)
        {
            throw new BenchException($"GraphQL request to {path} failed: {Proc.Tail(text, 2000)}{Environment.NewLine}Query: {Proc.Tail(query, 500)}");
        }

        return node!;
    }

    /// <summary>POSTs a prepared JSON body; ok when the status is 200 and there are no errors.</summary>
    public async Task<(bool Ok, JsonNode? Data, string Text)> TryGraphQLAsync(string path, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            return (false, null, $"HTTP {(int)response.StatusCode}: {text}");
        }

        var json = JsonNode.Parse(text);
        if (json?["errors"] is JsonArray { Count: > 0 } || json?["data"] is null)
        {
            return (false, null, text);
        }

        return (true, json["data"], text);
    }

    /// <summary>Times one request end to end (status 200 and no errors required).</summary>
    public async Task<double> TimeRequestMsAsync(string body, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (ok, _, text) = await TryGraphQLAsync("/graphql", body, ct);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!ok)
        {
            throw new BenchException("Request failed: " + Proc.Tail(text, 1000));
        }

        return elapsed;
    }

    public sealed record ImportOutcome(long Created, long Failed, long ServerElapsedMs, TimeSpan Wall, string FirstErrors);

    /// <summary>POST /import/{object} with the CSV file as the body; reads the NDJSON answer to its result line.</summary>
    public async Task<ImportOutcome> ImportAsync(string objectName, string csvFile, int batchSize, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var file = File.OpenRead(csvFile);
        using var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/import/{objectName}?batchSize={batchSize.ToString(CultureInfo.InvariantCulture)}") { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        JsonNode? result = null;
        var all = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (all.Length < 4000)
            {
                all.AppendLine(line);
            }

            var node = JsonNode.Parse(line);
            if (node?["type"]?.GetValue<string>() is "result" or "error")
            {
                result = node;
            }
        }

        watch.Stop();
        if (!response.IsSuccessStatusCode || result is null || result["type"]!.GetValue<string>() != "result")
        {
            throw new BenchException($"Import of {objectName} failed (HTTP {(int)response.StatusCode}): {Proc.Tail(all.ToString(), 3000)}");
        }

        var errors = result["errors"] is JsonArray list && list.Count > 0 ? list.Take(3).ToJsonString() : "";
        return new ImportOutcome(result["created"]!.GetValue<long>(), result["failed"]!.GetValue<long>(), result["elapsedMs"]!.GetValue<long>(), watch.Elapsed, errors);
    }

    public void Stop()
    {
        try
        {
            _http.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }

        Proc.Kill(_process);
        Proc.Forget(_process);
    }

    public void Dispose() => Stop();
}

internal static class JsonArrayExtensions
{
    public static string ToJsonString(this IEnumerable<JsonNode?> nodes) => "[" + string.Join(", ", nodes.Select(n => n?.ToJsonString())) + "]";
}
