using System.Globalization;
using System.Text.RegularExpressions;
using Paas.Core.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>Counters for AUTO_NUMBER fields, kept in the tenant's <c>_paas_sequences</c> table and reserved in blocks.</summary>
public static partial class AutoNumbers
{
    [GeneratedRegex(@"\{(0+)\}")]
    private static partial Regex NumberToken();

    public static string? ValidateFormat(string format) => FieldDefinitionBuilder.ValidateAutoNumberFormat(format);

    public static string Format(FieldDefinition field, long number)
    {
        var format = field.DisplayFormat ?? "{000000}";
        return NumberToken().Replace(format, m => number.ToString(new string('0', m.Groups[1].Value.Length), CultureInfo.InvariantCulture), 1);
    }

    public static async Task CreateSequenceAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var name = statement.Parameter(null, SequenceName(definition, field));
        var start = statement.Parameter(null, field.StartingNumber ?? 1);
        statement.Append($"INSERT INTO {session.Table(MetadataStore.SequencesTable)} ({d.Quote("name")}, {d.Quote("next_value")}) VALUES ({name}, {start}) " +
                         $"ON CONFLICT ({d.Quote("name")}) DO NOTHING");
        await session.ExecuteAsync(statement, ct);
    }

    public static async Task DropSequenceAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct)
    {
        var statement = session.Statement();
        var name = statement.Parameter(null, SequenceName(definition, field));
        statement.Append($"DELETE FROM {session.Table(MetadataStore.SequencesTable)} WHERE {session.Dialect.Quote("name")} = {name}");
        await session.ExecuteAsync(statement, ct);
    }

    /// <summary>Reserves <paramref name="count"/> numbers and returns the first. Runs inside the write transaction, so numbers are never handed out twice.</summary>
    public static async Task<long> ReserveAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, int count, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var amount = statement.Parameter(null, (long)count);
        var name = statement.Parameter(null, SequenceName(definition, field));
        statement.Append($"UPDATE {session.Table(MetadataStore.SequencesTable)} SET {d.Quote("next_value")} = {d.Quote("next_value")} + {amount} " +
                         $"WHERE {d.Quote("name")} = {name} RETURNING {d.Quote("next_value")}");
        var next = await session.ScalarAsync(statement, ct)
            ?? throw new InvalidOperationException($"The auto-number sequence of {definition.ApiName}.{field.ApiName} is missing.");
        return Convert.ToInt64(next, CultureInfo.InvariantCulture) - count;
    }

    private static string SequenceName(ObjectDefinition definition, FieldDefinition field) => definition.ApiName + "." + field.ApiName;
}
