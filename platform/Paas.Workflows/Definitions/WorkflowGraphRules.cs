using Paas.Core.Errors;
using Paas.Core.Workflows;

namespace Paas.Workflows.Definitions;

/// <summary>
/// The shape of the step graph: unique names, known targets, the outcomes each type needs, every step reachable from
/// the start (or from <c>onRecall</c>) and an END step reachable from every step. Loops that can still end are allowed.
/// </summary>
internal static class WorkflowGraphRules
{
    private static readonly Dictionary<WorkflowStepType, string[]> RequiredOutcomes = new()
    {
        [WorkflowStepType.Condition] = ["true", "false"],
        [WorkflowStepType.Approval] = ["approved", "rejected"],
    };

    public static void Check(WorkflowDefinition definition, FieldErrorList errors)
    {
        var steps = definition.Steps;
        var byName = IndexNames(steps, errors);
        var entries = new List<string>();
        CheckEntry(definition.Start, "start", byName, entries, errors);
        if (definition.OnRecall is not null)
        {
            CheckEntry(definition.OnRecall, "onRecall", byName, entries, errors);
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is { } step)
            {
                CheckTargets(step, DefinitionPaths.Step(i), byName, errors);
            }
        }

        var unreachable = CheckReachable(definition, byName, entries, errors);
        CheckCanEnd(steps, byName, unreachable, errors);
    }

    /// <summary>The index of each step by name (the first one when a name repeats, which is reported).</summary>
    private static Dictionary<string, int> IndexNames(IReadOnlyList<WorkflowStep?> steps, FieldErrorList errors)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i]?.Name is not { } name)
            {
                continue;
            }

            if (!DefinitionNames.IsStepName(name))
            {
                errors.Add(DefinitionPaths.Child(DefinitionPaths.Step(i), "name"), DefinitionNames.StepNameRule);
            }

            if (!byName.TryAdd(name, i))
            {
                errors.Add(DefinitionPaths.Child(DefinitionPaths.Step(i), "name"), $"Another step (steps[{byName[name]}]) is already named '{name}'; step names must be unique.");
            }
        }

        return byName;
    }

    private static void CheckEntry(string? name, string property, Dictionary<string, int> byName, List<string> entries, FieldErrorList errors)
    {
        if (name is not null && byName.ContainsKey(name))
        {
            entries.Add(name);
        }
        else if (name is not null)
        {
            errors.Add(DefinitionPaths.Child(DefinitionPaths.Root, property), $"There is no step named '{Shorten(name)}'.");
        }
    }

    private static void CheckTargets(WorkflowStep step, string path, Dictionary<string, int> byName, FieldErrorList errors)
    {
        foreach (var (property, target) in Edges(step))
        {
            if (target is not null && !byName.ContainsKey(target))
            {
                errors.Add(DefinitionPaths.Child(path, property), $"There is no step named '{Shorten(target)}'.");
            }
        }

        if (RequiredOutcomes.TryGetValue(step.Type, out var outcomes))
        {
            foreach (var outcome in outcomes.Where(o => !step.Outcomes.ContainsKey(o)))
            {
                errors.Add(DefinitionPaths.Child(path, "outcomes." + outcome),
                    $"{StepTypes.AStep(step.Type)} needs the outcome '{outcome}': the step to continue with then.");
            }
        }
        else if (step.Type is WorkflowStepType.UpdateFields or WorkflowStepType.CreateRecord or WorkflowStepType.Wait or WorkflowStepType.Notify or WorkflowStepType.RunAction
                     or WorkflowStepType.Join && step.Next is null)
        {
            errors.Add(DefinitionPaths.Child(path, "next"), $"{StepTypes.AStep(step.Type)} needs 'next': the step to continue with.");
        }
    }

    /// <summary>Reports the steps that no path from an entry reaches; returns their indexes.</summary>
    private static HashSet<int> CheckReachable(WorkflowDefinition definition, Dictionary<string, int> byName, List<string> entries, FieldErrorList errors)
    {
        var unreachable = new HashSet<int>();
        if (!byName.ContainsKey(definition.Start ?? ""))
        {
            return unreachable;
        }

        var reached = new HashSet<string>(entries, StringComparer.Ordinal);
        var queue = new Queue<string>(entries);
        while (queue.TryDequeue(out var name))
        {
            foreach (var target in Successors(definition.Steps[byName[name]], byName).Where(reached.Add))
            {
                queue.Enqueue(target);
            }
        }

        var from = definition.OnRecall is not null && byName.ContainsKey(definition.OnRecall)
            ? $"the start step '{definition.Start}' or from onRecall"
            : $"the start step '{definition.Start}'";
        foreach (var (name, index) in byName.Where(s => !reached.Contains(s.Key)).OrderBy(s => s.Value))
        {
            unreachable.Add(index);
            errors.Add(DefinitionPaths.Step(index), $"Step '{name}' can never be reached from {from}.");
        }

        return unreachable;
    }

    /// <summary>
    /// Reports the (reachable) steps from which no END step can be reached: an instance there would never finish. A step
    /// with a missing or unknown target counts as one that may end, as that problem is reported at the target already.
    /// </summary>
    private static void CheckCanEnd(IReadOnlyList<WorkflowStep?> steps, Dictionary<string, int> byName, HashSet<int> unreachable, FieldErrorList errors)
    {
        if (!byName.Values.Any(i => steps[i]!.Type == WorkflowStepType.End))
        {
            errors.Add(DefinitionPaths.Child(DefinitionPaths.Root, "steps"), "The workflow has no END step: it could never finish.");
            return;
        }

        var canEnd = new HashSet<string>(byName.Keys.Where(n => steps[byName[n]]!.Type == WorkflowStepType.End || IsOpen(steps[byName[n]]!, byName)),
            StringComparer.Ordinal);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var name in byName.Keys.Where(n => !canEnd.Contains(n) && Successors(steps[byName[n]], byName).Any(canEnd.Contains)).ToList())
            {
                changed |= canEnd.Add(name);
            }
        }

        foreach (var (name, index) in byName.Where(s => !canEnd.Contains(s.Key) && !unreachable.Contains(s.Value)).OrderBy(s => s.Value))
        {
            errors.Add(DefinitionPaths.Step(index), $"No END step can be reached from step '{name}': an instance that gets here could never finish.");
        }
    }

    /// <summary>Whether a step lacks a target its type needs, or names one that does not exist.</summary>
    private static bool IsOpen(WorkflowStep step, Dictionary<string, int> byName) =>
        Edges(step).Any(e => e.Target is null || !byName.ContainsKey(e.Target))
        || (RequiredOutcomes.TryGetValue(step.Type, out var outcomes)
            ? outcomes.Any(o => !step.Outcomes.ContainsKey(o))
            : step.Type == WorkflowStepType.Parallel ? step.Branches.Count < 2 || step.Join is null : step.Type != WorkflowStepType.End && step.Next is null);

    /// <summary>The known steps a step continues with (none for END).</summary>
    private static IEnumerable<string> Successors(WorkflowStep? step, Dictionary<string, int> byName) =>
        step is null || step.Type == WorkflowStepType.End
            ? []
            : Edges(step).Select(e => e.Target).OfType<string>().Where(byName.ContainsKey);

    private static IEnumerable<(string Property, string? Target)> Edges(WorkflowStep step)
    {
        if (step.Next is not null)
        {
            yield return ("next", step.Next);
        }

        foreach (var (outcome, target) in step.Outcomes)
        {
            yield return ("outcomes." + outcome, target);
        }

        for (var i = 0; i < step.Branches.Count; i++)
        {
            yield return ($"branches[{i}]", step.Branches[i]);
        }

        if (step.Join is not null)
        {
            yield return ("join", step.Join);
        }
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
