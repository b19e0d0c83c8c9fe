using System.Data.Common;
using Paas.Core.Metadata;
using Paas.Data.Sql;
using Paas.Data.Storage;

namespace Paas.Data.Query;

/// <summary>
/// Turns a <see cref="RecordSelection"/> into a column list with LEFT JOINs for selected relations, and reads the
/// resulting rows back into nested dictionaries.
/// </summary>
public sealed class SelectBuilder
{
    private readonly TenantSession _session;
    private readonly Sql.SqlStatement _statement;
    private readonly List<string> _columns = [];
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);
    private readonly List<string> _joins = [];
    private readonly Reader _reader;
    private int _aliases;

    /// <param name="statement">The statement the joins go into: a lookup target's access predicate adds parameters to it.</param>
    public SelectBuilder(TenantSession session, Sql.SqlStatement statement, RecordSelection selection, string rootAlias)
    {
        _session = session;
        _statement = statement;
        _reader = Build(selection, rootAlias);
    }

    public string Columns => string.Join(", ", _columns);

    /// <summary>The columns with positional aliases (c0, c1, …), for use inside a derived table.</summary>
    public string AliasedColumns => string.Join(", ", _columns.Select((c, i) => $"{c} AS c{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));

    public int ColumnCount => _columns.Count;

    public string Joins => string.Join(" ", _joins);

    /// <summary>The current row as a dictionary the caller may change (its relations as read-only <see cref="RecordValues"/>).</summary>
    public Dictionary<string, object?> Read(DbDataReader reader) => new(_reader.Read(reader, _session.Dialect), StringComparer.Ordinal);

    /// <summary>The current row, read-only, sharing its field names with the other rows of the statement.</summary>
    public RecordValues ReadRow(DbDataReader reader) => _reader.Read(reader, _session.Dialect);

    private Reader Build(RecordSelection selection, string alias)
    {
        var d = _session.Dialect;
        var scalars = new List<(FieldDefinition Field, int Ordinal)>();
        var afterRead = new List<AfterReadFormula>();
        foreach (var field in selection.Fields.Where(f => !f.Type.IsRelation()).DistinctBy(f => f.ApiName))
        {
            var analysis = field.Type == FieldType.Formula ? ComputedFields.Analysis(_session.Metadata, selection.Object, field) : null;
            var evaluator = analysis is { IsSqlCompilable: true } ? ComputedFields.Evaluator(analysis, d.Provider) : null;
            if (analysis is { IsSqlCompilable: false } || evaluator is not null)
            {
                // Computed after the read: the values it uses are selected (a field that is selected anyway is read once),
                // then plain arithmetic is computed here, anything else by the sandbox, per row.
                var ordinals = analysis!.Paths.Select(path => Column(Formulas.FormulaSql.RenderPath(path, d, alias, _session.Table))).ToList();
                afterRead.Add(new AfterReadFormula(field, analysis, ordinals, evaluator));
                continue;
            }

            scalars.Add((ComputedFields.ValueField(field), field.IsComputed
                ? Column(ComputedFields.Expression(_statement, _session.Metadata, _session.Table, selection.Object, field, alias))
                : Column($"{alias}.{d.Quote(field.Column)}")));
        }

        var relations = new List<(FieldDefinition Field, int Ordinal, Reader? Target)>();
        foreach (var relation in selection.Relations)
        {
            var ordinal = _columns.Count;
            _columns.Add($"{alias}.{d.Quote(relation.Field.Column)}");
            Reader? target = null;
            if (relation.Target.NeedsMoreThanId)
            {
                var joined = "j" + (++_aliases).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var targetDefinition = relation.Target.Object;
                // A related record the caller may not read joins as nothing: the relation then shows only its id.
                var visible = _session.AccessPredicate(_statement, targetDefinition, joined);
                _joins.Add($"LEFT JOIN {_session.Table(targetDefinition)} {joined} ON {joined}.{d.Quote(targetDefinition.IdField.Column)} = {alias}.{d.Quote(relation.Field.Column)}"
                    + (visible is null ? "" : " AND " + visible));
                target = Build(relation.Target, joined);
            }

            relations.Add((relation.Field, ordinal, target));
        }

        return new Reader(selection.Object, scalars, relations, afterRead, _session);
    }

    /// <summary>The ordinal of <paramref name="sql"/> in the column list, added unless the same expression is there already.</summary>
    private int Column(string sql)
    {
        if (!_ordinals.TryGetValue(sql, out var ordinal))
        {
            ordinal = _ordinals[sql] = _columns.Count;
            _columns.Add(sql);
        }

        return ordinal;
    }

    private sealed record AfterReadFormula(FieldDefinition Field, Formulas.FormulaAnalysis Analysis, IReadOnlyList<int> Ordinals, Formulas.FormulaEvaluator? Evaluator);

    private sealed class Reader(
        ObjectDefinition definition,
        List<(FieldDefinition Field, int Ordinal)> scalars,
        List<(FieldDefinition Field, int Ordinal, Reader? Target)> relations,
        List<AfterReadFormula> afterRead,
        TenantSession session)
    {
        private readonly RecordShape _shape = new([
            .. scalars.Select(s => s.Field.ApiName), .. afterRead.Select(s => s.Field.ApiName), .. relations.Select(r => r.Field.ApiName)]);

        private static readonly RecordShape IdOnly = new([SystemFields.Id]);

        public RecordValues Read(DbDataReader reader, ISqlDialect dialect)
        {
            var values = new object?[scalars.Count + afterRead.Count + relations.Count];
            var i = 0;
            foreach (var (field, ordinal) in scalars)
            {
                values[i++] = dialect.FromDb(field, reader.GetValue(ordinal));
            }

            foreach (var formula in afterRead)
            {
                values[i++] = Evaluate(formula, reader, dialect);
            }

            foreach (var (field, ordinal, target) in relations)
            {
                var id = dialect.FromDb(field, reader.GetValue(ordinal));
                values[i++] = id is null
                    ? null
                    : target?.Read(reader, dialect) is { } related && related.GetValueOrDefault(SystemFields.Id) is not null
                        ? related
                        : new RecordValues(IdOnly, [id]);
            }

            return new RecordValues(_shape, values);
        }

        // The inputs of an in-process formula, reused row after row (a reader reads one row at a time).
        private object?[] _inputs = [];

        private object? Evaluate(AfterReadFormula formula, DbDataReader reader, ISqlDialect dialect)
        {
            var count = formula.Ordinals.Count;
            var inputs = formula.Evaluator is null ? new object?[count] : _inputs.Length >= count ? _inputs : _inputs = new object?[count];
            for (var p = 0; p < count; p++)
            {
                inputs[p] = dialect.FromDb(formula.Analysis.Paths[p].Target, reader.GetValue(formula.Ordinals[p]));
            }

            return formula.Evaluator is { } evaluator
                ? evaluator.Evaluate(inputs.AsSpan(0, count))
                : ScriptedFormulas.Evaluate(session, definition, formula.Field, formula.Analysis, inputs);
        }
    }
}
