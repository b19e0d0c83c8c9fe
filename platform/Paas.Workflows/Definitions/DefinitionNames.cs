using System.Text.RegularExpressions;

namespace Paas.Workflows.Definitions;

/// <summary>
/// The naming rules of the schema, matched to the very end of the text: .NET's <c>$</c> (as NJsonSchema uses it) also
/// matches before a final line break, so the schema alone would let <c>"name\n"</c> through.
/// </summary>
internal static partial class DefinitionNames
{
    public const string ApiNameRule = "An API name must start with a small letter, followed by up to 59 letters or digits.";
    public const string StepNameRule = "A step name must start with a small letter, followed by up to 59 letters, digits or underscores.";

    [GeneratedRegex(@"\A[a-z][A-Za-z0-9]{0,59}\z")]
    private static partial Regex ApiNamePattern();

    [GeneratedRegex(@"\A[a-z][A-Za-z0-9_]{0,59}\z")]
    private static partial Regex StepNamePattern();

    public static bool IsApiName(string name) => ApiNamePattern().IsMatch(name);

    /// <summary>Step names and END results follow the same rule.</summary>
    public static bool IsStepName(string name) => StepNamePattern().IsMatch(name);
}
