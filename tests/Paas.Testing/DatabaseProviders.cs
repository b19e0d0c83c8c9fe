using Paas.Core.Configuration;
using Xunit;

namespace Paas.Testing;

/// <summary>Theory data for tests that must pass on every supported database engine.</summary>
public static class DatabaseProviders
{
    /// <summary>Sqlite and Postgres. Use with <c>[MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]</c>.</summary>
    public static TheoryData<DatabaseProvider> All { get; } = new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
}
