using System.Security.Cryptography;
using System.Text;

namespace Paas.Data.Sql;

/// <summary>Physical names derived from metadata. Every part has been validated as [A-Za-z0-9_] before it gets here.</summary>
public static class SqlNames
{
    private const int MaxIdentifier = 60;

    public static string TableFor(string objectApiName) => "o_" + objectApiName.ToLowerInvariant();

    public static string Index(string prefix, string table, IEnumerable<string> columns) =>
        Bounded($"{prefix}_{table}_{string.Join("_", columns)}".ToLowerInvariant());

    public static string Bounded(string name)
    {
        if (name.Length <= MaxIdentifier)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..10];
        return name[..(MaxIdentifier - 11)] + "_" + hash;
    }
}
