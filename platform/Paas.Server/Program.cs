using Microsoft.AspNetCore.Authentication;
using Paas.Core.Configuration;
using Paas.Core.Tenancy;
using Paas.Data;
using Paas.GraphQL;
using Paas.GraphQL.Http;
using Paas.Server.Endpoints;
using Paas.Server.Hosting;
using Paas.Server.Security;

var builder = WebApplication.CreateBuilder(args);

builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.IncludeScopes = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    o.UseUtcTimestamp = true;
});

var database = new PaasDatabaseOptions
{
    Provider = builder.Configuration.GetValue("Paas:Database:Provider", DatabaseProvider.Sqlite),
    ConnectionString = builder.Configuration.GetConnectionString("Platform") ?? "Data Source=data/paas.db",
};
var bootstrap = builder.Configuration.GetSection("Paas:Bootstrap").Get<BootstrapOptions>() ?? new BootstrapOptions();
var graphql = builder.Configuration.GetSection("Paas:GraphQL").Get<GraphQLHttpOptions>() ?? new GraphQLHttpOptions();
graphql.DefaultLimits = (builder.Configuration.GetSection("Paas:Limits").Get<RequestLimits>() ?? new RequestLimits()).Validate();

builder.Services.AddPaasData(database);

// The operator's default limits, for work outside a GraphQL request (imports, scheduled scripts).
builder.Services.AddSingleton(graphql.DefaultLimits);
builder.Services.AddPaasGraphQL(graphql, builder.Configuration.GetSection("Paas:SchemaCache").Get<SchemaCacheOptions>());
builder.Services.AddSingleton(bootstrap);
builder.Services.AddSingleton<Bootstrapper>();
builder.Services.AddHostedService<MetadataChangeListener>();
builder.Services.AddPaasScripting(builder.Configuration);
builder.Services.AddPaasWorkflows(builder.Configuration);
builder.Services.AddSingleton((builder.Configuration.GetSection("Paas:Audit").Get<RetentionOptions>() ?? new RetentionOptions()).Validate());
builder.Services.AddSingleton<RetentionService>();
builder.Services.AddHostedService(s => s.GetRequiredService<RetentionService>());
builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization();
builder.Services.AddPaasRateLimits(builder.Configuration);
builder.Services.AddPaasOAuth(builder.Configuration, builder.Environment);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = graphql.MaxBodyBytes + 1024);

var app = builder.Build();

if (args is ["import", ..])
{
    return await ImportCommand.RunAsync(app.Services, args, CancellationToken.None);
}

var result = await app.Services.GetRequiredService<Bootstrapper>().RunAsync(CancellationToken.None);

app.UseCorrelationId();
app.UseSafeErrors();
app.UsePaasAuthentication();
app.UsePaasRateLimits();
app.UseAuthorization();
app.MapPaasHealth();
app.MapPaasGraphQL();
app.MapPaasImport();
app.MapPaasOAuth();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var url = app.Urls.FirstOrDefault() ?? "http://localhost:5000";
    Console.WriteLine($"""

        Paas is running on {database.Provider}.
          Data API:      {url}/graphql           (tenant '{result.Tenant}')
          Metadata API:  {url}/graphql/metadata
          Platform API:  {url}/graphql/platform  (operator)
          Health:        {url}/healthz, {url}/readyz
          Tenant admin key: {(result.AdminKeyGenerated ? result.AdminKey : "(from Paas:Bootstrap:AdminApiKey)")}
          Operator key:     {(result.OperatorKeyGenerated ? result.OperatorKey : "(from Paas:Bootstrap:OperatorApiKey)")}
        Send it as:  Authorization: Bearer <key>

        """);
});

await app.RunAsync();
return 0;

/// <summary>Entry point, public for the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
