namespace Paas.Data.Formulas;

/// <summary>The formula functions that stay calls after type checking (IF, AND, OR, NOT and MOD become operators).</summary>
internal enum FormulaFunction
{
    Case,
    IsBlank,
    BlankValue,
    Upper,
    Lower,
    Trim,
    Len,
    Left,
    Right,
    Mid,
    Contains,
    Begins,
    Substitute,
    Text,
    Value,
    Round,
    Floor,
    Ceiling,
    Abs,
    Min,
    Max,
    Today,
    Now,
    Year,
    Month,
    Day,
    Date,
    AddDays,
    AddMonths,
    DaysBetween,

    // Only parsed, never kept: they become operators.
    If,
    And,
    Or,
    Not,
    Mod,
}

/// <summary>A formula function's name and how many arguments it takes (<see cref="MaxArguments"/> null: any number).</summary>
internal sealed record FormulaSignature(string Name, FormulaFunction Function, int MinArguments, int? MaxArguments);

/// <summary>The catalogue of formula functions, by their upper-case names.</summary>
internal static class FormulaFunctions
{
    private static readonly FormulaSignature[] All =
    [
        new("IF", FormulaFunction.If, 3, 3),
        new("CASE", FormulaFunction.Case, 4, null),
        new("ISBLANK", FormulaFunction.IsBlank, 1, 1),
        new("BLANKVALUE", FormulaFunction.BlankValue, 2, 2),
        new("AND", FormulaFunction.And, 1, null),
        new("OR", FormulaFunction.Or, 1, null),
        new("NOT", FormulaFunction.Not, 1, 1),
        new("UPPER", FormulaFunction.Upper, 1, 1),
        new("LOWER", FormulaFunction.Lower, 1, 1),
        new("TRIM", FormulaFunction.Trim, 1, 1),
        new("LEN", FormulaFunction.Len, 1, 1),
        new("LEFT", FormulaFunction.Left, 2, 2),
        new("RIGHT", FormulaFunction.Right, 2, 2),
        new("MID", FormulaFunction.Mid, 3, 3),
        new("CONTAINS", FormulaFunction.Contains, 2, 2),
        new("BEGINS", FormulaFunction.Begins, 2, 2),
        new("SUBSTITUTE", FormulaFunction.Substitute, 3, 3),
        new("TEXT", FormulaFunction.Text, 1, 1),
        new("VALUE", FormulaFunction.Value, 1, 1),
        new("ROUND", FormulaFunction.Round, 2, 2),
        new("FLOOR", FormulaFunction.Floor, 1, 1),
        new("CEILING", FormulaFunction.Ceiling, 1, 1),
        new("ABS", FormulaFunction.Abs, 1, 1),
        new("MIN", FormulaFunction.Min, 1, null),
        new("MAX", FormulaFunction.Max, 1, null),
        new("MOD", FormulaFunction.Mod, 2, 2),
        new("TODAY", FormulaFunction.Today, 0, 0),
        new("NOW", FormulaFunction.Now, 0, 0),
        new("YEAR", FormulaFunction.Year, 1, 1),
        new("MONTH", FormulaFunction.Month, 1, 1),
        new("DAY", FormulaFunction.Day, 1, 1),
        new("DATE", FormulaFunction.Date, 3, 3),
        new("ADD_DAYS", FormulaFunction.AddDays, 2, 2),
        new("ADD_MONTHS", FormulaFunction.AddMonths, 2, 2),
        new("DAYS_BETWEEN", FormulaFunction.DaysBetween, 2, 2),
    ];

    private static readonly Dictionary<string, FormulaSignature> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    private static readonly Dictionary<FormulaFunction, string> Names = All.ToDictionary(s => s.Function, s => s.Name);

    /// <summary>Every function name, as the JavaScript prelude defines them too.</summary>
    public static IEnumerable<string> AllNames => All.Select(s => s.Name);

    public static bool TryGet(string name, out FormulaSignature signature) => ByName.TryGetValue(name, out signature!);

    public static string NameOf(FormulaFunction function) => Names[function];
}
