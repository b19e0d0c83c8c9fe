using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Paas.Data.Platform.Migrations;

/// <summary>The tenant catalog and API keys. Written by hand with provider-neutral column types, so it runs on every provider.</summary>
[DbContext(typeof(PlatformDbContext))]
[Migration("20261203000001_Catalog")]
public sealed class M0001_Catalog : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "paas_tenants",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                slug = table.Column<string>(maxLength: 40, nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: false),
                status = table.Column<string>(maxLength: 20, nullable: false),
                storage_name = table.Column<string>(maxLength: 63, nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_paas_tenants", x => x.id));
        migrationBuilder.CreateIndex("ux_paas_tenants_slug", "paas_tenants", "slug", unique: true);

        migrationBuilder.CreateTable(
            name: "paas_api_keys",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                tenant_id = table.Column<Guid>(nullable: true),
                name = table.Column<string>(maxLength: 100, nullable: false),
                scope = table.Column<string>(maxLength: 40, nullable: false),
                key_hash = table.Column<string>(maxLength: 64, nullable: false),
                prefix = table.Column<string>(maxLength: 16, nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                expires_at = table.Column<DateTimeOffset>(nullable: true),
                revoked_at = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_paas_api_keys", x => x.id));
        migrationBuilder.CreateIndex("ux_paas_api_keys_key_hash", "paas_api_keys", "key_hash", unique: true);
        migrationBuilder.CreateIndex("ix_paas_api_keys_tenant_id", "paas_api_keys", "tenant_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("paas_api_keys");
        migrationBuilder.DropTable("paas_tenants");
    }
}
