using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Metadata;

/// <summary>Field options are checked against the type and every problem is reported.</summary>
public sealed class FieldValidationTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Options_that_do_not_fit_the_type_are_refused_naming_the_option(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateObjectAsync("Account");
        var version = await t.VersionAsync();
        var cases = new (FieldType Type, Func<FieldInput, FieldInput> Configure, string Option)[]
        {
            (FieldType.Text, f => f with { MaxLength = 0 }, "maxLength"),
            (FieldType.Text, f => f with { MaxLength = 4001 }, "maxLength"),
            (FieldType.LongText, f => f with { MaxLength = 131_073 }, "maxLength"),
            (FieldType.Integer, f => f with { MaxLength = 10 }, "maxLength"),
            (FieldType.Picklist, f => f with { Values = ["A"], MaxLength = 10 }, "maxLength"),
            (FieldType.Number, f => f with { Precision = 19 }, "precision"),
            (FieldType.Number, f => f with { Precision = 0 }, "precision"),
            (FieldType.Number, f => f with { Precision = 5, Scale = 6 }, "scale"),
            (FieldType.Currency, f => f with { Scale = -1 }, "scale"),
            (FieldType.Text, f => f with { Precision = 5 }, "precision"),
            (FieldType.Picklist, f => f, "values"),
            (FieldType.Picklist, f => f with { Values = ["A", "A"] }, "values"),
            (FieldType.Picklist, f => f with { Values = ["A", " "] }, "values"),
            (FieldType.MultiPicklist, f => f with { Values = ["A;B"] }, "values"),
            (FieldType.Picklist, f => f with { Values = Enumerable.Range(0, 1001).Select(i => "v" + i).ToList() }, "values"),
            (FieldType.Text, f => f with { Values = ["A"] }, "values"),
            (FieldType.Picklist, f => f with { Values = ["A", "B"], DefaultValue = "C" }, "defaultValue"),
            (FieldType.Integer, f => f with { DefaultValue = "abc" }, "defaultValue"),
            (FieldType.Boolean, f => f with { DefaultValue = "yes" }, "defaultValue"),
            (FieldType.Date, f => f with { DefaultValue = "31/01/2024" }, "defaultValue"),
            (FieldType.Email, f => f with { DefaultValue = "not-an-email" }, "defaultValue"),
            (FieldType.Text, f => f with { MaxLength = 3, DefaultValue = "toolong" }, "defaultValue"),
            (FieldType.Lookup, f => f with { Target = "Account", DefaultValue = "x" }, "defaultValue"),
            (FieldType.Text, f => f with { Target = "Account" }, "target"),
            (FieldType.Lookup, f => f with { Target = "Account", CascadeDelete = true }, "cascadeDelete"),
            (FieldType.LongText, f => f with { Unique = true }, "unique"),
            (FieldType.Json, f => f with { Indexed = true }, "indexed"),
            (FieldType.MultiPicklist, f => f with { Values = ["A"], Unique = true }, "unique"),
            (FieldType.AutoNumber, f => f with { DisplayFormat = "INV-" }, "displayFormat"),
            (FieldType.AutoNumber, f => f with { DisplayFormat = "{00}-{00}" }, "displayFormat"),
            (FieldType.AutoNumber, f => f with { StartingNumber = -1 }, "startingNumber"),
            (FieldType.AutoNumber, f => f with { Required = true }, "type"),
            (FieldType.Text, f => f with { DisplayFormat = "X-{0}" }, "displayFormat"),
            (FieldType.Id, f => f, "type"),
            (FieldType.Text, f => f with { Label = "" }, "label"),
            (FieldType.Text, f => f with { Label = new string('L', 81) }, "label"),
            (FieldType.Text, f => f with { HelpText = new string('h', 1001) }, "helpText"),
        };

        foreach (var (type, configure, option) in cases)
        {
            var error = await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "probe", type, configure));
            Assert.True(error.FieldErrors.Any(e => e.Field == option),
                $"{type.ToContractName()} expected an error on '{option}', got: {string.Join("; ", error.FieldErrors)}");
        }

        Assert.Equal(version, await t.VersionAsync());
        Assert.Null(await t.FieldAsync("Invoice", "probe"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Every_bad_option_is_reported_at_once(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");

        var error = await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "amount", FieldType.Integer,
            f => f with { Label = "", MaxLength = 5, Values = ["A"], Target = "Account", DefaultValue = "x" }));

        Assert.Superset(new HashSet<string> { "label", "maxLength", "values", "target", "defaultValue" }, error.FieldErrors.Select(e => e.Field).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Options_that_fit_the_type_are_kept(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");

        var code = await t.CreateFieldAsync("Invoice", "code", FieldType.Text, f => f with { MaxLength = 12, Unique = true, HelpText = "Our code" });
        var amount = await t.CreateFieldAsync("Invoice", "amount", FieldType.Currency, f => f with { Precision = 12, Scale = 3, Indexed = true, DefaultValue = "1.5" });
        var status = await t.CreateFieldAsync("Invoice", "status", FieldType.Picklist, f => f with { Values = ["Draft", "Sent"], DefaultValue = "Draft" });

        Assert.Equal((12, true, "Our code"), (code.EffectiveMaxLength, code.Unique, code.HelpText));
        Assert.Equal((12, 3, true, "1.5"), (amount.EffectivePrecision, amount.EffectiveScale, amount.Indexed, amount.DefaultValue));
        Assert.Equal(["Draft", "Sent"], status.Values);
        var stored = (await t.StoredMetadataAsync()).FindObject("Invoice")!;
        Assert.Equal((12, true, "Our code"), (stored.FindField("code")!.EffectiveMaxLength, stored.FindField("code")!.Unique, stored.FindField("code")!.HelpText));
        Assert.Equal((12, 3, "1.5"), (stored.FindField("amount")!.EffectivePrecision, stored.FindField("amount")!.EffectiveScale, stored.FindField("amount")!.DefaultValue));
        Assert.Equal(["Draft", "Sent"], stored.FindField("status")!.Values);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task System_fields_cannot_be_changed_or_deleted(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "id", new FieldInput { Type = FieldType.Text }));
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "version", new FieldInput { Unique = true }));
        await Refused.ValidationAsync(() => t.DeleteFieldAsync("Invoice", "createdAt"));
        await Refused.ValidationAsync(() => t.DeleteFieldAsync("Invoice", "name"));
        var relabelled = await t.UpdateFieldAsync("Invoice", "name", new FieldInput { Label = "Invoice number" });

        Assert.Equal("Invoice number", relabelled.Label);
        Assert.True(relabelled.Required);
    }
}
