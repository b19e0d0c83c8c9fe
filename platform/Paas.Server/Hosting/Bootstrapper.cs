using Paas.Core.Errors;
using Paas.Data.Platform;

namespace Paas.Server.Hosting;

/// <summary>On start: applies catalog migrations, creates the bootstrap tenant, and makes sure its admin and the operator have keys.</summary>
public sealed class Bootstrapper(PlatformMigrator migrator, TenantCatalog catalog, Paas.Data.Metadata.MetadataService metadata,
    Paas.Data.Security.SecurityService security, BootstrapOptions options, ILogger<Bootstrapper> logger)
{
    /// <summary>Modules this build can install. The CRM modules are not part of the platform yet.</summary>
    public static readonly IReadOnlyList<string> AvailableModules = [];

    public async Task<BootstrapResult> RunAsync(CancellationToken ct)
    {
        var modules = ParseModules(options.Modules);
        await migrator.MigrateAsync(ct);

        var tenant = await catalog.FindAsync(options.Tenant, ct);
        string? adminKey = options.AdminApiKey;
        if (tenant is null)
        {
            (tenant, var generated) = await catalog.CreateAsync(options.Tenant, options.Tenant, modules, options.AdminApiKey, ct);
            adminKey = generated;
            logger.LogInformation("Created the bootstrap tenant {Tenant}", tenant.Slug);
        }
        else
        {
            // Only hashes are kept, so without a configured key a fresh one replaces the key printed at the previous start.
            adminKey ??= ApiKeys.Generate();
        }

        // Storage made by an earlier version gets the tables added since, and its keys a user to act as.
        await metadata.UpgradeStorageAsync(tenant, ct);
        var admin = await security.EnsureAdministratorAsync(tenant, ct);
        await catalog.EnsureKeyAsync(adminKey, tenant.Id, "Bootstrap admin", ApiKeyScopes.TenantAdmin, ct, admin);
        var operatorKey = options.OperatorApiKey ?? ApiKeys.Generate();
        await catalog.EnsureKeyAsync(operatorKey, null, "Bootstrap operator", ApiKeyScopes.Operator, ct);
        return new BootstrapResult(tenant.Slug, adminKey, options.AdminApiKey is null, operatorKey, options.OperatorApiKey is null);
    }

    private static List<string> ParseModules(string? configured)
    {
        if (configured is null)
        {
            return [.. AvailableModules];
        }

        var names = configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names is ["none"] or [])
        {
            return [];
        }

        var unknown = names.Where(n => !AvailableModules.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new PaasException(ErrorCodes.ValidationFailed,
                $"Paas:Bootstrap:Modules names modules this build does not have: {string.Join(", ", unknown)}. Use 'none'.");
        }

        return [.. names];
    }
}

public sealed record BootstrapResult(string Tenant, string AdminKey, bool AdminKeyGenerated, string OperatorKey, bool OperatorKeyGenerated);
