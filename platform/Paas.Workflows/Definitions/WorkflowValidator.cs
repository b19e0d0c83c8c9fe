using System.Text.Json;
using Newtonsoft.Json.Linq;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Workflows;
using Paas.Workflows.Webhooks;

namespace Paas.Workflows.Definitions;

/// <summary>
/// Validates a submitted workflow definition: its size and depth, the published JSON Schema
/// (<see cref="SchemaJson"/>), then its meaning against the tenant's metadata. Reports every problem at once as a
/// <see cref="PaasException"/> with field errors (<c>definition.steps[2].outcomes.rejected</c>); changes nothing.
/// </summary>
public sealed class WorkflowValidator
{
    private readonly IScriptRunner _runner;
    private readonly WebhookOptions _webhooks;

    /// <param name="runner">Checks the syntax of expressions (it runs nothing).</param>
    /// <param name="webhooks">The operator's webhook rules (default: https to public addresses only).</param>
    public WorkflowValidator(IScriptRunner runner, WebhookOptions? webhooks = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
        _webhooks = webhooks ?? new WebhookOptions();
    }

    /// <summary>The text of <c>workflow.schema.json</c> (JSON Schema draft-07), for publishing to clients and editors.</summary>
    public static string SchemaJson => WorkflowSchema.Text;

    /// <summary>Returns the parsed definition, or throws <c>VALIDATION_FAILED</c> listing every problem found.</summary>
    public WorkflowDefinition Validate(string json, TenantMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(metadata);

        var guard = JsonDocumentGuard.Check(json);
        if (guard.Count > 0)
        {
            throw PaasException.Validation(guard);
        }

        var schemaErrors = SchemaErrorTranslator.Translate(WorkflowSchema.Schema.Validate(ParseForSchema(json)));
        WorkflowDefinition definition;
        try
        {
            definition = WorkflowJson.Deserialize(json);
        }
        catch (JsonException ex)
        {
            throw PaasException.Validation(schemaErrors.Count > 0
                ? schemaErrors
                : [new FieldError(DefinitionPaths.FromDocumentPath(ex.Path), "This value does not fit the workflow format.")]);
        }

        var semanticErrors = new FieldErrorList();
        new WorkflowSemantics(metadata, _runner, _webhooks).Check(definition, semanticErrors);

        // A problem the schema already reported (at the same place or above it) is not reported again by the semantic checks.
        var all = schemaErrors
            .Concat(semanticErrors.Errors.Where(e => !schemaErrors.Any(s => DefinitionPaths.IsWithin(e.Field, s.Field))))
            .Distinct()
            .ToList();
        if (all.Count > 0)
        {
            throw PaasException.Validation(all);
        }

        return definition;
    }

    /// <summary>The document as NJsonSchema reads it, with line numbers; strings stay strings (no date parsing).</summary>
    private static JToken ParseForSchema(string json)
    {
        using var text = new StringReader(json);
        using var reader = new Newtonsoft.Json.JsonTextReader(text)
        {
            DateParseHandling = Newtonsoft.Json.DateParseHandling.None,
            MaxDepth = JsonDocumentGuard.MaxDepth * 2,
        };
        return JToken.ReadFrom(reader, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load });
    }
}
