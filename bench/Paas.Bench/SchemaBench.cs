using System.Diagnostics;
using Paas.Core.Metadata;
using Paas.GraphQL.Data;

namespace Paas.Bench;

/// <summary>
/// Times <see cref="DataSchemaBuilder.Build"/> for an in-memory tenant of 200 objects x 30 custom fields of mixed types
/// (3 lookups per object to other objects, the rest spread over every stored type), plus the 8 system fields each.
/// </summary>
internal static class SchemaBench
{
    private static readonly FieldType[] Kinds =
    [
        FieldType.Text, FieldType.Text, FieldType.LongText, FieldType.Email, FieldType.Phone, FieldType.Url, FieldType.Integer,
        FieldType.Number, FieldType.Currency, FieldType.Percent, FieldType.Boolean, FieldType.Date, FieldType.DateTime,
        FieldType.Picklist, FieldType.MultiPicklist, FieldType.Json, FieldType.AutoNumber,
    ];

    public static TenantMetadata Tenant(int objects, int fieldsPerObject)
    {
        var list = new List<ObjectDefinition>(objects);
        for (var o = 0; o < objects; o++)
        {
            var name = "Entity" + o.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var fields = SystemFields.Create(NameType.Text, null).ToList();
            for (var f = 0; f < fieldsPerObject; f++)
            {
                var lookup = f % 10 == 5;
                var type = lookup ? FieldType.Lookup : Kinds[f % Kinds.Length];
                var apiName = "field" + f.ToString(System.Globalization.CultureInfo.InvariantCulture);
                fields.Add(new FieldDefinition
                {
                    ApiName = apiName,
                    Label = "Field " + f.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Type = type,
                    Column = apiName,
                    Unique = f == 0,
                    Indexed = f == 1,
                    Precision = type.IsDecimal() ? 18 : null,
                    Scale = type.IsDecimal() ? 2 : null,
                    Values = type is FieldType.Picklist or FieldType.MultiPicklist ? ["Alpha", "Beta", "Gamma", "Delta"] : [],
                    Target = lookup ? "Entity" + ((o + f * 7 + 1) % objects).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
                    DisplayFormat = type == FieldType.AutoNumber ? "N-{0000}" : null,
                    StartingNumber = type == FieldType.AutoNumber ? 1 : null,
                });
            }

            list.Add(new ObjectDefinition
            {
                ApiName = name,
                Label = name,
                PluralLabel = name + "s",
                PluralApiName = ApiNames.Pluralize(ApiNames.ToCamelCase(name)),
                Table = "o_" + name.ToLowerInvariant(),
                Fields = fields,
            });
        }

        return new TenantMetadata(1, list);
    }

    public sealed record Result(double MedianMs, double MinMs, double MaxMs, int Runs, int Types);

    public static Result Run(int warmups, int runs)
    {
        var metadata = Tenant(200, 30);
        var types = 0;
        for (var i = 0; i < warmups; i++)
        {
            types = DataSchemaBuilder.Build(metadata).AllTypes.Count();
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var started = Stopwatch.GetTimestamp();
            var schema = DataSchemaBuilder.Build(metadata);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            GC.KeepAlive(schema);
        }

        times.Sort();
        return new Result(Stats.Median(times), times[0], times[^1], runs, types);
    }
}

internal static class Stats
{
    public static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
