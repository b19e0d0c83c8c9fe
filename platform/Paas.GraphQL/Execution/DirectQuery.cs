using System.Buffers;
using System.Collections;
using System.Text.Json;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace Paas.GraphQL.Execution;

/// <summary>
/// A faster way to run the plain reads of the data API: a validated query without fragments or directives
/// whose every field is marked direct (<see cref="Allow"/>) is planned once and then run by calling the same resolvers
/// graphql-dotnet would call, writing the response JSON as the values come, without building an execution tree. Anything
/// the plan does not cover (introspection, history, aggregates, fragments, directives, reverse relations nested in reverse
/// relations or in an object inside a list's item) runs through
/// graphql-dotnet, and so does a request during which a resolver fails or a non-null field is null: the direct run writes
/// into its own buffer and is dropped, so the client always gets graphql-dotnet's answer and errors.
/// </summary>
public sealed class DirectQuery
{
    private const string MetadataKey = "paas:direct";

    private readonly GraphQLDocument _document;
    private readonly GraphQLOperationDefinition _operation;
    private readonly IObjectGraphType _root;
    private readonly Selection _selection;

    private DirectQuery(GraphQLDocument document, GraphQLOperationDefinition operation, IObjectGraphType root, Selection selection)
    {
        _document = document;
        _operation = operation;
        _root = root;
        _selection = selection;
    }

    private const string Batched = "batched";

    /// <summary>Marks a field whose resolver is a plain read the direct path may call (no data loader, no side effect).</summary>
    public static FieldType Allow(FieldType field)
    {
        field.Metadata[MetadataKey] = true;
        return field;
    }

    /// <summary>
    /// Marks a field whose resolver returns a data loader's result (a reverse relation): the direct path asks it for
    /// every item of a list before it awaits the first, so the siblings load together as they do in graphql-dotnet.
    /// </summary>
    public static FieldType AllowBatched(FieldType field)
    {
        field.Metadata[MetadataKey] = Batched;
        return field;
    }

    private const string ValueKey = "paas:direct-value";

    /// <summary>
    /// Marks a field whose value is its source record's value under <paramref name="key"/> (the source being a read-only
    /// dictionary): the direct path reads it without calling the resolver, and writes objects made only of such fields
    /// without awaiting anything.
    /// </summary>
    public static FieldType AllowValue(FieldType field, string key)
    {
        field.Metadata[MetadataKey] = true;
        field.Metadata[ValueKey] = key;
        return field;
    }

    private static bool IsAllowed(FieldType field) => field.Metadata.TryGetValue(MetadataKey, out var allowed) && allowed is true or Batched;

    private static bool IsBatched(FieldType field) => field.Metadata.TryGetValue(MetadataKey, out var allowed) && allowed is Batched;

    /// <summary>The plan of a validated document, or null when the direct path does not cover it.</summary>
    public static DirectQuery? TryPlan(ISchema schema, GraphQLDocument document, string? operationName)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        if (document.Definitions.Count != operations.Count)
        {
            return null; // fragment definitions
        }

        var operation = operationName is null
            ? operations.Count == 1 ? operations[0] : null
            : operations.SingleOrDefault(o => o.Name?.StringValue == operationName);
        if (operation is null || operation.Operation != OperationType.Query || operation.Directives is { Items.Count: > 0 } || schema.Query is not { } root)
        {
            return null;
        }

        var selection = PlanSelection(root, operation.SelectionSet, Place.Root);
        return selection is null ? null : new DirectQuery(document, operation, root, selection);
    }

    /// <summary>Where a selection is: batched fields may stand at the top of a list's items, or where no list encloses them.</summary>
    private enum Place
    {
        Root,
        Single,
        ListItem,
        InsideListItem,
    }

    private static Selection? PlanSelection(IComplexGraphType type, GraphQLSelectionSet set, Place place, bool underBatched = false)
    {
        var root = place == Place.Root;
        var fields = new List<PlannedField>();
        foreach (var node in set.Selections)
        {
            if (node is not GraphQLField ast || ast.Directives is { Items.Count: > 0 })
            {
                return null;
            }

            var responseName = (ast.Alias?.Name ?? ast.Name).StringValue;
            if (fields.Any(f => f.ResponseName == responseName))
            {
                return null; // merged selections of one response name
            }

            if (ast.Name.StringValue == "__typename")
            {
                fields.Add(new PlannedField(responseName, ast, null, null, null));
                continue;
            }

            var definition = type.GetField(ast.Name.StringValue);
            if (definition is null || !IsAllowed(definition) || definition.Resolver is null || definition.ResolvedType is null)
            {
                return null;
            }

            // A batched field loads once per level: not under another one (that would be a load per parent), not in an
            // object inside a list's item (the list could not ask for all of them first). Only root and batched fields take arguments.
            var batched = IsBatched(definition);
            if ((batched && (underBatched || place == Place.InsideListItem)) || (!root && !batched && ast.Arguments is { Items.Count: > 0 }))
            {
                return null;
            }

            Selection? child = null;
            var named = definition.ResolvedType.GetNamedType();
            if (named is IComplexGraphType complex)
            {
                var childPlace = IsList(definition.ResolvedType) ? Place.ListItem
                    : place is Place.ListItem or Place.InsideListItem ? Place.InsideListItem
                    : Place.Single;
                if (named is not IObjectGraphType || ast.SelectionSet is null
                    || (child = PlanSelection(complex, ast.SelectionSet, childPlace, underBatched || batched)) is null)
                {
                    return null;
                }
            }
            else if (named is not ScalarGraphType || ast.SelectionSet is not null)
            {
                return null;
            }

            fields.Add(new PlannedField(responseName, ast, definition, definition.ResolvedType, child)
            {
                Batched = batched,
                Root = root,
                Key = !root && !batched && definition.Metadata.TryGetValue(ValueKey, out var key) ? key as string : null,
            });
        }

        return new Selection((IObjectGraphType)type, fields);
    }

    private static bool IsList(IGraphType type) => type is ListGraphType || (type is NonNullGraphType { ResolvedType: ListGraphType });

    /// <summary>The operation the plan runs (its variable definitions are coerced by the caller's validation).</summary>
    public GraphQLOperationDefinition Operation => _operation;

    /// <summary>
    /// Runs the plan, writing the JSON of <c>data</c> into <paramref name="buffer"/>; false when the request must run
    /// through graphql-dotnet instead (a resolver failed, or a value does not fit its type), and then what the buffer holds
    /// is to be dropped. Cancellation is not swallowed. A document with variables comes with the values its validation
    /// coerced (<paramref name="variables"/>, <paramref name="arguments"/>).
    /// </summary>
    public async Task<bool> TryExecuteAsync(ISchema schema, IDictionary<string, object?> userContext, IServiceProvider services,
        Variables? variables, IReadOnlyDictionary<GraphQLField, IDictionary<string, ArgumentValue>>? arguments, IBufferWriter<byte> buffer, CancellationToken ct)
    {
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        var run = new Run(this, schema, userContext, services, writer, variables ?? Variables.None, arguments, ct);
        try
        {
            if (!await run.WriteObjectAsync(_selection, null))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }

        await writer.FlushAsync(ct);
        return true;
    }

    private sealed record PlannedField(string ResponseName, GraphQLField Ast, FieldType? Definition, IGraphType? Type, Selection? Child)
    {
        public JsonEncodedText Name { get; } = JsonEncodedText.Encode(ResponseName);

        public bool Batched { get; init; }

        public bool Root { get; init; }

        /// <summary>For a field read straight from its source record (<see cref="AllowValue"/>): the key of its value.</summary>
        public string? Key { get; init; }

        /// <summary>Whether the value is written without awaiting: a scalar, or objects made only of plain fields.</summary>
        public bool Synchronous => Child is null || Child.Synchronous;
    }

    private sealed record Selection(IObjectGraphType Type, List<PlannedField> Fields)
    {
        public string TypeName => Type.Name;

        /// <summary>Whether a field of this selection itself is batched (a list of such objects asks them all first).</summary>
        public bool HasBatched { get; } = Fields.Any(f => f.Batched);

        /// <summary>Whether every field is read from its source record (or is __typename), down to the leaves.</summary>
        public bool Synchronous { get; } = Fields.All(f => f.Definition is null || (f.Key is not null && f.Synchronous));
    }

    private sealed class Run(DirectQuery plan, ISchema schema, IDictionary<string, object?> userContext, IServiceProvider services, Utf8JsonWriter writer,
        Variables variables, IReadOnlyDictionary<GraphQLField, IDictionary<string, ArgumentValue>>? arguments, CancellationToken ct)
    {
        private readonly ResolveFieldContext _context = new()
        {
            Schema = schema,
            Document = plan._document,
            Operation = plan._operation,
            Variables = variables,
            UserContext = userContext,
            RequestServices = services,
            CancellationToken = ct,
            Errors = new ExecutionErrors(),
            Metrics = global::GraphQL.Instrumentation.Metrics.None,
            OutputExtensions = new Dictionary<string, object?>(),
            InputExtensions = new Dictionary<string, object?>(),
            ArrayPool = NoPool.Instance,
        };

        private readonly List<object> _path = [];

        /// <summary>
        /// Writes one object of the selection; false when the direct path cannot answer. <paramref name="prefetched"/>
        /// holds, for a list's item, the results its batched fields already gave (in the order of the fields).
        /// </summary>
        public async ValueTask<bool> WriteObjectAsync(Selection selection, object? source, object?[]? prefetched = null)
        {
            writer.WriteStartObject();
            for (var i = 0; i < selection.Fields.Count; i++)
            {
                var field = selection.Fields[i];
                writer.WritePropertyName(field.Name);
                if (field.Definition is null)
                {
                    writer.WriteStringValue(selection.TypeName);
                    continue;
                }

                if (field.Key is not null && field.Synchronous)
                {
                    if (!TryRead(source, field.Key, out var plain) || !WriteValue(field, field.Type!, plain))
                    {
                        return false;
                    }

                    continue;
                }

                _path.Add(field.ResponseName);
                var value = prefetched is not null && field.Batched ? prefetched[i] : await ResolveAsync(field, selection, source);
                if (value is IDataLoaderResult loaded)
                {
                    value = await loaded.GetResultAsync(ct);
                }

                if (!await WriteValueAsync(field, field.Type!, value))
                {
                    return false;
                }

                _path.RemoveAt(_path.Count - 1);
            }

            writer.WriteEndObject();
            return true;
        }

        private async ValueTask<object?> ResolveAsync(PlannedField field, Selection selection, object? source)
        {
            var context = _context;
            context.Source = source;
            context.ParentType = selection.Type;
            context.FieldDefinition = field.Definition!;
            context.FieldAst = field.Ast;
            context.Arguments = !(field.Root || field.Batched) ? null
                : arguments is not null && arguments.TryGetValue(field.Ast, out var parsed) ? parsed
                : ExecutionHelper.GetArguments(field.Definition!.Arguments, field.Ast.Arguments, variables, plan._document, field.Ast, null);
            if (field.Root || field.Batched)
            {
                // Data loaders of one level are shared by the response path (list indices aside), as in graphql-dotnet.
                context.Path = context.ResponsePath = _path.ToArray();
            }

            var pending = field.Definition!.Resolver!.ResolveAsync(context);
            return pending.IsCompletedSuccessfully ? pending.Result : await pending;
        }

        private static bool TryRead(object? source, string key, out object? value)
        {
            switch (source)
            {
                case Paas.Data.Query.RecordValues record:
                    record.TryGetValue(key, out value);
                    return true;
                case IReadOnlyDictionary<string, object?> map:
                    value = map.GetValueOrDefault(key);
                    return true;
                default:
                    value = null;
                    return false;
            }
        }

        /// <summary>Writes a value whose field is <see cref="PlannedField.Synchronous"/>: nothing in it needs a resolver.</summary>
        private bool WriteValue(PlannedField field, IGraphType type, object? value)
        {
            if (type is NonNullGraphType nonNull)
            {
                return value is not null && WriteValue(field, nonNull.ResolvedType!, value);
            }

            if (value is null)
            {
                writer.WriteNullValue();
                return true;
            }

            switch (type)
            {
                case ListGraphType list:
                    if (value is not IEnumerable items || value is string)
                    {
                        return false;
                    }

                    writer.WriteStartArray();
                    foreach (var item in items)
                    {
                        if (!WriteValue(field, list.ResolvedType!, item))
                        {
                            return false;
                        }
                    }

                    writer.WriteEndArray();
                    return true;
                case ScalarGraphType scalar:
                    return WriteScalarValue(scalar, value);
                case IObjectGraphType:
                    return WritePlainObject(field.Child!, value);
                default:
                    return false;
            }
        }

        /// <summary>An object of a <see cref="Selection.Synchronous"/> selection.</summary>
        private bool WritePlainObject(Selection selection, object source)
        {
            writer.WriteStartObject();
            foreach (var field in selection.Fields)
            {
                writer.WritePropertyName(field.Name);
                if (field.Definition is null)
                {
                    writer.WriteStringValue(selection.TypeName);
                }
                else if (!TryRead(source, field.Key!, out var value) || !WriteValue(field, field.Type!, value))
                {
                    return false;
                }
            }

            writer.WriteEndObject();
            return true;
        }

        private bool WriteScalarValue(ScalarGraphType scalar, object value)
        {
            if (value is Guid id && scalar is IdGraphType)
            {
                writer.WriteStringValue(id); // the "D" form, as the ID type serializes a Guid
                return true;
            }

            var serialized = scalar.Serialize(value);
            return serialized is not null && WriteScalar(serialized);
        }

        private async ValueTask<bool> WriteValueAsync(PlannedField field, IGraphType type, object? value)
        {
            if (field.Synchronous)
            {
                return WriteValue(field, type, value);
            }

            if (type is NonNullGraphType nonNull)
            {
                return value is not null && await WriteValueAsync(field, nonNull.ResolvedType!, value);
            }

            if (value is null)
            {
                writer.WriteNullValue();
                return true;
            }

            switch (type)
            {
                case ListGraphType list:
                    if (value is not IEnumerable items || value is string)
                    {
                        return false;
                    }

                    return field.Child is { HasBatched: true } child
                        ? await WriteBatchedListAsync(field, list.ResolvedType!, child, items.Cast<object?>().ToList())
                        : await WriteListAsync(field, list.ResolvedType!, items);
                case ScalarGraphType scalar:
                    return WriteScalarValue(scalar, value);
                case IObjectGraphType:
                    return await WriteObjectAsync(field.Child!, value);
                default:
                    return false;
            }
        }

        private async ValueTask<bool> WriteListAsync(PlannedField field, IGraphType itemType, IEnumerable items)
        {
            writer.WriteStartArray();
            var index = 0;
            foreach (var item in items)
            {
                _path.Add(index++);
                if (!await WriteValueAsync(field, itemType, item))
                {
                    return false;
                }

                _path.RemoveAt(_path.Count - 1);
            }

            writer.WriteEndArray();
            return true;
        }

        /// <summary>A list whose items have batched fields: every item asks first, then the items are written.</summary>
        private async ValueTask<bool> WriteBatchedListAsync(PlannedField field, IGraphType itemType, Selection child, List<object?> items)
        {
            var asked = new object?[items.Count][];
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is null)
                {
                    continue;
                }

                _path.Add(i);
                asked[i] = new object?[child.Fields.Count];
                for (var f = 0; f < child.Fields.Count; f++)
                {
                    var batched = child.Fields[f];
                    if (batched.Batched)
                    {
                        _path.Add(batched.ResponseName);
                        asked[i][f] = await ResolveAsync(batched, child, items[i]);
                        _path.RemoveAt(_path.Count - 1);
                    }
                }

                _path.RemoveAt(_path.Count - 1);
            }

            writer.WriteStartArray();
            for (var i = 0; i < items.Count; i++)
            {
                _path.Add(i);
                var ok = itemType is NonNullGraphType { ResolvedType: IObjectGraphType }
                    ? items[i] is not null && await WriteObjectAsync(child, items[i], asked[i])
                    : itemType is IObjectGraphType && (items[i] is null ? WriteNull() : await WriteObjectAsync(child, items[i], asked[i]));
                if (!ok)
                {
                    return false;
                }

                _path.RemoveAt(_path.Count - 1);
            }

            writer.WriteEndArray();
            return true;
        }

        private bool WriteNull()
        {
            writer.WriteNullValue();
            return true;
        }

        private bool WriteScalar(object value)
        {
            switch (value)
            {
                case string s:
                    writer.WriteStringValue(s);
                    return true;
                case bool b:
                    writer.WriteBooleanValue(b);
                    return true;
                case int i:
                    writer.WriteNumberValue(i);
                    return true;
                case long l:
                    writer.WriteNumberValue(l);
                    return true;
                case decimal m:
                    writer.WriteNumberValue(m);
                    return true;
                case double d when double.IsFinite(d):
                    writer.WriteNumberValue(d);
                    return true;
                case JsonElement element:
                    element.WriteTo(writer);
                    return true;
                case IDictionary<string, object?> map:
                    writer.WriteStartObject();
                    foreach (var (key, item) in map)
                    {
                        writer.WritePropertyName(key);
                        if (item is null)
                        {
                            writer.WriteNullValue();
                        }
                        else if (!WriteScalar(item))
                        {
                            return false;
                        }
                    }

                    writer.WriteEndObject();
                    return true;
                case IEnumerable items:
                    writer.WriteStartArray();
                    foreach (var item in items)
                    {
                        if (item is null)
                        {
                            writer.WriteNullValue();
                        }
                        else if (!WriteScalar(item))
                        {
                            return false;
                        }
                    }

                    writer.WriteEndArray();
                    return true;
                default:
                    // Any other serialized form (dates, numbers of other widths) is left to graphql-dotnet's writer.
                    return false;
            }
        }
    }

    /// <summary>The direct path rents nothing; resolvers that would rent arrays are not marked direct.</summary>
    private sealed class NoPool : IExecutionArrayPool
    {
        public static readonly NoPool Instance = new();

        public TElement[] Rent<TElement>(int minimumLength) => new TElement[minimumLength];
    }
}
