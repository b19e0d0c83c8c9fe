using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Paas.Workflows.Webhooks;

/// <summary>The answer to one delivery attempt: the HTTP status (null when none came) and what went wrong, if anything.</summary>
public sealed record WebhookAttempt(bool Delivered, int? Status, string? Error);

/// <summary>
/// Sends one signed webhook request. The host name is resolved when connecting, and the connection is made only to the
/// addresses that were checked (so a name cannot be re-pointed at a private address between the check and the connect);
/// redirects are not followed, no proxy is used, and an attempt is cut off after <see cref="WebhookOptions.Timeout"/>.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string SignatureHeader = "X-Paas-Signature";
    public const string TimestampHeader = "X-Paas-Timestamp";
    public const string DeliveryHeader = "X-Paas-Delivery";
    public const string IdempotencyHeader = "Idempotency-Key";

    private readonly WebhookOptions _options;
    private readonly HttpClient _client;

    public WebhookSender(WebhookOptions options)
    {
        _options = options;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The signature of a body: <c>sha256=</c> and the hex HMAC-SHA256 of <c>timestamp + "." + body</c> with the secret.</summary>
    public static string Sign(string secret, long timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body)));

    public async Task<WebhookAttempt> SendAsync(WebhookDelivery delivery, string secret, DateTimeOffset now, CancellationToken ct)
    {
        if (_options.UrlProblem(delivery.Url) is { } problem)
        {
            return new WebhookAttempt(false, null, problem);
        }

        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(IdempotencyHeader, delivery.Id.ToString());
        request.Headers.Add(DeliveryHeader, delivery.Id.ToString());
        request.Headers.Add(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, Sign(secret, timestamp, delivery.Payload));
        request.Headers.UserAgent.ParseAdd("Paas-Webhooks/1.0");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? new WebhookAttempt(true, status, null) : new WebhookAttempt(false, status, $"The receiver answered {status}.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, $"No answer within {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException e)
        {
            return new WebhookAttempt(false, null, e.InnerException is WebhookRefusedException refused ? refused.Message : "The receiver could not be reached.");
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (!_options.IsAllowedHost(host) && addresses.FirstOrDefault(a => !WebhookOptions.IsPublic(a)) is { } refused)
        {
            throw new WebhookRefusedException($"'{host}' resolves to the private, loopback or link-local address {refused}, which webhooks may not call.");
        }

        if (addresses.Length == 0)
        {
            throw new WebhookRefusedException($"'{host}' has no address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>A webhook the SSRF rules refuse to connect to.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);
