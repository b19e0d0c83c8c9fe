using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using Paas.Core.Errors;

namespace Paas.Workflows.Definitions;

/// <summary>
/// Turns NJsonSchema's validation errors into field errors: nested errors are flattened, a <c>oneOf</c> over step or
/// approver types is reduced to the alternative the <c>type</c> names, and what follows from a value of the wrong
/// type (e.g. the required properties of something that is not an object) is left out.
/// </summary>
internal static class SchemaErrorTranslator
{
    private const string Discriminator = "type";

    private static readonly ValidationErrorKind[] WrongType =
    [
        ValidationErrorKind.ObjectExpected, ValidationErrorKind.ArrayExpected, ValidationErrorKind.StringExpected,
        ValidationErrorKind.NumberExpected, ValidationErrorKind.IntegerExpected, ValidationErrorKind.BooleanExpected,
        ValidationErrorKind.NullExpected, ValidationErrorKind.NoTypeValidates,
    ];

    public static IReadOnlyList<FieldError> Translate(IEnumerable<ValidationError> errors)
    {
        var problems = new List<Problem>();
        foreach (var error in errors)
        {
            Collect(error, alternative: null, problems);
        }

        var wrongType = problems.Where(p => WrongType.Contains(p.Kind)).Select(p => p.Path).ToList();
        return problems
            .Where(p => WrongType.Contains(p.Kind) || !wrongType.Any(w => DefinitionPaths.IsWithin(p.Path, w)))
            .Select(p => new FieldError(p.Path, p.Message))
            .Distinct()
            .ToList();
    }

    private static void Collect(ValidationError error, JsonSchema? alternative, List<Problem> problems)
    {
        if (error is not ChildSchemaValidationError parent)
        {
            problems.Add(new Problem(DefinitionPaths.FromDocumentPath(error.Path), error.Kind, ErrorMessages.Describe(error, alternative)));
        }
        else if (error.Kind is ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf)
        {
            CollectAlternatives(parent, problems);
        }
        else
        {
            foreach (var child in parent.Errors.Values.SelectMany(e => e))
            {
                Collect(child, alternative, problems);
            }
        }
    }

    /// <summary>
    /// A value matched none of the alternatives of a <c>oneOf</c>: when its <c>type</c> picks one, that alternative's
    /// errors are the problems; otherwise the <c>type</c> itself is.
    /// </summary>
    private static void CollectAlternatives(ChildSchemaValidationError error, List<Problem> problems)
    {
        var path = DefinitionPaths.FromDocumentPath(error.Path);
        var alternatives = error.Errors.Select(a => (Schema: a.Key.ActualSchema, Errors: a.Value)).ToList();
        if (alternatives.Any(a => a.Errors.Count == 0))
        {
            problems.Add(new Problem(path, error.Kind, "Matches more than one of the allowed forms."));
            return;
        }

        var typePath = DefinitionPaths.Child(path, Discriminator);
        var chosen = alternatives.Where(a => !a.Errors.Any(e => IsDiscriminatorError(e, typePath))).ToList();
        var types = alternatives
            .SelectMany(a => a.Schema.Properties.TryGetValue(Discriminator, out var type) ? type.ActualSchema.Enumeration : [])
            .Select(v => v?.ToString())
            .ToList();
        if (chosen.Count == 0 && types.Count > 0)
        {
            var given = (error.Token as JObject)?[Discriminator];
            var message = given is null
                ? $"This property is required: one of {string.Join(", ", types)}."
                : $"{ErrorMessages.Quote(given)} is not allowed: expected one of {string.Join(", ", types)}.";
            message += ErrorMessages.Position((IJsonLineInfo?)given ?? error.Token);
            problems.Add(new Problem(typePath, ValidationErrorKind.NotInEnumeration, message));
            return;
        }

        var best = (chosen.Count > 0 ? chosen : alternatives).MinBy(a => a.Errors.Count);
        foreach (var child in best.Errors)
        {
            Collect(child, best.Schema, problems);
        }
    }

    private static bool IsDiscriminatorError(ValidationError error, string typePath) =>
        DefinitionPaths.FromDocumentPath(error.Path) == typePath
        && error.Kind is ValidationErrorKind.NotInEnumeration or ValidationErrorKind.PropertyRequired or ValidationErrorKind.StringExpected;

    private sealed record Problem(string Path, ValidationErrorKind Kind, string Message);
}
