using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Relations;

/// <summary>
/// The children that look up to a record, on the parent under the child's plural name
/// (<c>account { opportunities(filter, orderBy, first, after, last, before) { totalCount pageInfo nodes } }</c>):
/// each parent gets its own page, count, filter and order.
/// </summary>
public sealed class ReverseRelationTests
{
    private sealed record Seeded(PaasServer Server, string Acme, string Globex, string Initech);

    /// <summary>Acme: A1..A5 (amounts 100..500), Globex: G1..G3 (10, 20, 30), Initech: none; one opportunity with no account.</summary>
    private static async Task<Seeded> SeedAsync(DatabaseProvider provider)
    {
        var server = await PaasServer.StartAsync(provider);
        try
        {
            await Crm.CreateAsync(server);
            var accounts = await Crm.CreateAccountsAsync(server,
                new { name = "Acme", industry = "Software" }, new { name = "Globex", industry = "Retail" }, new { name = "Initech", industry = "Finance" });
            var (acme, globex) = (accounts[0], accounts[1]);
            await Crm.CreateOpportunitiesAsync(server,
                new { name = "A3", amount = 300, stage = "Negotiation", account = acme },
                new { name = "A1", amount = 100, stage = "Prospecting", account = acme },
                new { name = "G2", amount = 20, stage = "Negotiation", account = globex },
                new { name = "A5", amount = 500, stage = "Negotiation", account = acme },
                new { name = "G1", amount = 10, stage = "Prospecting", account = globex },
                new { name = "A2", amount = 200, stage = "ClosedWon", account = acme },
                new { name = "Orphan", amount = 999, stage = "Negotiation" },
                new { name = "A4", amount = 400, stage = "Prospecting", account = acme },
                new { name = "G3", amount = 30, stage = "ClosedLost", account = globex });
            return new Seeded(server, acme, globex, accounts[2]);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static JsonNode Account(JsonNode accounts, string name) =>
        accounts["nodes"]!.AsArray().Single(n => (string?)n!["name"] == name)!;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Each_parent_gets_its_own_page_count_and_hasNextPage(DatabaseProvider provider)
    {
        var seeded = await SeedAsync(provider);
        await using var server = seeded.Server;

        var data = await server.DataOkAsync("""
            { accounts(orderBy: [{name: ASC}]) { nodes { name
                opportunities(first: 2, orderBy: [{amount: DESC}]) {
                  totalCount
                  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                  edges { cursor node { name } }
                  nodes { name amount account { name } }
                } } } }
            """);
        var accounts = data["accounts"]!;
        Assert.Equal(["Acme", "Globex", "Initech"], Crm.Names(accounts));

        var acme = Account(accounts, "Acme")["opportunities"]!;
        Assert.Equal(5, (long)acme["totalCount"]!);
        Assert.Equal(["A5", "A4"], Crm.Names(acme));
        Assert.True((bool)acme["pageInfo"]!["hasNextPage"]!);
        Assert.False((bool)acme["pageInfo"]!["hasPreviousPage"]!);
        Assert.Equal(500m, Crm.Dec(acme["nodes"]![0]!["amount"]));
        Assert.All(acme["nodes"]!.AsArray(), n => Assert.Equal("Acme", (string?)n!["account"]!["name"]));
        Assert.Equal(["A5", "A4"], acme["edges"]!.AsArray().Select(e => (string?)e!["node"]!["name"]).ToList());
        Assert.Equal((string?)acme["edges"]![1]!["cursor"], (string?)acme["pageInfo"]!["endCursor"]);

        var globex = Account(accounts, "Globex")["opportunities"]!;
        Assert.Equal(3, (long)globex["totalCount"]!);
        Assert.Equal(["G3", "G2"], Crm.Names(globex));
        Assert.True((bool)globex["pageInfo"]!["hasNextPage"]!);

        var initech = Account(accounts, "Initech")["opportunities"]!;
        Assert.Equal(0, (long)initech["totalCount"]!);
        Assert.Empty(initech["nodes"]!.AsArray());
        Assert.False((bool)initech["pageInfo"]!["hasNextPage"]!);

        // A page of exactly the remaining children says there is no next page.
        var exact = await server.DataOkAsync("""
            { accounts(filter: {name: {eq: "Globex"}}) { nodes { opportunities(first: 3) { totalCount pageInfo { hasNextPage } nodes { name } } } } }
            """);
        var exactPage = exact["accounts"]!["nodes"]![0]!["opportunities"]!;
        Assert.Equal(3, exactPage["nodes"]!.AsArray().Count);
        Assert.False((bool)exactPage["pageInfo"]!["hasNextPage"]!);

        // Without first: the default page (all five here).
        var all = await server.DataOkAsync("{ accounts(filter: {name: {eq: \"Acme\"}}) { nodes { opportunities(orderBy: [{name: ASC}]) { nodes { name } } } } }");
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], Crm.Names(all["accounts"]!["nodes"]![0]!["opportunities"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_parent_pages_through_its_children_forward_and_backward_by_cursor(DatabaseProvider provider)
    {
        var seeded = await SeedAsync(provider);
        await using var server = seeded.Server;
        const string query = """
            query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
              account(id: $id) { name opportunities(orderBy: [{amount: ASC}], first: $first, after: $after, last: $last, before: $before) {
                totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { name } } } }
            """;

        async Task<JsonNode> PageAsync(object variables) => (await server.DataOkAsync(query, variables))["account"]!["opportunities"]!;

        var names = new List<string?>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = await PageAsync(new { id = seeded.Acme, first = 2, after });
            pages++;
            Assert.Equal(5, (long)page["totalCount"]!);
            Assert.Equal(after is not null, (bool)page["pageInfo"]!["hasPreviousPage"]!);
            names.AddRange(Crm.Names(page));
            if (!(bool)page["pageInfo"]!["hasNextPage"]!)
            {
                break;
            }

            after = (string?)page["pageInfo"]!["endCursor"];
            Assert.True(pages < 10, "paging does not end");
        }

        Assert.Equal(3, pages);
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], names);

        var last = await PageAsync(new { id = seeded.Acme, last = 2 });
        Assert.Equal(["A4", "A5"], Crm.Names(last));
        Assert.True((bool)last["pageInfo"]!["hasPreviousPage"]!);

        var before = await PageAsync(new { id = seeded.Acme, last = 2, before = (string?)last["pageInfo"]!["startCursor"] });
        Assert.Equal(["A2", "A3"], Crm.Names(before));
        Assert.True((bool)before["pageInfo"]!["hasNextPage"]!);
        Assert.True((bool)before["pageInfo"]!["hasPreviousPage"]!);

        var first = await PageAsync(new { id = seeded.Acme, last = 2, before = (string?)before["pageInfo"]!["startCursor"] });
        Assert.Equal(["A1"], Crm.Names(first));
        Assert.False((bool)first["pageInfo"]!["hasPreviousPage"]!);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filter_and_order_apply_per_parent_and_aliases_take_their_own_arguments(DatabaseProvider provider)
    {
        var seeded = await SeedAsync(provider);
        await using var server = seeded.Server;

        var data = await server.DataOkAsync("""
            { accounts(orderBy: [{name: ASC}]) { nodes { name
                negotiating: opportunities(filter: {stage: {eq: "Negotiation"}}, orderBy: [{name: DESC}]) { totalCount nodes { name } }
                big: opportunities(filter: {amount: {gte: 300}}, first: 1, orderBy: [{amount: ASC}]) { totalCount pageInfo { hasNextPage } nodes { name } }
                small: opportunities(filter: {or: [{amount: {lt: 150}}, {stage: {eq: "ClosedLost"}}]}, orderBy: [{amount: DESC}]) { nodes { name } }
                opportunities(orderBy: [{amount: DESC}]) { nodes { name stage } }
              } } }
            """);
        var accounts = data["accounts"]!;
        var acme = Account(accounts, "Acme");
        Assert.Equal(2, (long)acme["negotiating"]!["totalCount"]!);
        Assert.Equal(["A5", "A3"], Crm.Names(acme["negotiating"]));
        Assert.Equal(3, (long)acme["big"]!["totalCount"]!);
        Assert.Equal(["A3"], Crm.Names(acme["big"]));
        Assert.True((bool)acme["big"]!["pageInfo"]!["hasNextPage"]!);
        Assert.Equal(["A1"], Crm.Names(acme["small"]));
        Assert.Equal(["A5", "A4", "A3", "A2", "A1"], Crm.Names(acme["opportunities"]));

        var globex = Account(accounts, "Globex");
        Assert.Equal(1, (long)globex["negotiating"]!["totalCount"]!);
        Assert.Equal(["G2"], Crm.Names(globex["negotiating"]));
        Assert.Equal(0, (long)globex["big"]!["totalCount"]!);
        Assert.Empty(globex["big"]!["nodes"]!.AsArray());
        Assert.Equal(["G3", "G2", "G1"], Crm.Names(globex["small"]));
        Assert.Equal(["G3", "G2", "G1"], Crm.Names(globex["opportunities"]));

        var initech = Account(accounts, "Initech");
        Assert.Equal(0, (long)initech["negotiating"]!["totalCount"]!);

        // The children's filter may itself go through a lookup (here back to the parent).
        var viaLookup = await server.DataOkAsync("""
            { accounts(orderBy: [{name: ASC}]) { nodes { name opportunities(filter: {account: {industry: {eq: "Retail"}}}) { totalCount } } } }
            """);
        Assert.Equal([0L, 3L, 0L], viaLookup["accounts"]!["nodes"]!.AsArray().Select(n => (long)n!["opportunities"]!["totalCount"]!).ToList());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Reverse_relations_nest_and_every_parent_at_every_level_gets_its_children(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await Crm.CreateAsync(server);
        await server.MetadataOkAsync("""
            mutation {
              o: createObject(input: {apiName: "LineItem", label: "Line item"}) { apiName }
              opportunity: createField(input: {object: "LineItem", apiName: "opportunity", label: "Opportunity", type: LOOKUP, target: "Opportunity"}) { apiName }
            }
            """);
        var accounts = await Crm.CreateAccountsAsync(server, Enumerable.Range(0, 4).Select(i => (object)new { name = $"Acc{i}" }).ToArray());
        var opportunityInputs = new List<object>();
        for (var a = 0; a < accounts.Count; a++)
        {
            for (var o = 0; o <= a; o++)
            {
                opportunityInputs.Add(new { name = $"Acc{a}-Opp{o}", account = accounts[a] });
            }
        }

        var opportunities = await Crm.CreateOpportunitiesAsync(server, opportunityInputs.ToArray());
        // Opportunity k gets (k % 3) line items.
        var lines = opportunities.SelectMany((id, k) => Enumerable.Range(0, k % 3).Select(l => (object)new { name = $"L{k}-{l}", opportunity = id })).ToArray();
        await Crm.CreateManyAsync(server, "LineItem", "LineItems", lines);

        var data = await server.DataOkAsync("""
            { accounts(orderBy: [{name: ASC}]) { nodes { name opportunities(orderBy: [{name: ASC}]) { totalCount nodes { id name lineItems { totalCount nodes { name } } } } } } }
            """);
        var expectedLines = opportunities.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => x.k % 3);
        var nodes = data["accounts"]!["nodes"]!.AsArray();
        Assert.Equal(4, nodes.Count);
        for (var a = 0; a < nodes.Count; a++)
        {
            var opps = nodes[a]!["opportunities"]!;
            Assert.Equal(a + 1, (long)opps["totalCount"]!);
            Assert.Equal(Enumerable.Range(0, a + 1).Select(o => (string?)$"Acc{a}-Opp{o}").ToList(), Crm.Names(opps));
            foreach (var opp in opps["nodes"]!.AsArray())
            {
                var expected = expectedLines[(string)opp!["id"]!];
                Assert.Equal(expected, (long)opp["lineItems"]!["totalCount"]!);
                Assert.Equal(expected, opp["lineItems"]!["nodes"]!.AsArray().Count);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_fragment_used_at_two_levels_gives_every_parent_its_children(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await Crm.CreateAsync(server);
        var holding = (await Crm.CreateAccountsAsync(server, new { name = "Holding" }))[0];
        var subs = await Crm.CreateAccountsAsync(server, new { name = "Sub 1", parent = holding }, new { name = "Sub 2", parent = holding });
        await Crm.CreateOpportunitiesAsync(server,
            new { name = "H-a", account = holding },
            new { name = "S1-a", account = subs[0] }, new { name = "S1-b", account = subs[0] },
            new { name = "S2-a", account = subs[1] }, new { name = "S2-b", account = subs[1] }, new { name = "S2-c", account = subs[1] });

        // The same selection (one fragment) asks for opportunities of the top accounts and of their child accounts,
        // which are only known once the first level has been loaded.
        var data = await server.DataOkAsync("""
            query {
              accounts(filter: {parent: {id: {isNull: true}}}, orderBy: [{name: ASC}]) { nodes { ...Opps accounts(orderBy: [{name: ASC}]) { nodes { ...Opps } } } }
            }
            fragment Opps on Account { name opportunities(orderBy: [{name: ASC}]) { totalCount nodes { name } } }
            """);
        var top = data["accounts"]!["nodes"]![0]!;
        Assert.Equal("Holding", (string?)top["name"]);
        Assert.Equal(["H-a"], Crm.Names(top["opportunities"]));
        var children = top["accounts"]!["nodes"]!.AsArray();
        Assert.Equal(["Sub 1", "Sub 2"], Crm.Names(children));
        Assert.Equal(2, (long)children[0]!["opportunities"]!["totalCount"]!);
        Assert.Equal(["S1-a", "S1-b"], Crm.Names(children[0]!["opportunities"]));
        Assert.Equal(3, (long)children[1]!["opportunities"]!["totalCount"]!);
        Assert.Equal(["S2-a", "S2-b", "S2-c"], Crm.Names(children[1]!["opportunities"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_reverse_relation_whose_name_is_taken_gets_the_By_suffix_and_goes_with_its_lookup(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await Crm.CreateAccountAsync(server);
        await server.MetadataOkAsync("""
            mutation {
              notesText: createField(input: {object: "Account", apiName: "notes", label: "Notes", type: TEXT}) { apiName }
              note: createObject(input: {apiName: "Note", label: "Note"}) { apiName }
              account: createField(input: {object: "Note", apiName: "account", label: "Account", type: LOOKUP, target: "Account"}) { apiName }
            }
            """);
        var account = await Crm.CreateOneAsync(server, "Account", new { name = "Acme", notes = "plain text" });
        await Crm.CreateManyAsync(server, "Note", "Notes", [new { name = "N1", account }, new { name = "N2", account }]);

        var data = await server.DataOkAsync($$"""{ account(id: "{{account}}") { notes notesByAccount(orderBy: [{name: ASC}]) { totalCount nodes { name } } } }""");
        Assert.Equal("plain text", (string?)data["account"]!["notes"]);
        Assert.Equal(["N1", "N2"], Crm.Names(data["account"]!["notesByAccount"]));

        // Deleting the lookup removes the reverse relation from the schema on the next request.
        await server.MetadataOkAsync("""mutation { deleteField(object: "Note", apiName: "account") }""");
        var gone = await server.DataAsync($$"""{ account(id: "{{account}}") { notesByAccount { totalCount } } }""");
        ResponseAssert.IsSafeError(gone);
        Assert.Null(gone.Data?["account"]);
        await server.MetadataOkAsync("""mutation { restoreField(object: "Note", apiName: "account") { apiName } }""");
        var back = await server.DataOkAsync($$"""{ account(id: "{{account}}") { notesByAccount { totalCount } } }""");
        Assert.Equal(2, (long)back["account"]!["notesByAccount"]!["totalCount"]!);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Two_lookups_to_the_same_parent_are_named_with_a_By_suffix(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await Crm.CreateAccountAsync(server);
        await server.MetadataOkAsync("""
            mutation {
              deal: createObject(input: {apiName: "Deal", label: "Deal"}) { apiName }
              buyer: createField(input: {object: "Deal", apiName: "buyer", label: "Buyer", type: LOOKUP, target: "Account"}) { apiName }
              seller: createField(input: {object: "Deal", apiName: "seller", label: "Seller", type: LOOKUP, target: "Account"}) { apiName }
              contact: createObject(input: {apiName: "Contact", label: "Contact"}) { apiName }
              account: createField(input: {object: "Contact", apiName: "account", label: "Account", type: LOOKUP, target: "Account"}) { apiName }
            }
            """);
        var accounts = await Crm.CreateAccountsAsync(server, new { name = "Acme" }, new { name = "Globex" });
        var (acme, globex) = (accounts[0], accounts[1]);
        await Crm.CreateManyAsync(server, "Deal", "Deals", [
            new { name = "D1", buyer = acme, seller = globex },
            new { name = "D2", buyer = acme, seller = globex },
            new { name = "D3", buyer = globex, seller = acme },
        ]);
        await Crm.CreateManyAsync(server, "Contact", "Contacts", [new { name = "C1", account = acme }]);

        var data = await server.DataOkAsync($$"""
            { account(id: "{{acme}}") { name
                dealsByBuyer(orderBy: [{name: ASC}]) { totalCount nodes { name } }
                dealsBySeller { totalCount nodes { name seller { name } } }
                contacts { totalCount nodes { name } }
                accounts { totalCount } } }
            """);
        var account = data["account"]!;
        Assert.Equal(2, (long)account["dealsByBuyer"]!["totalCount"]!);
        Assert.Equal(["D1", "D2"], Crm.Names(account["dealsByBuyer"]));
        Assert.Equal(1, (long)account["dealsBySeller"]!["totalCount"]!);
        Assert.Equal(["D3"], Crm.Names(account["dealsBySeller"]));
        Assert.Equal("Acme", (string?)account["dealsBySeller"]!["nodes"]![0]!["seller"]!["name"]);
        // A single lookup keeps the plain plural; the self lookup (parent) appears as accounts.
        Assert.Equal(["C1"], Crm.Names(account["contacts"]));
        Assert.Equal(0, (long)account["accounts"]!["totalCount"]!);

        // With two lookups the plain plural would be ambiguous, so it is not there.
        var ambiguous = await server.DataAsync($$"""{ account(id: "{{acme}}") { deals { totalCount } } }""");
        ResponseAssert.IsSafeError(ambiguous);
        Assert.Null(ambiguous.Data?["account"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Relation_filters_go_through_lookups_two_levels_deep(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await Crm.CreateAsync(server);
        var holdings = await Crm.CreateAccountsAsync(server, new { name = "Holding X", industry = "Finance" }, new { name = "Holding Y", industry = "Retail" });
        var subsidiaries = await Crm.CreateAccountsAsync(server,
            new { name = "Sub X1", parent = holdings[0] }, new { name = "Sub X2", parent = holdings[0] },
            new { name = "Sub Y1", parent = holdings[1] }, new { name = "Lonely" });
        await Crm.CreateOpportunitiesAsync(server,
            new { name = "O-X1a", amount = 1, account = subsidiaries[0] },
            new { name = "O-X1b", amount = 2, account = subsidiaries[0] },
            new { name = "O-X2", amount = 3, account = subsidiaries[1] },
            new { name = "O-Y1", amount = 4, account = subsidiaries[2] },
            new { name = "O-Lonely", amount = 5, account = subsidiaries[3] },
            new { name = "O-Holding", amount = 6, account = holdings[0] },
            new { name = "O-None", amount = 7 });

        async Task<List<string?>> NamesAsync(string filter) =>
            Crm.Names((await server.DataOkAsync($"{{ opportunities(filter: {filter}, orderBy: [{{name: ASC}}]) {{ totalCount nodes {{ name }} }} }}"))["opportunities"]);

        Assert.Equal(["O-X1a", "O-X1b", "O-X2"], await NamesAsync("""{account: {parent: {name: {eq: "Holding X"}}}}"""));
        Assert.Equal(["O-Y1"], await NamesAsync("""{account: {parent: {industry: {eq: "Retail"}}}}"""));
        Assert.Equal(["O-X1a", "O-X1b", "O-X2", "O-Y1"], await NamesAsync("""{account: {parent: {name: {startsWith: "holding"}}}}"""));
        Assert.Equal(["O-X2"], await NamesAsync("""{account: {parent: {name: {eq: "Holding X"}}, name: {eq: "Sub X2"}}, amount: {gte: 2}}"""));
        Assert.Equal(["O-X1a", "O-X1b", "O-X2", "O-Y1"], await NamesAsync("{account: {parent: {id: {in: [\"" + holdings[0] + "\", \"" + holdings[1] + "\"]}}}}"));
        // isNull on the lookup column itself, one and two levels down.
        Assert.Equal(["O-Holding", "O-Lonely"], await NamesAsync("""{account: {parent: {id: {isNull: true}}}, not: {account: {id: {isNull: true}}}}"""));
        Assert.Equal(["O-None"], await NamesAsync("""{account: {id: {isNull: true}}}"""));
        Assert.Equal(["O-X1a", "O-X1b", "O-X2", "O-Y1"], await NamesAsync("""{or: [{account: {parent: {name: {eq: "Holding X"}}}}, {account: {parent: {name: {eq: "Holding Y"}}}}]}"""));

        // The same deep filter on a reverse relation, per parent.
        var perParent = await server.DataOkAsync("""
            { accounts(filter: {parent: {isNull: true}}, orderBy: [{name: ASC}]) { nodes { name
                accounts(filter: {parent: {industry: {eq: "Finance"}}}, orderBy: [{name: ASC}]) { totalCount nodes { name } } } } }
            """);
        var byName = perParent["accounts"]!["nodes"]!.AsArray().ToDictionary(n => (string)n!["name"]!, n => n!["accounts"]!);
        Assert.Equal(["Sub X1", "Sub X2"], Crm.Names(byName["Holding X"]));
        Assert.Equal(0, (long)byName["Holding Y"]["totalCount"]!);
        Assert.Equal(0, (long)byName["Lonely"]["totalCount"]!);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Master_detail_children_cascade_or_block_the_delete_and_lookups_are_cleared(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await server.MetadataOkAsync("""
            mutation {
              invoice: createObject(input: {apiName: "Invoice", label: "Invoice"}) { apiName }
              line: createObject(input: {apiName: "InvoiceLine", label: "Invoice line"}) { apiName }
              lineInvoice: createField(input: {object: "InvoiceLine", apiName: "invoice", label: "Invoice", type: MASTER_DETAIL, target: "Invoice", cascadeDelete: true}) { apiName cascadeDelete }
              payment: createObject(input: {apiName: "Payment", label: "Payment"}) { apiName }
              paymentInvoice: createField(input: {object: "Payment", apiName: "invoice", label: "Invoice", type: MASTER_DETAIL, target: "Invoice"}) { apiName cascadeDelete }
              note: createObject(input: {apiName: "Note", label: "Note"}) { apiName }
              noteInvoice: createField(input: {object: "Note", apiName: "invoice", label: "Invoice", type: LOOKUP, target: "Invoice"}) { apiName }
            }
            """);
        var invoices = await Crm.CreateManyAsync(server, "Invoice", "Invoices", [new { name = "INV-1" }, new { name = "INV-2" }]);
        var (one, two) = (invoices[0], invoices[1]);
        await Crm.CreateManyAsync(server, "InvoiceLine", "InvoiceLines", [
            new { name = "1-a", invoice = one }, new { name = "1-b", invoice = one }, new { name = "2-a", invoice = two }, new { name = "2-b", invoice = two },
        ]);
        await Crm.CreateManyAsync(server, "Note", "Notes", [new { name = "about 1", invoice = one }, new { name = "about 2", invoice = two }]);
        var payment = await Crm.CreateOneAsync(server, "Payment", new { name = "P-2", invoice = two });

        // The reverse relations show the children.
        var before = await server.DataOkAsync($$"""{ invoice(id: "{{two}}") { invoiceLines { totalCount } payments { totalCount } notes { totalCount } } }""");
        Assert.Equal(2, (long)before["invoice"]!["invoiceLines"]!["totalCount"]!);
        Assert.Equal(1, (long)before["invoice"]!["payments"]!["totalCount"]!);

        // INV-1 has only cascading lines and a lookup: the lines go with it and the note's lookup is cleared.
        var deleted = await server.DataOkAsync($$"""mutation { deleteInvoice(id: "{{one}}") }""");
        Assert.Equal(one, (string?)deleted["deleteInvoice"]);
        var afterOne = await server.DataOkAsync("""
            { invoiceLines(orderBy: [{name: ASC}]) { nodes { name } } notes(orderBy: [{name: ASC}]) { nodes { name invoice { id } } } invoices { totalCount } }
            """);
        Assert.Equal(["2-a", "2-b"], Crm.Names(afterOne["invoiceLines"]));
        Assert.Null(afterOne["notes"]!["nodes"]![0]!["invoice"]);
        Assert.Equal(two, (string?)afterOne["notes"]!["nodes"]![1]!["invoice"]!["id"]);
        Assert.Equal(1, (long)afterOne["invoices"]!["totalCount"]!);

        // INV-2 has a payment that does not cascade: CONFLICT, and nothing changes (its lines are still there).
        var blocked = await server.DataAsync($$"""mutation { deleteInvoice(id: "{{two}}") }""");
        ResponseAssert.GraphQLError(blocked, "CONFLICT");
        var afterBlocked = await server.DataOkAsync($$"""
            { invoice(id: "{{two}}") { name invoiceLines { totalCount } payments { totalCount } notes { totalCount } } }
            """);
        Assert.Equal("INV-2", (string?)afterBlocked["invoice"]!["name"]);
        Assert.Equal(2, (long)afterBlocked["invoice"]!["invoiceLines"]!["totalCount"]!);
        Assert.Equal(1, (long)afterBlocked["invoice"]!["payments"]!["totalCount"]!);
        Assert.Equal(1, (long)afterBlocked["invoice"]!["notes"]!["totalCount"]!);

        // Once the payment is gone, the delete goes through and cascades.
        await server.DataOkAsync($$"""mutation { deletePayment(id: "{{payment}}") }""");
        await server.DataOkAsync($$"""mutation { deleteInvoice(id: "{{two}}") }""");
        var end = await server.DataOkAsync("{ invoices { totalCount } invoiceLines { totalCount } payments { totalCount } notes { totalCount nodes { invoice { id } } } }");
        Assert.Equal(0, (long)end["invoices"]!["totalCount"]!);
        Assert.Equal(0, (long)end["invoiceLines"]!["totalCount"]!);
        Assert.Equal(2, (long)end["notes"]!["totalCount"]!);
        Assert.All(end["notes"]!["nodes"]!.AsArray(), n => Assert.Null(n!["invoice"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Cascades_go_through_several_levels(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await server.MetadataOkAsync("""
            mutation {
              a: createObject(input: {apiName: "Project", label: "Project"}) { apiName }
              b: createObject(input: {apiName: "Task", label: "Task"}) { apiName }
              c: createObject(input: {apiName: "TimeEntry", label: "Time entry"}) { apiName }
              bf: createField(input: {object: "Task", apiName: "project", label: "Project", type: MASTER_DETAIL, target: "Project", cascadeDelete: true}) { apiName }
              cf: createField(input: {object: "TimeEntry", apiName: "task", label: "Task", type: MASTER_DETAIL, target: "Task", cascadeDelete: true}) { apiName }
            }
            """);
        var projects = await Crm.CreateManyAsync(server, "Project", "Projects", [new { name = "P1" }, new { name = "P2" }]);
        var tasks = await Crm.CreateManyAsync(server, "Task", "Tasks", [new { name = "T1", project = projects[0] }, new { name = "T2", project = projects[1] }]);
        await Crm.CreateManyAsync(server, "TimeEntry", "TimeEntries", [
            new { name = "E1", task = tasks[0] }, new { name = "E2", task = tasks[0] }, new { name = "E3", task = tasks[1] },
        ]);

        var nested = await server.DataOkAsync($$"""{ project(id: "{{projects[0]}}") { tasks { nodes { name timeEntries { totalCount } } } } }""");
        Assert.Equal(2, (long)nested["project"]!["tasks"]!["nodes"]![0]!["timeEntries"]!["totalCount"]!);

        await server.DataOkAsync($$"""mutation { deleteProject(id: "{{projects[0]}}") }""");
        var end = await server.DataOkAsync("{ tasks { nodes { name } } timeEntries { nodes { name } } }");
        Assert.Equal(["T2"], Crm.Names(end["tasks"]));
        Assert.Equal(["E3"], Crm.Names(end["timeEntries"]));
    }
}
