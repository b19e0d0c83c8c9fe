using System.Text.Json;
using Paas.Core.Workflows;

namespace Paas.Workflows.Definitions;

/// <summary>Step types as they are written in the JSON form, for messages.</summary>
internal static class StepTypes
{
    public static string Name(WorkflowStepType type) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(type.ToString());

    /// <summary>"A CONDITION step", "An APPROVAL step".</summary>
    public static string AStep(WorkflowStepType type) => Name(type) is var name && "AEIOU".Contains(name[0]) ? $"An {name} step" : $"A {name} step";
}
