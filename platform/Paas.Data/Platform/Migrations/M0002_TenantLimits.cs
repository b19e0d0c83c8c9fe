using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Paas.Data.Platform.Migrations;

/// <summary>Per-tenant request limits.</summary>
[DbContext(typeof(PlatformDbContext))]
[Migration("20261203000002_TenantLimits")]
public sealed class M0002_TenantLimits : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "limits", table: "paas_tenants", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "limits", table: "paas_tenants");
}
