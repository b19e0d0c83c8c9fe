using Paas.Core.Tenancy;
using Paas.Data.Import;
using Paas.Data.Metadata;
using Paas.Data.Platform;

namespace Paas.Server.Hosting;

/// <summary>
/// <c>dotnet run --project platform/Paas.Server -- import --tenant demo --object Opportunity --file data.csv
/// [--match-on externalId] [--errors failed.csv] [--batch-size 1000]</c>: the same import as <c>POST /import/{object}</c>,
/// straight against the configured database. Exit code 0 when every row went in, 2 when some failed, 1 on an error.
/// </summary>
public static class ImportCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        string? Option(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        var (slug, objectName, file) = (Option("--tenant"), Option("--object"), Option("--file"));
        if (slug is null || objectName is null || file is null)
        {
            Console.Error.WriteLine("usage: import --tenant <slug> --object <ApiName> --file <data.csv> [--match-on <uniqueField>] [--errors <failed.csv>] [--batch-size <n>]");
            return 1;
        }

        await services.GetRequiredService<PlatformMigrator>().MigrateAsync(ct);
        var tenant = await services.GetRequiredService<TenantCatalog>().FindAsync(slug, ct);
        if (tenant is null)
        {
            Console.Error.WriteLine($"There is no tenant '{slug}'.");
            return 1;
        }

        var metadata = await services.GetRequiredService<MetadataCache>().GetAsync(tenant, ct);
        var definition = metadata.FindObject(objectName);
        var matchOn = Option("--match-on") is { } match ? definition?.FindField(match) : null;
        if (definition is null || (Option("--match-on") is not null && matchOn is not { Unique: true }))
        {
            Console.Error.WriteLine(definition is null ? $"There is no object '{objectName}'." : "--match-on must name a unique field.");
            return 1;
        }

        await using var errorStream = Option("--errors") is { } errorsPath ? new StreamWriter(errorsPath) : null;
        var errorFile = errorStream is null ? null : new ImportErrorFile(errorStream);
        using var reader = new StreamReader(file);
        // The console import acts as the tenant's administrator: records are owned by, and audited as, a real user.
        var admin = await services.GetRequiredService<Paas.Data.Security.SecurityService>().EnsureAdministratorAsync(tenant, ct);
        metadata = await services.GetRequiredService<Paas.Data.Metadata.MetadataCache>().LoadAsync(tenant, ct);
        var caller = new Caller(tenant, admin, "import command") { Access = Paas.Core.Security.AccessContext.For(metadata, admin) };
        try
        {
            var result = await services.GetRequiredService<RecordImporter>().ImportAsync(caller, metadata, definition, reader, matchOn,
                int.TryParse(Option("--batch-size"), out var size) ? size : 1000,
                progress =>
                {
                    Console.WriteLine($"{progress.RowsRead,10} rows read  {progress.Created,10} created  {progress.Updated,10} updated  {progress.Failed,8} failed");
                    return Task.CompletedTask;
                },
                errorFile is null ? null : errorFile.WriteAsync, ct);
            Console.WriteLine($"{result.Object}: {result.RowsRead} rows read, {result.Created} created, {result.Updated} updated, {result.Failed} failed in {result.Elapsed.TotalSeconds:0.0} s.");
            foreach (var error in result.Errors.Take(20))
            {
                Console.WriteLine($"  line {error.Line}: {error.Field}: {error.Message}");
            }

            return result.Failed > 0 ? 2 : 0;
        }
        catch (Exception ex) when (ex is Core.Errors.PaasException or FormatException or IOException)
        {
            Console.Error.WriteLine(ex.Message);
            if (ex is Core.Errors.PaasException { FieldErrors.Count: > 0 } paas)
            {
                foreach (var error in paas.FieldErrors)
                {
                    Console.Error.WriteLine($"  {error.Field}: {error.Message}");
                }
            }

            return 1;
        }
    }
}
