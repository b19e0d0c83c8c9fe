namespace Paas.Core.Configuration;

/// <summary>The database engines the platform stores its catalog and tenant data in.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}
