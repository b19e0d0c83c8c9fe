using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Paas.Data.Platform.Migrations;

/// <summary>API keys belong to a user of their tenant and remember when they were last used.</summary>
[DbContext(typeof(PlatformDbContext))]
[Migration("20261203000003_KeyUsers")]
public sealed class M0003_KeyUsers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>(name: "user_id", table: "paas_api_keys", nullable: true);
        migrationBuilder.AddColumn<DateTimeOffset>(name: "last_used_at", table: "paas_api_keys", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "last_used_at", table: "paas_api_keys");
        migrationBuilder.DropColumn(name: "user_id", table: "paas_api_keys");
    }
}
