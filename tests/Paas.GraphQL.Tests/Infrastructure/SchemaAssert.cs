using GraphQL.Types;

namespace Paas.GraphQL.Tests.Infrastructure;

/// <summary>Reads a built schema the way a client's introspection would see it.</summary>
public static class SchemaAssert
{
    /// <summary>The SDL spelling of a type reference: <c>ID!</c>, <c>[Opportunity!]!</c>.</summary>
    public static string Render(IGraphType? type) => type switch
    {
        null => "?",
        NonNullGraphType nonNull => Render(nonNull.ResolvedType) + "!",
        ListGraphType list => "[" + Render(list.ResolvedType) + "]",
        _ => type.Name,
    };

    public static IGraphType Type(ISchema schema, string name)
    {
        var type = schema.AllTypes[name];
        Assert.True(type is not null, $"The schema has no type '{name}'. Types: {string.Join(", ", schema.AllTypes.Select(t => t.Name).Order(StringComparer.Ordinal))}");
        return type!;
    }

    public static void NoType(ISchema schema, string name) =>
        Assert.True(schema.AllTypes[name] is null, $"The schema should not have a type '{name}'.");

    public static global::GraphQL.Types.FieldType Field(IComplexGraphType type, string name)
    {
        var field = type.GetField(name);
        Assert.True(field is not null, $"'{type.Name}' has no field '{name}'. Fields: {string.Join(", ", type.Fields.Select(f => f.Name))}");
        return field!;
    }

    public static void NoField(IComplexGraphType type, string name) =>
        Assert.True(type.GetField(name) is null, $"'{type.Name}' should not have a field '{name}'.");

    /// <summary>Asserts a field's type and arguments, e.g. <c>("ID!", ["id: ID!"])</c>.</summary>
    public static void Signature(IComplexGraphType type, string name, string returns, params string[] arguments)
    {
        var field = Field(type, name);
        Assert.Equal(returns, Render(field.ResolvedType));
        var actual = (field.Arguments ?? []).Select(a => $"{a.Name}: {Render(a.ResolvedType)}").ToList();
        Assert.Equal(arguments, actual);
    }

    public static IComplexGraphType Complex(ISchema schema, string name) =>
        Assert.IsAssignableFrom<IComplexGraphType>(Type(schema, name));

    public static IReadOnlyList<string> FieldNames(IComplexGraphType type) => type.Fields.Select(f => f.Name).ToList();
}
