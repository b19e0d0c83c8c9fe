using Paas.Core.Configuration;
using Paas.Core.Metadata;

namespace Paas.Data.Tests.Support;

/// <summary>
/// A small data set with a field of every filterable type, for filter tests. Accounts: acme (Software), globex (Retail,
/// parent acme), initech (no industry).
/// <code>
/// name     code    email               qty  price  active released   stamp                         status   colors       account  notes
/// alpha    A-1     alpha@example.com     1  10.50  true   2024-01-01 2024-01-01T10:00:00Z          New      Red          acme     "Fast and cheap"
/// beta     b_2     Beta@Example.org      5  20.00  false  2024-02-15 2024-02-15T12:30:00Z          Active   Red,Green    globex   "slow"
/// gamma    100%    (null)               10   5.25  true   2023-12-31 2023-12-31T23:59:59.999999Z   Retired  Blue         acme     "50% off_today"
/// delta    (null)  delta@example.com  (null) (null) (null) (null)     (null)                        (null)   (null)       (null)   (null)
/// epsilon  C\D     eps@example.net      -3   0.00  false  2024-03-01 2024-03-01T00:00:00Z          Active   Green,Blue   initech  "FAST lane"
/// </code>
/// </summary>
public sealed class ProductCatalog
{
    public required TestTenant Tenant { get; init; }
    public required Guid Acme { get; init; }
    public required Guid Globex { get; init; }
    public required Guid Initech { get; init; }
    public required IReadOnlyDictionary<string, Guid> Products { get; init; }

    public static async Task<ProductCatalog> CreateAsync(DatabaseProvider provider)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateFieldAsync("Account", "industry", FieldType.Picklist, f => f with { Values = ["Software", "Retail"] });
        await t.CreateFieldAsync("Account", "parent", FieldType.Lookup, f => f with { Target = "Account" });
        await t.CreateObjectAsync("Product");
        await t.CreateFieldAsync("Product", "code", FieldType.Text);
        await t.CreateFieldAsync("Product", "notes", FieldType.LongText);
        await t.CreateFieldAsync("Product", "email", FieldType.Email);
        await t.CreateFieldAsync("Product", "qty", FieldType.Integer);
        await t.CreateFieldAsync("Product", "price", FieldType.Number, f => f with { Precision = 10, Scale = 2 });
        await t.CreateFieldAsync("Product", "active", FieldType.Boolean);
        await t.CreateFieldAsync("Product", "released", FieldType.Date);
        await t.CreateFieldAsync("Product", "stamp", FieldType.DateTime);
        await t.CreateFieldAsync("Product", "status", FieldType.Picklist, f => f with { Values = ["New", "Active", "Retired"] });
        await t.CreateFieldAsync("Product", "colors", FieldType.MultiPicklist, f => f with { Values = ["Red", "Green", "Blue"] });
        await t.CreateFieldAsync("Product", "account", FieldType.Lookup, f => f with { Target = "Account" });

        var acme = await t.InsertAsync("Account", """{"name": "acme", "industry": "Software"}""");
        var globex = await t.InsertAsync("Account", $$"""{"name": "globex", "industry": "Retail", "parent": "{{acme}}"}""");
        var initech = await t.InsertAsync("Account", """{"name": "initech"}""");
        var rows = Json.Maps($$"""
            [
              {"name": "alpha", "code": "A-1", "email": "alpha@example.com", "qty": 1, "price": 10.50, "active": true,
               "released": "2024-01-01", "stamp": "2024-01-01T10:00:00Z", "status": "New", "colors": ["Red"], "account": "{{acme}}",
               "notes": "Fast and cheap"},
              {"name": "beta", "code": "b_2", "email": "Beta@Example.org", "qty": 5, "price": 20, "active": false,
               "released": "2024-02-15", "stamp": "2024-02-15T12:30:00Z", "status": "Active", "colors": ["Green", "Red"], "account": "{{globex}}",
               "notes": "slow"},
              {"name": "gamma", "code": "100%", "qty": 10, "price": 5.25, "active": true,
               "released": "2023-12-31", "stamp": "2023-12-31T23:59:59.999999Z", "status": "Retired", "colors": ["Blue"], "account": "{{acme}}",
               "notes": "50% off_today"},
              {"name": "delta", "email": "delta@example.com"},
              {"name": "epsilon", "code": "C\\D", "email": "eps@example.net", "qty": -3, "price": 0, "active": false,
               "released": "2024-03-01", "stamp": "2024-03-01T00:00:00Z", "status": "Active", "colors": ["Blue", "Green"], "account": "{{initech}}",
               "notes": "FAST lane"}
            ]
            """);
        var ids = await t.InsertManyAsync("Product", rows);
        return new ProductCatalog
        {
            Tenant = t,
            Acme = acme,
            Globex = globex,
            Initech = initech,
            Products = rows.Select((r, i) => ((string)r["name"]!, ids[i])).ToDictionary(p => p.Item1, p => p.Item2),
        };
    }

    /// <summary>Names of the products matching the filter, in name order.</summary>
    public Task<IReadOnlyList<string>> MatchAsync(string filterJson) => Tenant.NamesAsync("Product", filterJson);
}
