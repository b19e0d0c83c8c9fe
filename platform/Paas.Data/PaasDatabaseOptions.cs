using Paas.Core.Configuration;

namespace Paas.Data;

/// <summary>Where the platform keeps its data (<c>Paas:Database:Provider</c> and <c>ConnectionStrings:Platform</c>).</summary>
public sealed class PaasDatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string ConnectionString { get; set; } = "Data Source=data/paas.db";
}
