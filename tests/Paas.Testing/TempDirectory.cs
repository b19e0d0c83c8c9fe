using Microsoft.Data.Sqlite;

namespace Paas.Testing;

/// <summary>
/// A uniquely named, initially empty folder under the system temp path, deleted (recursively,
/// best effort) on <see cref="Dispose"/>.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    private int _disposed;

    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "paas-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // Pooled SQLite connections keep database files open (and locked on Windows).
            SqliteConnection.ClearAllPools();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public override string ToString() => Path;
}
