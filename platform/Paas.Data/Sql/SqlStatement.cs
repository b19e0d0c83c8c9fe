using System.Data.Common;
using System.Text;
using Paas.Core.Metadata;

namespace Paas.Data.Sql;

/// <summary>SQL text under construction with its parameters. Values only ever travel as parameters.</summary>
public sealed class SqlStatement(ISqlDialect dialect)
{
    private readonly List<(string Name, FieldDefinition? Field, object? Value)> _parameters = [];
    private int _aliases;

    public StringBuilder Text { get; } = new();

    public ISqlDialect Dialect => dialect;

    /// <summary>A table alias not used elsewhere in this statement.</summary>
    public string Alias(string prefix) => "x" + prefix + (++_aliases).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public SqlStatement Append(string sql)
    {
        Text.Append(sql);
        return this;
    }

    /// <summary>
    /// "<paramref name="column"/> is one of <paramref name="ids"/>". PostgreSQL: <c>= ANY(@p)</c> with one uuid array, so
    /// the statement has one text whatever the number of ids, and the generic plan PostgreSQL caches for it reads the
    /// index (a plan made for a long IN list while a new table was still tiny scanned it). SQLite: an IN list of
    /// parameters of <paramref name="field"/> (it caches no plans across calls).
    /// </summary>
    public string IdIn(string column, FieldDefinition field, IReadOnlyCollection<Guid> ids)
    {
        if (ids.Count == 0)
        {
            return "1 = 0";
        }

        return dialect.Provider == Core.Configuration.DatabaseProvider.Postgres
            ? $"{column} = ANY({Parameter(null, ids.ToArray())})"
            : $"{column} IN ({string.Join(", ", ids.Select(id => Parameter(field, id)))})";
    }

    /// <summary>Adds a parameter holding a canonical value of <paramref name="field"/> and returns its placeholder.</summary>
    public string Parameter(FieldDefinition? field, object? value)
    {
        var name = "@p" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add((name, field, value));
        return name;
    }

    public DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Text.ToString();
        foreach (var (name, field, value) in _parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            dialect.SetParameter(parameter, field, value);
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public override string ToString() => Text.ToString();
}
