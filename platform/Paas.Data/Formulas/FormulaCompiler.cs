using Paas.Core.Errors;
using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>
/// Parses and type-checks FORMULA fields. A formula is one JavaScript expression (parsed by Acornima, strict mode)
/// over the record's fields; most formulas compile to a SQL expression (<see cref="FormulaSql"/>), the rest run in
/// the JavaScript sandbox after the read (<see cref="FormulaScript"/>).
/// </summary>
/// <remarks>
/// <para><b>Values and types.</b> Every expression has a type: NUMBER, INTEGER (a NUMBER without decimals; the two mix
/// freely), TEXT, BOOLEAN, DATE, DATETIME, ID, or the type of <c>null</c>, which fits everywhere. Any value may be
/// empty (null).</para>
/// <para><b>Literals.</b> Numbers (<c>12</c>, <c>0.5</c>, <c>1e3</c>, <c>0x1F</c>, <c>1_000</c>; at most 9 decimal
/// places), text in single or double quotes with JavaScript escapes (no NUL characters), <c>true</c>, <c>false</c>,
/// <c>null</c> (<c>undefined</c> means null too).</para>
/// <para><b>Fields.</b> A bare name is a field of the record, by API name: <c>amount</c>, <c>closeDate</c>,
/// <c>name</c>, <c>id</c>, <c>createdAt</c>. A dotted path follows LOOKUP and MASTER_DETAIL fields to the related
/// record's fields: <c>account.industry</c>, <c>account.parent.name</c> (at most 5 lookups; <c>?.</c> means the same
/// as <c>.</c> on a path, since paths are null-safe: an empty lookup gives null). A relation field itself gives the
/// related record's id (type ID). ownerId, createdBy and updatedBy are ids, not lookups. TEXT, LONG_TEXT, EMAIL,
/// PHONE, URL, PICKLIST and AUTO_NUMBER read as TEXT; NUMBER, CURRENCY and PERCENT as NUMBER (a PERCENT of 12.5
/// reads as 12.5); INTEGER as INTEGER. A FORMULA field reads as its value: its expression is inlined, converted to its
/// return type and scale (at most 5 levels of formula fields; a cycle is an error). ROLLUP, JSON and MULTI_PICKLIST
/// fields cannot be used.</para>
/// <para><b>Operators</b> (JavaScript precedence, parentheses group):
/// <list type="bullet">
/// <item><c>+ - * / %</c> on numbers; unary <c>-</c> and <c>+</c>. Division by zero and remainder by zero give null.
/// Decimals are exact (no floating point) in SQL.</item>
/// <item><c>+</c> with a TEXT or ID operand concatenates; the other operand may be a NUMBER, DATE or DATETIME
/// (written as TEXT() writes it) but not a BOOLEAN; an empty operand counts as '' (<c>'a' + null</c> is 'a').</item>
/// <item>DATE or DATETIME <c>+</c>/<c>-</c> NUMBER adds/subtracts days (for a DATE, the whole days of the number,
/// truncated; for a DATETIME, fractions of days too); DATE <c>-</c> DATE gives the days between them (INTEGER).</item>
/// <item><c>== === != !==</c> all mean null-safe equality: <c>x == null</c> is true exactly when x is empty, and two
/// empty values are equal. Operands must be comparable: numbers with numbers, text with text or ids, dates with
/// datetimes (a date is its midnight UTC), booleans with booleans.</item>
/// <item><c>&lt; &lt;= &gt; &gt;=</c> on numbers, text (by code point), dates and datetimes; null if an operand is
/// empty.</item>
/// <item><c>&amp;&amp; || !</c> on BOOLEANs, three-valued like SQL (<c>false &amp;&amp; null</c> is false,
/// <c>true &amp;&amp; null</c> is null); <c>a ?? b</c> is a unless a is empty; <c>c ? a : b</c> is a when c is true,
/// else b (also when c is empty).</item>
/// </list>
/// An operator or function with an empty operand gives null unless stated otherwise.</para>
/// <para><b>Functions</b> (upper-case; the number of arguments is checked):
/// <list type="bullet">
/// <item>Logic: <c>IF(c, a, b)</c> (as <c>c ? a : b</c>); <c>CASE(x, v1, r1, v2, r2, …, otherwise)</c> (the first
/// r whose v equals x, compared with <c>==</c>); <c>ISBLANK(x)</c> (x is empty, or is ''); <c>BLANKVALUE(x, y)</c>
/// (y when ISBLANK(x), else x); <c>AND(a, …)</c>, <c>OR(a, …)</c>, <c>NOT(a)</c>.</item>
/// <item>Text (positions and lengths count characters; number arguments are truncated to whole numbers):
/// <c>UPPER(s)</c>, <c>LOWER(s)</c>, <c>TRIM(s)</c> (leading and trailing spaces), <c>LEN(s)</c>, <c>LEFT(s, n)</c>,
/// <c>RIGHT(s, n)</c> ('' when n ≤ 0), <c>MID(s, start, length)</c> (1-based; start &lt; 1 counts as 1),
/// <c>CONTAINS(s, part)</c>, <c>BEGINS(s, prefix)</c> (case-sensitive), <c>SUBSTITUTE(s, old, new)</c> (every
/// occurrence; an empty old changes nothing), <c>TEXT(x)</c> (numbers without trailing zeros, 'true'/'false',
/// 'yyyy-MM-dd', 'yyyy-MM-ddTHH:mm:ss.ffffffZ'), <c>VALUE(s)</c> (text to number, null when it is not one; evaluated
/// in JavaScript only).</item>
/// <item>Numbers: <c>ROUND(x, digits)</c> (digits a literal 0–9; half away from zero), <c>FLOOR(x)</c>,
/// <c>CEILING(x)</c>, <c>ABS(x)</c>, <c>MOD(a, b)</c> (as <c>a % b</c>: the sign of a), <c>MIN(a, b, …)</c>,
/// <c>MAX(a, b, …)</c> (also on text, dates and datetimes; empty arguments are ignored, null when all are).</item>
/// <item>Dates (UTC): <c>TODAY()</c>, <c>NOW()</c>, <c>YEAR(d)</c>, <c>MONTH(d)</c>, <c>DAY(d)</c>,
/// <c>DATE(y, m, d)</c> (null for a date that does not exist, or a year outside 1–9999), <c>ADD_DAYS(d, n)</c> (as
/// <c>d + n</c>), <c>ADD_MONTHS(d, n)</c> (the day is kept, or becomes the last day of a shorter month; the time of a
/// DATETIME is kept), <c>DAYS_BETWEEN(a, b)</c> (b − a in whole days, between the UTC dates of a and b).</item>
/// </list></para>
/// <para><b>Return type.</b> The expression must fit the field's return type: NUMBER, CURRENCY, PERCENT and INTEGER
/// accept any number (rounded half away from zero to the field's scale, or to a whole number); TEXT accepts text and
/// ids; BOOLEAN booleans; DATE dates; DATETIME datetimes and dates (midnight UTC).</para>
/// <para><b>JavaScript.</b> Other JavaScript expressions are allowed but make the formula not SQL-compilable
/// (<see cref="FormulaAnalysis.IsSqlCompilable"/> false, with the reason): the sandbox evaluates it after the read,
/// with the same functions and the same null semantics for the operators above. They are: property access and method
/// calls on values (<c>name.length</c>, <c>name.split(' ')[0]</c>), computed member access <c>a[b]</c>, template
/// literals, tagged templates, arrow functions with an expression body (<c>x =&gt; x * 2</c>), array and object
/// literals, spread, the comma operator, <c>typeof</c>, <c>void</c>, <c>**</c>, bitwise and shift operators,
/// <c>in</c>, <c>instanceof</c>, regular expression and BigInt literals, VALUE, and the globals Math, Number, String,
/// Boolean, JSON, Array, Date, parseInt, parseFloat, isNaN, isFinite, NaN, Infinity and the URI functions.</para>
/// <para><b>Refused</b> (validation errors, with line and column): syntax errors; unknown fields or functions; type
/// mismatches; wrong argument counts; assignment, <c>++</c>/<c>--</c>, <c>delete</c>, <c>new</c>, <c>this</c>,
/// <c>super</c>, <c>await</c>, <c>yield</c>, imports, classes, function expressions and arrow functions with a block
/// body, getters, setters and methods in object literals, <c>eval</c>, <c>Function</c>, the properties constructor,
/// prototype, __proto__ (and the like); formulas over 3,900 characters, 500 operations or 150 levels of nesting
/// (inlined formula fields included).</para>
/// </remarks>
public static class FormulaCompiler
{
    /// <summary>
    /// Checks <paramref name="formulaField"/>'s <see cref="FieldDefinition.Formula"/> against its
    /// <see cref="FieldDefinition.ReturnType"/> on <paramref name="owner"/>, where the field may be new: its definition
    /// here wins over any stored one (so that a cycle through it is found).
    /// </summary>
    /// <exception cref="PaasException">VALIDATION_FAILED on <c>formula</c> (or <c>returnType</c>), with the 1-based line and column.</exception>
    public static FormulaAnalysis Analyze(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition formulaField)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(formulaField);
        if (formulaField.Type != FieldType.Formula)
        {
            throw new ArgumentException($"'{formulaField.ApiName}' is not a FORMULA field.", nameof(formulaField));
        }

        var returnType = formulaField.ValueType;
        if (!FormulaTypes.IsReturnType(returnType))
        {
            throw PaasException.Validation("returnType",
                $"A formula returns TEXT, NUMBER, CURRENCY, PERCENT, INTEGER, BOOLEAN, DATE or DATETIME, not {returnType.ToContractName()}.");
        }

        var expression = FormulaParser.Parse(formulaField.Formula, "");
        var state = new FormulaState(metadata, owner, formulaField);
        state.Stack.Add($"{owner.ApiName}.{formulaField.ApiName}");
        var root = FormulaBinder.ForRoot(state, formulaField.Formula!).Bind(expression);
        if (!root.Type.FitsReturnType(returnType))
        {
            throw FormulaErrors.Invalid($"{FormulaErrors.At(expression)}: the formula gives {root.Type.Name()} but the return type is {returnType.ToContractName()}");
        }

        return new FormulaAnalysis(root, state.Root, formulaField, root.Type.ToFieldType(returnType), state.Paths, state.NotCompilableReason);
    }
}
