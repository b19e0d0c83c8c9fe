global using GraphField = GraphQL.Types.FieldType;
