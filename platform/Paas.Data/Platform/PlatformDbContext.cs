using Microsoft.EntityFrameworkCore;

namespace Paas.Data.Platform;

/// <summary>The platform's own fixed tables: the tenant catalog, API keys and OpenIddict's OAuth2 stores.</summary>
public sealed class PlatformDbContext(DbContextOptions<PlatformDbContext> options) : DbContext(options)
{
    public DbSet<TenantRecord> Tenants => Set<TenantRecord>();
    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TenantRecord>(e =>
        {
            e.ToTable("paas_tenants");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasColumnName("id");
            e.Property(t => t.Slug).HasColumnName("slug").HasMaxLength(40);
            e.Property(t => t.Name).HasColumnName("name").HasMaxLength(100);
            e.Property(t => t.Status).HasColumnName("status").HasMaxLength(20);
            e.Property(t => t.StorageName).HasColumnName("storage_name").HasMaxLength(63);
            e.Property(t => t.CreatedAt).HasColumnName("created_at");
            e.Property(t => t.Limits).HasColumnName("limits");
            e.HasIndex(t => t.Slug).IsUnique();
        });
        modelBuilder.Entity<ApiKeyRecord>(e =>
        {
            e.ToTable("paas_api_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasColumnName("id");
            e.Property(k => k.TenantId).HasColumnName("tenant_id");
            e.Property(k => k.Name).HasColumnName("name").HasMaxLength(100);
            e.Property(k => k.Scope).HasColumnName("scope").HasMaxLength(40);
            e.Property(k => k.KeyHash).HasColumnName("key_hash").HasMaxLength(64);
            e.Property(k => k.Prefix).HasColumnName("prefix").HasMaxLength(16);
            e.Property(k => k.CreatedAt).HasColumnName("created_at");
            e.Property(k => k.ExpiresAt).HasColumnName("expires_at");
            e.Property(k => k.RevokedAt).HasColumnName("revoked_at");
            e.Property(k => k.UserId).HasColumnName("user_id");
            e.Property(k => k.LastUsedAt).HasColumnName("last_used_at");
            e.HasIndex(k => k.KeyHash).IsUnique();
            e.HasIndex(k => k.TenantId);
        });

        // OAuth2 applications, authorizations, scopes and tokens (OpenIddict's default entities; migration M0004_OAuth).
        modelBuilder.UseOpenIddict();
    }
}
