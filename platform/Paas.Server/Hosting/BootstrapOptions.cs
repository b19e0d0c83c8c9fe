namespace Paas.Server.Hosting;

/// <summary><c>Paas:Bootstrap</c>: the tenant and keys made on start (see docs/api.md).</summary>
public sealed class BootstrapOptions
{
    public string Tenant { get; set; } = "demo";
    public string? AdminApiKey { get; set; }
    public string? OperatorApiKey { get; set; }
    public bool SampleData { get; set; } = true;

    /// <summary>Comma-separated module names, or <c>none</c>. Unset means every module the platform ships.</summary>
    public string? Modules { get; set; }
}
