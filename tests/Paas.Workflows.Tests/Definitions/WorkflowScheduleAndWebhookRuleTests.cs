using System.Net;
using System.Text.Json.Nodes;
using Paas.Core.Workflows;
using Paas.Scripting;
using Paas.Workflows.Definitions;
using Paas.Workflows.Webhooks;
using static Paas.Workflows.Tests.Definitions.WorkflowTestData;

namespace Paas.Workflows.Tests.Definitions;

/// <summary>SCHEDULE triggers (cron, time zone, filter) and NOTIFY webhooks, as the validator checks them.</summary>
public sealed class WorkflowScheduleAndWebhookRuleTests
{
    private static JsonObject Scheduled(string trigger)
    {
        var json = Sample();
        json.Remove("onRecall");
        json["steps"]!.AsArray().RemoveAt(9);
        json["steps"]!.AsArray().RemoveAt(8);
        json["trigger"] = JsonNode.Parse(trigger);
        return json;
    }

    private static JsonObject WithNotify(string notify)
    {
        var json = Sample();
        Step(json, "approve")["next"] = "tell";
        json["steps"]!.AsArray().Add(JsonNode.Parse($$"""{ "name": "tell", "type": "NOTIFY", "notify": {{notify}}, "next": "followUp" }"""));
        return json;
    }

    [Fact]
    public void A_schedule_with_cron_time_zone_and_filter_is_valid_and_round_trips()
    {
        var json = Scheduled("""
            { "type": "SCHEDULE", "cron": "0 7 * * MON-FRI", "timeZone": "Europe/Paris",
              "filter": { "stage": { "eq": "Open" }, "or": [ { "amount": { "gt": 1000 } }, { "account": { "industry": { "eq": "Retail" } } } ] },
              "condition": "record.discount > 0" }
            """);

        var definition = Validator.Validate(json.ToJsonString(), Metadata);

        Assert.Equal(WorkflowTriggerType.Schedule, definition.Trigger.Type);
        Assert.Equal("0 7 * * MON-FRI", definition.Trigger.Cron);
        Assert.Equal("Europe/Paris", definition.Trigger.TimeZone);
        var again = Validator.Validate(WorkflowDefinitionJson.Serialize(definition), Metadata);
        Assert.Equal(definition.Trigger.Filter!.Value.GetRawText(), again.Trigger.Filter!.Value.GetRawText());
    }

    [Fact]
    public void A_schedule_needs_a_valid_cron_at_most_once_a_minute_in_a_known_time_zone()
    {
        HasError(Errors(Scheduled("""{ "type": "SCHEDULE" }""")), "definition.trigger.cron", "A SCHEDULE trigger needs 'cron'");
        HasError(Errors(Scheduled("""{ "type": "SCHEDULE", "cron": "every morning" }""")), "definition.trigger.cron", "is not valid");
        HasError(Errors(Scheduled("""{ "type": "SCHEDULE", "cron": "*/10 * * * * *" }""")), "definition.trigger.cron", "at most once a minute");
        HasError(Errors(Scheduled("""{ "type": "SCHEDULE", "cron": "0 0 30 2 *" }""")), "definition.trigger.cron", "never fires");
        var zone = Errors(Scheduled("""{ "type": "SCHEDULE", "cron": "0 7 * * *", "timeZone": "Mars/Olympus" }"""));
        HasError(zone, "definition.trigger.timeZone", "There is no time zone 'Mars/Olympus'");
        HasCount(zone, 1);
    }

    [Fact]
    public void A_schedule_filter_names_fields_and_operators_of_the_object()
    {
        var errors = Errors(Scheduled("""{ "type": "SCHEDULE", "cron": "0 7 * * *", "filter": { "colour": { "eq": "red" } } }"""));
        HasError(errors, "definition.trigger.filter.colour", "'Opportunity' has no field 'colour'");

        var schema = Errors(Scheduled("""{ "type": "SCHEDULE", "cron": "0 7 * * *", "filter": { "Bad-Key": 1 } }"""));
        HasError(schema, "definition.trigger.filter.Bad-Key", "field API names");
    }

    [Fact]
    public void Only_schedules_take_cron_time_zone_and_filter()
    {
        var json = Sample();
        json["trigger"] = JsonNode.Parse("""{ "type": "RECORD_CREATED", "cron": "0 7 * * *", "timeZone": "UTC", "filter": { "stage": { "eq": "Open" } } }""");

        var errors = Errors(json);

        HasError(errors, "definition.trigger.cron", "Only SCHEDULE triggers take 'cron'");
        HasError(errors, "definition.trigger.timeZone", "Only SCHEDULE triggers take 'timeZone'");
        HasError(errors, "definition.trigger.filter", "Only SCHEDULE triggers take 'filter'");
        HasCount(errors, 3);
    }

    [Fact]
    public void A_notify_step_may_call_a_webhook_with_fields_of_the_record()
    {
        var definition = Validator.Validate(WithNotify("""{ "webhook": { "url": "https://hooks.example.com/paas", "fields": ["amount", "stage"] } }""").ToJsonString(), Metadata);

        var webhook = definition.Step("tell")!.Notify!.Webhook!;
        Assert.Equal("https://hooks.example.com/paas", webhook.Url);
        Assert.Equal(["amount", "stage"], webhook.Fields);
    }

    [Fact]
    public void Webhook_urls_are_https_to_public_hosts_unless_the_operator_allows_the_host()
    {
        HasError(Errors(WithNotify("""{ "webhook": { "url": "http://hooks.example.com/paas" } }""")), "definition.steps[10].notify.webhook.url", "plain http is allowed only");
        HasError(Errors(WithNotify("""{ "webhook": { "url": "https://127.0.0.1/paas" } }""")), "definition.steps[10].notify.webhook.url", "loopback or link-local address 127.0.0.1");
        HasError(Errors(WithNotify("""{ "webhook": { "url": "https://169.254.169.254/latest" } }""")), "definition.steps[10].notify.webhook.url", "169.254.169.254");
        HasError(Errors(WithNotify("""{ "webhook": { "url": "https://user:pw@hooks.example.com/" } }""")), "definition.steps[10].notify.webhook.url", "user name or password");
        HasError(Errors(WithNotify("""{ "webhook": { "url": "ftp://hooks.example.com/" } }""")), "definition.steps[10].notify.webhook.url", "absolute https URL");
        HasError(Errors(WithNotify("""{ "webhook": { "url": "https://hooks.example.com/", "fields": ["colour"] } }""")), "definition.steps[10].notify.webhook.fields[0]", "no field 'colour'");

        var allowing = new WorkflowValidator(new JintScriptRunner(), new WebhookOptions(["127.0.0.1"]));
        allowing.Validate(WithNotify("""{ "webhook": { "url": "http://127.0.0.1:8080/hook" } }""").ToJsonString(), Metadata);
    }

    [Fact]
    public void A_notify_step_needs_recipients_with_a_message_or_a_webhook()
    {
        HasError(Errors(WithNotify("""{ "message": "Hello" }""")), "definition.steps[10].notify.to", "name its recipients");
        HasError(Errors(WithNotify($$"""{ "to": [ { "type": "USER", "user": "{{Alice}}" } ] }""")), "definition.steps[10].notify.message", "needs the 'message'");
        HasError(Errors(WithNotify("""{ }""")), "definition.steps[10].notify", "At least 1");
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Private_loopback_and_link_local_addresses_are_not_public(string address) =>
        Assert.False(WebhookOptions.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("2606:4700:4700::1111")]
    public void Internet_addresses_are_public(string address) => Assert.True(WebhookOptions.IsPublic(IPAddress.Parse(address)));
}
