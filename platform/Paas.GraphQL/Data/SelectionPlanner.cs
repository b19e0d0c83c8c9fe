using GraphQL;
using GraphQLParser.AST;
using Paas.Core.Metadata;
using Paas.Data.Query;

namespace Paas.GraphQL.Data;

/// <summary>
/// Reads a GraphQL selection (with its fragments) into a <see cref="RecordSelection"/>, so that one SQL statement
/// can fetch exactly the fields asked for, relations included.
/// </summary>
public sealed class SelectionPlanner(IResolveFieldContext context, TenantMetadata metadata)
{
    private const int MaxRelationDepth = 8;

    public RecordSelection ForRecord(ObjectDefinition definition) =>
        Plan(definition, Fields(context.FieldAst.SelectionSet), 0);

    /// <summary>The record selection under <c>edges.node</c> and <c>nodes</c>, and whether rows and totalCount are asked for.</summary>
    public (RecordSelection Selection, bool Rows, bool TotalCount) ForConnection(ObjectDefinition definition)
    {
        var top = Fields(context.FieldAst.SelectionSet).ToList();
        var nodes = new List<GraphQLField>();
        foreach (var field in top)
        {
            switch (field.Name.StringValue)
            {
                case "nodes":
                    nodes.AddRange(Fields(field.SelectionSet));
                    break;
                case "edges":
                    nodes.AddRange(Fields(field.SelectionSet).Where(f => f.Name.StringValue == "node").SelectMany(f => Fields(f.SelectionSet)));
                    break;
            }
        }

        var rows = top.Any(f => f.Name.StringValue is "nodes" or "edges" or "pageInfo");
        return (Plan(definition, nodes, 0), rows, top.Any(f => f.Name.StringValue == "totalCount"));
    }

    private RecordSelection Plan(ObjectDefinition definition, IEnumerable<GraphQLField> selections, int depth)
    {
        var scalars = new List<FieldDefinition> { definition.IdField };
        var relations = new Dictionary<string, (FieldDefinition Field, List<GraphQLField> Children)>(StringComparer.Ordinal);
        foreach (var selected in selections)
        {
            var field = definition.FindField(selected.Name.StringValue);
            if (field is null)
            {
                continue;
            }

            if (field.Type.IsRelation())
            {
                if (!relations.TryGetValue(field.ApiName, out var entry))
                {
                    entry = (field, []);
                    relations[field.ApiName] = entry;
                }

                entry.Children.AddRange(Fields(selected.SelectionSet));
            }
            else if (!scalars.Contains(field))
            {
                scalars.Add(field);
            }
        }

        var planned = new List<RelationSelection>();
        foreach (var (field, children) in relations.Values)
        {
            var target = metadata.FindObject(field.Target!);
            if (target is null)
            {
                continue;
            }

            var nested = depth >= MaxRelationDepth ? RecordSelection.IdOnly(target) : Plan(target, children, depth + 1);
            planned.Add(new RelationSelection(field, nested));
        }

        return new RecordSelection(definition, scalars, planned);
    }

    /// <summary>The fields of a selection set, with inline fragments and fragment spreads expanded.</summary>
    public IEnumerable<GraphQLField> Fields(GraphQLSelectionSet? set, int depth = 0)
    {
        if (set is null || depth > 16)
        {
            yield break;
        }

        foreach (var selection in set.Selections)
        {
            switch (selection)
            {
                case GraphQLField field:
                    yield return field;
                    break;
                case GraphQLInlineFragment inline:
                    foreach (var inner in Fields(inline.SelectionSet, depth + 1))
                    {
                        yield return inner;
                    }

                    break;
                case GraphQLFragmentSpread spread:
                    var fragment = context.Document.Definitions.OfType<GraphQLFragmentDefinition>()
                        .FirstOrDefault(f => f.FragmentName.Name.StringValue == spread.FragmentName.Name.StringValue);
                    foreach (var inner in Fields(fragment?.SelectionSet, depth + 1))
                    {
                        yield return inner;
                    }

                    break;
            }
        }
    }
}
