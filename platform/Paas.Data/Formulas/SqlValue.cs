namespace Paas.Data.Formulas;

/// <summary>
/// A SQL expression computing a formula value. On SQLite a number is an integer scaled by 10^<see cref="Scale"/>
/// (the encoding of a decimal column of that scale); on PostgreSQL <see cref="Scale"/> is unused.
/// <see cref="Simple"/> expressions (literals, columns of the record) may be repeated; others are bound once.
/// <see cref="Micros"/> (SQLite, a DATETIME that arithmetic produced): the same instant as integer microseconds since
/// the epoch, so that further arithmetic continues from it instead of parsing <see cref="Sql"/> again.
/// </summary>
internal sealed record SqlValue(string Sql, FormulaType Type, int Scale = 0, bool Simple = false, string? Micros = null)
{
    /// <summary>PostgreSQL: the value is a ROUND to this many decimals already, so encoding to a scale at least as large needs no second ROUND.</summary>
    public int? RoundedTo { get; init; }
}
