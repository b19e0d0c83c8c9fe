using System.Net;
using System.Net.Sockets;

namespace Paas.Workflows.Webhooks;

/// <summary>
/// The operator's rules for outbound webhooks (<c>Paas:Workflows:Webhook…</c>): https only and public addresses only, except
/// to <see cref="AllowedHosts"/>, which may also be reached over plain http and on private or loopback addresses.
/// </summary>
public sealed class WebhookOptions
{
    private readonly HashSet<string> _allowed;

    public WebhookOptions(IEnumerable<string>? allowedHosts = null, int timeoutSeconds = 10, int maxAttempts = 8)
    {
        _allowed = new HashSet<string>((allowedHosts ?? []).Select(h => h.Trim()).Where(h => h.Length > 0), StringComparer.OrdinalIgnoreCase);
        Timeout = TimeSpan.FromSeconds(timeoutSeconds);
        MaxAttempts = maxAttempts;
    }

    public IReadOnlySet<string> AllowedHosts => _allowed;

    /// <summary>How long one delivery attempt may take, connection included.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Attempts before a delivery is given up (<c>failed</c>).</summary>
    public int MaxAttempts { get; }

    public bool IsAllowedHost(string host) => _allowed.Contains(host.Trim('[', ']'));

    /// <summary>Why a webhook URL is refused, or null when it may be used. Names are resolved when sending, not here.</summary>
    public string? UrlProblem(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "A webhook URL is an absolute https URL, such as https://hooks.example.com/paas.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "A webhook URL must not contain a user name or password; the body is signed instead.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsAllowedHost(uri.Host))
        {
            return $"A webhook URL uses https; plain http is allowed only to hosts the operator allows (Paas:Workflows:WebhookAllowedHosts), and '{uri.Host}' is not one.";
        }

        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && !IsPublic(address) && !IsAllowedHost(uri.Host))
        {
            return $"A webhook may not call the private, loopback or link-local address {address}.";
        }

        return null;
    }

    /// <summary>Whether an address is on the public internet (not loopback, private, link-local, shared, multicast or reserved).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 // this network, private, loopback, multicast and reserved
                     || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // shared (carrier-grade NAT)
                     || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata endpoints)
                     || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                     || (b[0] == 198 && (b[1] == 18 || b[1] == 19)));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC // unique local fc00::/7
                     || address.IsIPv6Teredo || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)); // documentation 2001:db8::/32
        }

        return false;
    }
}
