using System.Data.Common;
using Paas.Core.Tenancy;
using Paas.Data.Sql;

namespace Paas.Data.Storage;

/// <summary>Opens connections to the platform catalog and to each tenant's isolated storage.</summary>
public interface IDatabaseConnector
{
    ISqlDialect Dialect { get; }

    /// <summary>Opens a connection on which the tenant's tables are reachable (its schema or its database file).</summary>
    Task<DbConnection> OpenTenantAsync(string storageName, CancellationToken ct);

    /// <summary>Creates the tenant's schema or database file. Idempotent.</summary>
    Task CreateTenantStorageAsync(string storageName, CancellationToken ct);

    /// <summary>Removes the tenant's storage entirely (used to undo a failed tenant creation).</summary>
    Task DropTenantStorageAsync(string storageName, CancellationToken ct);

    Task<bool> CanConnectAsync(CancellationToken ct);
}

public static class TenantStorageNames
{
    /// <summary>Slugs are [a-z0-9-]; the storage name is a safe identifier and file name derived from it.</summary>
    public static string For(string slug) => "tenant_" + slug.Replace('-', '_');

    public static async Task<DbConnection> OpenAsync(this IDatabaseConnector connector, TenantInfo tenant, CancellationToken ct) =>
        await connector.OpenTenantAsync(tenant.StorageName, ct);
}
