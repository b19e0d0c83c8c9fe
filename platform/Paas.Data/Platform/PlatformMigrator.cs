using Microsoft.EntityFrameworkCore;

namespace Paas.Data.Platform;

/// <summary>Applies the catalog migrations and reports whether any are pending (for readiness).</summary>
public sealed class PlatformMigrator(IDbContextFactory<PlatformDbContext> contexts)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
    }

    public async Task<bool> IsUpToDateAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return !(await db.Database.GetPendingMigrationsAsync(ct)).Any();
    }
}
