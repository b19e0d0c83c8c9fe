using System.Globalization;
using GraphQL.Types;
using GraphQLParser.AST;
using Paas.Core.Records;

namespace Paas.GraphQL.Types;

/// <summary>
/// The platform's scalars (Long, Decimal, Date, DateTime, JSON). Input is taken as given and coerced by the write
/// pipeline and filter compiler, so that a wrong value is reported as a field error naming the field, not as a
/// document error; output is written in one canonical form.
/// </summary>
public sealed class LenientScalar : ScalarGraphType
{
    private LenientScalar(string name, string description)
    {
        Name = name;
        Description = description;
    }

    public static LenientScalar Long() => new("Long", "A 64-bit whole number.");

    public static LenientScalar Decimal() => new("Decimal", "An exact decimal number; send it as a JSON number or, for full precision, as a string.");

    public static LenientScalar Date() => new("Date", "A calendar date, yyyy-MM-dd.");

    public static LenientScalar DateTime() => new("DateTime", "An instant in ISO 8601 with a zone, returned in UTC (2026-01-31T09:30:00.000000Z).");

    public static LenientScalar Json() => new("JSON", "Any JSON value.");

    public override object? ParseLiteral(GraphQLValue value) => FromLiteral(value);

    public override object? ParseValue(object? value) => value;

    public override bool CanParseLiteral(GraphQLValue value) => true;

    public override bool CanParseValue(object? value) => true;

    public override bool IsValidDefault(object value) => true;

    public override GraphQLValue ToAST(object? value) => value switch
    {
        null => new GraphQLNullValue(),
        bool b => b ? new GraphQLTrueBooleanValue() : new GraphQLFalseBooleanValue(),
        long or int => new GraphQLIntValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        decimal d => new GraphQLFloatValue(d),
        _ => new GraphQLStringValue(Convert.ToString(Serialize(value), CultureInfo.InvariantCulture) ?? ""),
    };

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset dt => FieldValueCoercer.FormatDateTime(dt),
        _ => value,
    };

    private static object? FromLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLBooleanValue b => b.BoolValue,
        GraphQLIntValue i => long.TryParse(i.Value.Span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? l
            : decimal.TryParse(i.Value.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out var big) ? big : i.Value.ToString(),
        GraphQLFloatValue f => decimal.TryParse(f.Value.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : f.Value.ToString(),
        GraphQLStringValue s => s.Value.ToString(),
        GraphQLEnumValue e => e.Name.StringValue,
        GraphQLListValue list => list.Values?.Select(FromLiteral).ToList() ?? [],
        GraphQLObjectValue obj => obj.Fields?.ToDictionary(f => f.Name.StringValue, f => FromLiteral(f.Value)) ?? [],
        _ => value.ToString(),
    };
}
