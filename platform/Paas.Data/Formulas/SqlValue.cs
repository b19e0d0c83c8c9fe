namespace Paas.Data.Formulas;

/// <summary>
/// A SQL expression computing a formula value. On SQLite a number is an integer scaled by 10^<see cref="Scale"/>
/// (the encoding of a decimal column of that scale); on PostgreSQL <see cref="Scale"/> is unused.
/// <see cref="Simple"/> expressions (literals, columns of the record) may be repeated; others are bound once.
/// </summary>
internal sealed record SqlValue(string Sql, FormulaType Type, int Scale = 0, bool Simple = false);
