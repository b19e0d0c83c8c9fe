using System.Data.Common;
using Paas.Core.Configuration;
using Paas.Core.Metadata;

namespace Paas.Data.Sql;

/// <summary>What differs between database engines: identifiers, column types, value encodings, a few operators.</summary>
public interface ISqlDialect
{
    DatabaseProvider Provider { get; }

    /// <summary>Quotes an identifier that came from validated metadata.</summary>
    string Quote(string identifier);

    /// <summary>The qualified name of a table in a tenant's storage.</summary>
    string Table(string storageName, string table);

    string ColumnType(FieldDefinition field);

    /// <summary>Encodes a canonical value (see FieldValueCoercer) for the database.</summary>
    object ToDb(FieldDefinition field, object canonical);

    /// <summary>Decodes a value read from the database into the canonical value.</summary>
    object? FromDb(FieldDefinition field, object? value);

    /// <summary>Sets a parameter's value (and provider type where the engine needs it).</summary>
    void SetParameter(DbParameter parameter, FieldDefinition? field, object? canonical);

    /// <summary>A number to compare with a numeric column of <paramref name="field"/>, as the column stores it.</summary>
    object ComparableNumber(FieldDefinition field, decimal value);

    /// <summary>A case-insensitive LIKE with '\' as the escape character.</summary>
    string ILike(string column, string pattern);

    /// <summary>True when any of the JSON array column's items is one of the parameters.</summary>
    string JsonArrayContainsAny(string column, IReadOnlyList<string> parameters);

    /// <summary>True when all the parameters are items of the JSON array column.</summary>
    string JsonArrayContainsAll(string column, IReadOnlyList<string> parameters);

    /// <summary>Maximum number of parameters in one statement.</summary>
    int MaxParameters { get; }

    /// <summary>Whether an exception is a unique-constraint violation, and on which index or column.</summary>
    bool IsUniqueViolation(Exception exception, out string? indexOrColumn);
}
