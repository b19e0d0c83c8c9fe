using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Paas.Data.Platform.Migrations;

/// <summary>
/// OpenIddict's EF Core stores (OAuth2 clients, authorizations, scopes, tokens), exactly as <c>modelBuilder.UseOpenIddict()</c>
/// models them in OpenIddict 7 with string keys: the columns, lengths, keys, foreign keys and indexes were read from the
/// model through EF's <c>IMigrationsModelDiffer</c>, not guessed. Provider-neutral types, as the other catalog migrations.
/// </summary>
[DbContext(typeof(PlatformDbContext))]
[Migration("20261203000004_OAuth")]
public sealed class M0004_OAuth : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "OpenIddictApplications",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ApplicationType = table.Column<string>(maxLength: 50, nullable: true),
                ClientId = table.Column<string>(maxLength: 100, nullable: true),
                ClientSecret = table.Column<string>(nullable: true),
                ClientType = table.Column<string>(maxLength: 50, nullable: true),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                ConsentType = table.Column<string>(maxLength: 50, nullable: true),
                DisplayName = table.Column<string>(nullable: true),
                DisplayNames = table.Column<string>(nullable: true),
                JsonWebKeySet = table.Column<string>(nullable: true),
                Permissions = table.Column<string>(nullable: true),
                PostLogoutRedirectUris = table.Column<string>(nullable: true),
                Properties = table.Column<string>(nullable: true),
                RedirectUris = table.Column<string>(nullable: true),
                Requirements = table.Column<string>(nullable: true),
                Settings = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_OpenIddictApplications", x => x.Id));
        migrationBuilder.CreateIndex("IX_OpenIddictApplications_ClientId", "OpenIddictApplications", "ClientId", unique: true);

        migrationBuilder.CreateTable(
            name: "OpenIddictScopes",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                Description = table.Column<string>(nullable: true),
                Descriptions = table.Column<string>(nullable: true),
                DisplayName = table.Column<string>(nullable: true),
                DisplayNames = table.Column<string>(nullable: true),
                Name = table.Column<string>(maxLength: 200, nullable: true),
                Properties = table.Column<string>(nullable: true),
                Resources = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_OpenIddictScopes", x => x.Id));
        migrationBuilder.CreateIndex("IX_OpenIddictScopes_Name", "OpenIddictScopes", "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "OpenIddictAuthorizations",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ApplicationId = table.Column<string>(nullable: true),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                CreationDate = table.Column<DateTime>(nullable: true),
                Properties = table.Column<string>(nullable: true),
                Scopes = table.Column<string>(nullable: true),
                Status = table.Column<string>(maxLength: 50, nullable: true),
                Subject = table.Column<string>(maxLength: 400, nullable: true),
                Type = table.Column<string>(maxLength: 50, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OpenIddictAuthorizations", x => x.Id);
                // The name EF gives it, cut to PostgreSQL's 63 characters as Npgsql does.
                table.ForeignKey("FK_OpenIddictAuthorizations_OpenIddictApplications_Application~", x => x.ApplicationId,
                    "OpenIddictApplications", "Id");
            });
        migrationBuilder.CreateIndex("IX_OpenIddictAuthorizations_ApplicationId_Status_Subject_Type", "OpenIddictAuthorizations",
            ["ApplicationId", "Status", "Subject", "Type"]);

        migrationBuilder.CreateTable(
            name: "OpenIddictTokens",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ApplicationId = table.Column<string>(nullable: true),
                AuthorizationId = table.Column<string>(nullable: true),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                CreationDate = table.Column<DateTime>(nullable: true),
                ExpirationDate = table.Column<DateTime>(nullable: true),
                Payload = table.Column<string>(nullable: true),
                Properties = table.Column<string>(nullable: true),
                RedemptionDate = table.Column<DateTime>(nullable: true),
                ReferenceId = table.Column<string>(maxLength: 100, nullable: true),
                Status = table.Column<string>(maxLength: 50, nullable: true),
                Subject = table.Column<string>(maxLength: 400, nullable: true),
                Type = table.Column<string>(maxLength: 150, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OpenIddictTokens", x => x.Id);
                table.ForeignKey("FK_OpenIddictTokens_OpenIddictApplications_ApplicationId", x => x.ApplicationId, "OpenIddictApplications", "Id");
                table.ForeignKey("FK_OpenIddictTokens_OpenIddictAuthorizations_AuthorizationId", x => x.AuthorizationId, "OpenIddictAuthorizations", "Id");
            });
        migrationBuilder.CreateIndex("IX_OpenIddictTokens_ApplicationId_Status_Subject_Type", "OpenIddictTokens",
            ["ApplicationId", "Status", "Subject", "Type"]);
        migrationBuilder.CreateIndex("IX_OpenIddictTokens_AuthorizationId", "OpenIddictTokens", "AuthorizationId");
        migrationBuilder.CreateIndex("IX_OpenIddictTokens_ReferenceId", "OpenIddictTokens", "ReferenceId", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("OpenIddictTokens");
        migrationBuilder.DropTable("OpenIddictAuthorizations");
        migrationBuilder.DropTable("OpenIddictScopes");
        migrationBuilder.DropTable("OpenIddictApplications");
    }
}
