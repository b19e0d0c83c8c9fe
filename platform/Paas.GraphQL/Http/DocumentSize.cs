using GraphQLParser.AST;

namespace Paas.GraphQL.Http;

/// <summary>Counts the field selections of a document (every alias counts), before any validation or execution runs.</summary>
public static class DocumentSize
{
    public static int CountFields(GraphQLDocument document)
    {
        var count = 0;
        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case GraphQLOperationDefinition operation:
                    count += Count(operation.SelectionSet);
                    break;
                case GraphQLFragmentDefinition fragment:
                    count += Count(fragment.SelectionSet);
                    break;
            }
        }

        return count;
    }

    private static int Count(GraphQLSelectionSet? set)
    {
        if (set is null)
        {
            return 0;
        }

        var count = 0;
        var pending = new Stack<GraphQLSelectionSet>();
        pending.Push(set);
        while (pending.Count > 0)
        {
            foreach (var selection in pending.Pop().Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        count++;
                        if (field.SelectionSet is not null)
                        {
                            pending.Push(field.SelectionSet);
                        }

                        break;
                    case GraphQLInlineFragment inline:
                        pending.Push(inline.SelectionSet);
                        break;
                    case GraphQLFragmentSpread:
                        count++;
                        break;
                }
            }
        }

        return count;
    }
}
