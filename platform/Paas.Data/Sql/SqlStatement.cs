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
