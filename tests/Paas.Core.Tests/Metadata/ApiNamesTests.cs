using Paas.Core.Metadata;

namespace Paas.Core.Tests.Metadata;

public sealed class ApiNamesTests
{
    [Theory]
    [InlineData("Opportunity")]
    [InlineData("A")]
    [InlineData("Invoice2")]
    [InlineData("CustomerOrderLine")]
    [InlineData("acme__Invoice")]
    [InlineData("ab__Invoice")]
    [InlineData("acme2__Invoice")]
    [InlineData("Abcdefghijklmnopqrstuvwxyzabcdefghijklmn")] // 40 characters
    public void Valid_object_names_are_accepted(string name)
    {
        Assert.Null(ApiNames.ValidateObjectName(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("opportunity")]
    [InlineData("1Invoice")]
    [InlineData("Opp_Name")]
    [InlineData("Opp Name")]
    [InlineData("Opp-Name")]
    [InlineData("Opp.Name")]
    [InlineData("Invoice;")]
    [InlineData("Ünicode")]
    [InlineData("Invoicé")]
    [InlineData("Abcdefghijklmnopqrstuvwxyzabcdefghijklmno")] // 41 characters
    [InlineData("x\"; drop table")]
    [InlineData("X\"; DROP TABLE users; --")]
    [InlineData("Robert'); DROP TABLE Students;--")]
    [InlineData("a--b")]
    [InlineData("A--B")]
    [InlineData("Invoice--")]
    [InlineData("Invoice/*x*/")]
    [InlineData("Invoice\0")]
    [InlineData(" Invoice")]
    [InlineData("__Invoice")]
    [InlineData("__Type")]
    [InlineData("Acme__Invoice")]
    [InlineData("a__Invoice")]
    [InlineData("acme__invoice")]
    [InlineData("acme___Invoice")]
    [InlineData("acme__")]
    [InlineData("acme_Invoice")]
    [InlineData("acme-x__Invoice")]
    [InlineData("abcdefghijklmnop__Invoice")] // namespace longer than 15 characters
    public void Malformed_object_names_are_refused_with_a_message(string? name)
    {
        var problem = ApiNames.ValidateObjectName(name);
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Theory]
    [InlineData("Query")]
    [InlineData("Mutation")]
    [InlineData("Subscription")]
    [InlineData("String")]
    [InlineData("Int")]
    [InlineData("Float")]
    [InlineData("Boolean")]
    [InlineData("ID")]
    [InlineData("Long")]
    [InlineData("Decimal")]
    [InlineData("Date")]
    [InlineData("DateTime")]
    [InlineData("JSON")]
    [InlineData("Json")]
    [InlineData("PageInfo")]
    [InlineData("SortDirection")]
    [InlineData("QUERY")]
    [InlineData("acme__Query")]
    [InlineData("acme__PageInfo")]
    public void Names_reserved_by_GraphQL_or_the_platform_are_refused(string name)
    {
        var problem = ApiNames.ValidateObjectName(name);
        Assert.NotNull(problem);
        Assert.Contains("reserved", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("InvoiceFilter")]
    [InlineData("InvoiceOrderBy")]
    [InlineData("InvoiceConnection")]
    [InlineData("InvoiceEdge")]
    [InlineData("InvoiceCreateInput")]
    [InlineData("InvoiceUpdateInput")]
    [InlineData("InvoiceAggregateGroup")]
    [InlineData("InvoiceMatchField")]
    [InlineData("LongFilter")]
    [InlineData("StringFilter")]
    [InlineData("acme__InvoiceFilter")]
    public void Names_that_could_collide_with_generated_type_names_are_refused(string name)
    {
        Assert.NotNull(ApiNames.ValidateObjectName(name));
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("a")]
    [InlineData("closeDate")]
    [InlineData("x1")]
    [InlineData("externalId")]
    [InlineData("acme__score")]
    [InlineData("acme__closeDate")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmn")] // 40 characters
    public void Valid_field_names_are_accepted(string name)
    {
        Assert.Null(ApiNames.ValidateFieldName(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Amount")]
    [InlineData("1st")]
    [InlineData("close_date")]
    [InlineData("close-date")]
    [InlineData("close date")]
    [InlineData("closeDate;")]
    [InlineData("amount--")]
    [InlineData("a--b")]
    [InlineData("x\"; drop table")]
    [InlineData("x'; drop table records; --")]
    [InlineData("amount/**/")]
    [InlineData("amount\0")]
    [InlineData("amöunt")]
    [InlineData("__typename")]
    [InlineData("_id")]
    [InlineData("Acme__score")]
    [InlineData("a__score")]
    [InlineData("acme__Score")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmno")] // 41 characters
    public void Malformed_field_names_are_refused(string? name)
    {
        Assert.False(string.IsNullOrWhiteSpace(ApiNames.ValidateFieldName(name)));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("name")]
    [InlineData("createdAt")]
    [InlineData("createdBy")]
    [InlineData("updatedAt")]
    [InlineData("updatedBy")]
    [InlineData("ownerId")]
    [InlineData("version")]
    [InlineData("iD")]
    [InlineData("createdat")]
    [InlineData("and")]
    [InlineData("or")]
    [InlineData("not")]
    [InlineData("cursor")]
    [InlineData("node")]
    [InlineData("nodes")]
    [InlineData("edges")]
    [InlineData("totalCount")]
    [InlineData("pageInfo")]
    [InlineData("typename")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    public void System_and_reserved_field_names_are_refused(string name)
    {
        var problem = ApiNames.ValidateFieldName(name);
        Assert.NotNull(problem);
        Assert.Contains("reserved", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("opportunities", true)]
    [InlineData("people", true)]
    [InlineData("acme__invoices", true)]
    [InlineData("Opportunities", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("opportunity list", false)]
    [InlineData("x\"; drop table", false)]
    [InlineData("a--b", false)]
    public void Plural_names_follow_the_field_name_pattern(string? name, bool valid)
    {
        Assert.Equal(valid, ApiNames.ValidatePluralName(name) is null);
    }

    [Theory]
    [InlineData("acme", true)]
    [InlineData("acme-corp", true)]
    [InlineData("a1", true)]
    [InlineData("demo", true)]
    [InlineData("a", false)]
    [InlineData("Acme", false)]
    [InlineData("acme--corp", false)]
    [InlineData("-acme", false)]
    [InlineData("acme-", false)]
    [InlineData("acme_corp", false)]
    [InlineData("1acme", false)]
    [InlineData("acme corp", false)]
    [InlineData("acme\"; drop", false)]
    [InlineData(null, false)]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmn", true)] // 40
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmno", false)] // 41
    public void Tenant_slugs_are_lowercase_words_joined_by_single_hyphens(string? slug, bool valid)
    {
        Assert.Equal(valid, ApiNames.IsValidSlug(slug));
    }

    [Theory]
    [InlineData("Opportunity", "opportunity")]
    [InlineData("A", "a")]
    [InlineData("OrderLine", "orderLine")]
    [InlineData("acme__Invoice", "acme__invoice")]
    public void CamelCase_lowers_the_first_letter_after_the_namespace(string objectName, string expected)
    {
        Assert.Equal(expected, ApiNames.ToCamelCase(objectName));
    }

    [Theory]
    [InlineData("opportunity", "opportunities")]
    [InlineData("company", "companies")]
    [InlineData("category", "categories")]
    [InlineData("address", "addresses")]
    [InlineData("status", "statuses")]
    [InlineData("box", "boxes")]
    [InlineData("tax", "taxes")]
    [InlineData("buzz", "buzzes")]
    [InlineData("church", "churches")]
    [InlineData("dish", "dishes")]
    [InlineData("day", "days")]
    [InlineData("key", "keys")]
    [InlineData("toy", "toys")]
    [InlineData("survey", "surveys")]
    [InlineData("account", "accounts")]
    [InlineData("invoice", "invoices")]
    [InlineData("orderLine", "orderLines")]
    [InlineData("acme__invoice", "acme__invoices")]
    [InlineData("acme__category", "acme__categories")]
    public void Pluralize_follows_English_rules(string singular, string plural)
    {
        Assert.Equal(plural, ApiNames.Pluralize(singular));
    }

    [Fact]
    public void Pluralize_person_gives_an_acceptable_plural()
    {
        Assert.Contains(ApiNames.Pluralize("person"), new[] { "persons", "people" });
    }

    [Theory]
    [InlineData("Opportunity")]
    [InlineData("Address")]
    [InlineData("Box")]
    [InlineData("Day")]
    [InlineData("Person")]
    [InlineData("acme__Invoice")]
    public void The_default_plural_of_a_valid_object_name_is_a_valid_plural_name_different_from_the_singular(string objectName)
    {
        var singular = ApiNames.ToCamelCase(objectName);
        var plural = ApiNames.Pluralize(singular);
        Assert.Null(ApiNames.ValidatePluralName(plural));
        Assert.NotEqual(singular, plural, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_trailing_newline_is_not_part_of_a_valid_name()
    {
        // .NET's '$' also matches before a final "\n"; names end up in SQL identifiers, file names and the GraphQL schema.
        var accepted = new List<string>();
        if (ApiNames.ValidateObjectName("Invoice\n") is null)
        {
            accepted.Add("object name 'Invoice\\n'");
        }

        if (ApiNames.ValidateFieldName("amount\n") is null)
        {
            accepted.Add("field name 'amount\\n'");
        }

        if (ApiNames.ValidatePluralName("invoices\n") is null)
        {
            accepted.Add("plural name 'invoices\\n'");
        }

        if (ApiNames.IsValidSlug("acme\n"))
        {
            accepted.Add("slug 'acme\\n'");
        }

        Assert.True(accepted.Count == 0, "Accepted with a trailing newline: " + string.Join(", ", accepted));
    }
}
