using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Scripts;

/// <summary>ROLLUP and FORMULA fields defined through the metadata API and read, filtered and kept right through GraphQL.</summary>
public sealed class ComputedFieldTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    private static async Task DefineAsync(PaasServer server)
    {
        await server.MetadataOkAsync("""
            mutation {
              a: createObject(input: {apiName: "Invoice", label: "Invoice"}) { apiName }
              b: createObject(input: {apiName: "InvoiceLine", label: "Invoice line"}) { apiName }
            }
            """);
        await server.MetadataOkAsync("""
            mutation {
              a: createField(input: {object: "InvoiceLine", apiName: "invoice", label: "Invoice", type: MASTER_DETAIL, target: "Invoice", cascadeDelete: true}) { apiName }
              b: createField(input: {object: "InvoiceLine", apiName: "amount", label: "Amount", type: CURRENCY, precision: 18, scale: 2}) { apiName }
              c: createField(input: {object: "InvoiceLine", apiName: "quantity", label: "Quantity", type: INTEGER}) { apiName }
              d: createField(input: {object: "InvoiceLine", apiName: "shipped", label: "Shipped", type: DATE}) { apiName }
            }
            """);
        var rollups = await server.MetadataOkAsync("""
            mutation {
              count: createField(input: {object: "Invoice", apiName: "lineCount", label: "Lines", type: ROLLUP,
                rollup: {childObject: "InvoiceLine", relationship: "invoice", function: COUNT}}) { apiName type returnType }
              total: createField(input: {object: "Invoice", apiName: "total", label: "Total", type: ROLLUP,
                rollup: {childObject: "InvoiceLine", relationship: "invoice", function: SUM, field: "amount"}}) { apiName returnType scale }
              big: createField(input: {object: "Invoice", apiName: "bigLines", label: "Big lines", type: ROLLUP,
                rollup: {childObject: "InvoiceLine", relationship: "invoice", function: COUNT, filter: "{\"amount\": {\"gte\": 100}}"}}) { apiName }
              last: createField(input: {object: "Invoice", apiName: "lastShipped", label: "Last shipped", type: ROLLUP,
                rollup: {childObject: "InvoiceLine", relationship: "invoice", function: MAX, field: "shipped"}}) { apiName returnType }
            }
            """);
        Assert.Equal("ROLLUP", (string?)rollups["count"]!["type"]);
        Assert.Equal("INTEGER", (string?)rollups["count"]!["returnType"]);
        Assert.Equal("CURRENCY", (string?)rollups["total"]!["returnType"]);
        Assert.Equal(2, (int?)rollups["total"]!["scale"]);
        Assert.Equal("DATE", (string?)rollups["last"]!["returnType"]);
    }

    private static async Task<string> CreateAsync(PaasServer server, string type, object input) =>
        (string)(await server.DataOkAsync($"mutation($input: {type}CreateInput!) {{ create{type}(input: $input) {{ id }} }}", new { input }))[$"create{type}"]!["id"]!;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rollups_stay_right_under_inserts_updates_deletes_and_reparenting_and_can_be_filtered(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await DefineAsync(server);
        var first = await CreateAsync(server, "Invoice", new { name = "INV-1" });
        var second = await CreateAsync(server, "Invoice", new { name = "INV-2" });
        var l1 = await CreateAsync(server, "InvoiceLine", new { name = "L1", invoice = first, amount = "100.50", quantity = 1, shipped = "2026-01-05" });
        await CreateAsync(server, "InvoiceLine", new { name = "L2", invoice = first, amount = "20.25", quantity = 2, shipped = "2026-03-01" });
        await CreateAsync(server, "InvoiceLine", new { name = "L3", invoice = second, amount = "5", quantity = 3 });

        const string read = "query($id: ID!) { invoice(id: $id) { lineCount total bigLines lastShipped } }";
        var inv1 = (await server.DataOkAsync(read, new { id = first }))["invoice"]!;
        Assert.Equal(2, (long)inv1["lineCount"]!);
        Assert.Equal(120.75m, (decimal)inv1["total"]!);
        Assert.Equal(1, (long)inv1["bigLines"]!);
        Assert.Equal("2026-03-01", (string?)inv1["lastShipped"]);

        // Reparenting moves the line's amount from one total to the other.
        await server.DataOkAsync("mutation($id: ID!, $to: ID!) { updateInvoiceLine(id: $id, input: {invoice: $to}) { id } }", new { id = l1, to = second });
        inv1 = (await server.DataOkAsync(read, new { id = first }))["invoice"]!;
        var inv2 = (await server.DataOkAsync(read, new { id = second }))["invoice"]!;
        Assert.Equal(1, (long)inv1["lineCount"]!);
        Assert.Equal(20.25m, (decimal)inv1["total"]!);
        Assert.Equal(0, (long)inv1["bigLines"]!);
        Assert.Equal(2, (long)inv2["lineCount"]!);
        Assert.Equal(105.50m, (decimal)inv2["total"]!);
        Assert.Equal("2026-01-05", (string?)inv2["lastShipped"]);

        // An update of a child's amount and a delete are seen at once.
        await server.DataOkAsync("mutation($id: ID!) { updateInvoiceLine(id: $id, input: {amount: 1000}) { id } }", new { id = l1 });
        Assert.Equal(1005m, (decimal)(await server.DataOkAsync(read, new { id = second }))["invoice"]!["total"]!);
        await server.DataOkAsync("mutation($id: ID!) { deleteInvoiceLine(id: $id) }", new { id = l1 });
        inv2 = (await server.DataOkAsync(read, new { id = second }))["invoice"]!;
        Assert.Equal(1, (long)inv2["lineCount"]!);
        Assert.Equal(5m, (decimal)inv2["total"]!);
        Assert.Null((string?)inv2["lastShipped"]);

        // Filterable like a stored field; not writable.
        var filtered = await server.DataOkAsync("""{ invoices(filter: {total: {gt: 10}}) { totalCount nodes { name total } } }""");
        Assert.Equal(1, (long)filtered["invoices"]!["totalCount"]!);
        Assert.Equal("INV-1", (string?)filtered["invoices"]!["nodes"]![0]!["name"]);
        var write = await server.DataAsync($$"""mutation { updateInvoice(id: "{{first}}", input: {total: 1}) { id } }""");
        ResponseAssert.IsSafeError(write);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_bad_rollup_is_refused_and_changes_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await DefineAsync(server);
        foreach (var rollup in new[]
                 {
                     """{childObject: "Nope", relationship: "invoice", function: COUNT}""",
                     """{childObject: "InvoiceLine", relationship: "amount", function: COUNT}""",
                     """{childObject: "InvoiceLine", relationship: "invoice", function: SUM, field: "shipped"}""",
                     """{childObject: "InvoiceLine", relationship: "invoice", function: SUM}""",
                     """{childObject: "InvoiceLine", relationship: "invoice", function: COUNT, filter: "{\"nope\": {\"eq\": 1}}"}""",
                     """{childObject: "InvoiceLine", relationship: "invoice", function: COUNT, filter: "'; DROP TABLE x; --"}""",
                 })
        {
            var response = await server.MetadataAsync($$"""
                mutation { createField(input: {object: "Invoice", apiName: "broken", label: "Broken", type: ROLLUP, rollup: {{rollup}}}) { apiName } }
                """);
            ResponseAssert.GraphQLError(response, "VALIDATION_FAILED");
        }

        var fields = await server.MetadataOkAsync("""{ object(apiName: "Invoice") { fields { apiName } } }""");
        Assert.DoesNotContain(fields["object"]!["fields"]!.AsArray(), f => (string?)f!["apiName"] == "broken");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Formulas_compile_to_sql_and_are_read_filtered_and_sorted_like_stored_fields(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await DefineAsync(server);
        var formulas = await server.MetadataOkAsync("""
            mutation {
              a: createField(input: {object: "InvoiceLine", apiName: "lineTotal", label: "Line total", type: FORMULA, returnType: CURRENCY, scale: 2,
                formula: "amount * quantity"}) { apiName type returnType scale formula }
              b: createField(input: {object: "InvoiceLine", apiName: "label2", label: "Label", type: FORMULA, returnType: TEXT,
                formula: "UPPER(name) + ' / ' + invoice.name"}) { apiName }
              c: createField(input: {object: "InvoiceLine", apiName: "isBig", label: "Big", type: FORMULA, returnType: BOOLEAN,
                formula: "IF(quantity == null, false, amount * quantity >= 100)"}) { apiName }
              d: createField(input: {object: "InvoiceLine", apiName: "dueDate", label: "Due", type: FORMULA, returnType: DATE,
                formula: "ADD_DAYS(shipped, 30)"}) { apiName }
              e: createField(input: {object: "InvoiceLine", apiName: "withTax", label: "With tax", type: FORMULA, returnType: CURRENCY, scale: 2,
                formula: "ROUND(amount * 1.075, 2)"}) { apiName }
            }
            """);
        Assert.Equal("FORMULA", (string?)formulas["a"]!["type"]);
        Assert.Equal("CURRENCY", (string?)formulas["a"]!["returnType"]);
        var invoice = await CreateAsync(server, "Invoice", new { name = "inv-9" });
        await CreateAsync(server, "InvoiceLine", new { name = "a", invoice, amount = "10.25", quantity = 3, shipped = "2026-01-31" });
        await CreateAsync(server, "InvoiceLine", new { name = "b", invoice, amount = "60", quantity = 2 });
        await CreateAsync(server, "InvoiceLine", new { name = "c", invoice, amount = "1" });

        var page = await server.DataOkAsync("""{ invoiceLines(orderBy: [{lineTotal: DESC}]) { nodes { name lineTotal label2 isBig dueDate } } }""");
        var nodes = page["invoiceLines"]!["nodes"]!.AsArray();
        Assert.Equal(["c", "b", "a"], nodes.Select(n => (string?)n!["name"]));
        Assert.Null((decimal?)nodes[0]!["lineTotal"]);
        Assert.Equal(120m, (decimal)nodes[1]!["lineTotal"]!);
        Assert.Equal(30.75m, (decimal)nodes[2]!["lineTotal"]!);
        Assert.Equal("A / inv-9", (string?)nodes[2]!["label2"]);
        Assert.True((bool)nodes[1]!["isBig"]!);
        Assert.False((bool)nodes[0]!["isBig"]!);
        Assert.Equal("2026-03-02", (string?)nodes[2]!["dueDate"]);

        // Plain arithmetic over the record's numbers is computed after the read, and still filters, sorts and pages by its SQL.
        var taxed = await server.DataOkAsync("""{ invoiceLines(orderBy: [{withTax: DESC}]) { nodes { name withTax } } }""");
        Assert.Equal(["b", "a", "c"], taxed["invoiceLines"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));
        Assert.Equal([64.50m, 11.02m, 1.08m], taxed["invoiceLines"]!["nodes"]!.AsArray().Select(n => (decimal)n!["withTax"]!));
        var exact = await server.DataOkAsync("""{ invoiceLines(filter: {withTax: {eq: 11.02}}) { nodes { name } } }""");
        Assert.Equal(["a"], exact["invoiceLines"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));
        var taxedFirst = await server.DataOkAsync("""{ invoiceLines(first: 1, orderBy: [{withTax: ASC}]) { pageInfo { endCursor } nodes { name } } }""");
        Assert.Equal("c", (string?)taxedFirst["invoiceLines"]!["nodes"]![0]!["name"]);
        var taxedNext = await server.DataOkAsync("query($after: String) { invoiceLines(first: 5, after: $after, orderBy: [{withTax: ASC}]) { nodes { name } } }",
            new { after = (string?)taxedFirst["invoiceLines"]!["pageInfo"]!["endCursor"] });
        Assert.Equal(["a", "b"], taxedNext["invoiceLines"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));

        var filtered = await server.DataOkAsync("""{ invoiceLines(filter: {lineTotal: {gte: 30.75}, isBig: {eq: false}}) { totalCount nodes { name } } }""");
        Assert.Equal(1, (long)filtered["invoiceLines"]!["totalCount"]!);
        Assert.Equal("a", (string?)filtered["invoiceLines"]!["nodes"]![0]!["name"]);

        // Keyset pages over a computed order.
        var first = await server.DataOkAsync("""{ invoiceLines(first: 1, orderBy: [{lineTotal: ASC}]) { pageInfo { endCursor } nodes { name } } }""");
        Assert.Equal("a", (string?)first["invoiceLines"]!["nodes"]![0]!["name"]);
        var next = await server.DataOkAsync("query($after: String) { invoiceLines(first: 5, after: $after, orderBy: [{lineTotal: ASC}]) { nodes { name } } }",
            new { after = (string?)first["invoiceLines"]!["pageInfo"]!["endCursor"] });
        Assert.Equal(["b", "c"], next["invoiceLines"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));

        // Bad formulas are refused with their position, and change nothing.
        foreach (var formula in new[] { "amount *", "amont * 2", "name + true", "eval('1')", "(amount = 3)", "name.constructor", "new Date()" })
        {
            var refused = await server.MetadataAsync("""
                mutation($f: String) { createField(input: {object: "InvoiceLine", apiName: "bad", label: "Bad", type: FORMULA, returnType: TEXT, formula: $f}) { apiName } }
                """, new { f = formula });
            ResponseAssert.GraphQLError(refused, "VALIDATION_FAILED");
        }

        var sorted = await server.DataOkAsync("""{ invoices(orderBy: [{total: DESC}]) { nodes { name total } } }""");
        Assert.Equal(71.25m, (decimal)sorted["invoices"]!["nodes"]![0]!["total"]!);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_formula_that_needs_javascript_is_computed_after_the_read_and_is_not_filterable(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await DefineAsync(server);
        await server.MetadataOkAsync("""
            mutation {
              createField(input: {object: "InvoiceLine", apiName: "firstWord", label: "First word", type: FORMULA, returnType: TEXT,
                formula: "name.split(' ')[0].toUpperCase() + '@' + invoice.name + '#' + Math.max(quantity ?? 0, 2)"}) { apiName }
            }
            """);
        var invoice = await CreateAsync(server, "Invoice", new { name = "inv" });
        await CreateAsync(server, "InvoiceLine", new { name = "big red box", invoice, amount = "1", quantity = 5 });
        await CreateAsync(server, "InvoiceLine", new { name = "tiny", invoice, amount = "2" });

        var response = await server.DataAsync("""{ invoiceLines(orderBy: [{name: ASC}]) { nodes { name firstWord } } }""");
        var nodes = response.AssertOk()["invoiceLines"]!["nodes"]!.AsArray();
        Assert.Equal("BIG@inv#5", (string?)nodes[0]!["firstWord"]);
        Assert.Equal("TINY@inv#2", (string?)nodes[1]!["firstWord"]);
        Assert.Equal(2, response.Json!["extensions"]!["scriptCost"]!.AsArray().Count(c => (string?)c!["kind"] == "formula"));

        var filter = await server.DataAsync("""{ invoiceLines(filter: {firstWord: {eq: "x"}}) { totalCount } }""");
        ResponseAssert.IsSafeError(filter);
        var sort = await server.DataAsync("""{ invoiceLines(orderBy: [{firstWord: ASC}]) { totalCount } }""");
        ResponseAssert.IsSafeError(sort);
    }
}
