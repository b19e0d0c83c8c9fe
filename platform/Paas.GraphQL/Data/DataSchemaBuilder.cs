using GraphQL;
using GraphQL.Types;
using Paas.Core.Metadata;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Data;

/// <summary>Builds a tenant's data API from its metadata snapshot. The result is immutable and cached by metadata version.</summary>
public sealed class DataSchemaBuilder
{
    private readonly TenantMetadata _metadata;
    private readonly Paas.Core.Security.AccessContext? _access;
    private readonly SharedTypes _shared = new();
    private readonly Dictionary<string, ObjectGraphType> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InputObjectGraphType> _filters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ObjectGraphType Connection, IGraphType OrderBy)> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FieldDefinition>> _visible = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(ObjectDefinition Object, FieldDefinition Field)>> _references = new(StringComparer.Ordinal);

    static DataSchemaBuilder()
    {
        // Generated graph types carry no CLR attributes; reading them for thousands of types is pure cost.
        GlobalSwitches.EnableReadDescriptionFromAttributes = false;
        GlobalSwitches.EnableReadDeprecationReasonFromAttributes = false;
        GlobalSwitches.EnableReadDefaultValueFromAttributes = false;
    }

    private DataSchemaBuilder(TenantMetadata metadata, Paas.Core.Security.AccessContext? access)
    {
        _metadata = metadata;
        _access = access;
    }

    /// <summary>
    /// The schema of <paramref name="metadata"/> as <paramref name="access"/> sees it (null: everything). Objects and
    /// fields the caller may not read are absent — they cannot be selected, filtered, sorted or grouped on — and the
    /// mutations and input fields follow the caller's create, edit, delete and field-edit rights.
    /// </summary>
    public static ISchema Build(TenantMetadata metadata, Paas.Core.Security.AccessContext? access = null) => new DataSchemaBuilder(metadata, access).Build();

    private ISchema Build()
    {
        var objects = _metadata.LiveObjects.Where(o => _access?.CanRead(o) ?? true).ToList();
        foreach (var definition in objects)
        {
            _objects[definition.ApiName] = new ObjectGraphType { Name = definition.ApiName, Description = definition.Description ?? definition.Label };
            _filters[definition.ApiName] = new InputObjectGraphType { Name = definition.ApiName + "Filter", Description = $"Conditions on {definition.PluralLabel}; all must hold." };
        }

        foreach (var definition in objects)
        {
            var visible = definition.LiveFields.Where(f => (!f.Type.IsRelation() || _objects.ContainsKey(f.Target!))
                && (_access?.CanReadField(definition, f) ?? true)).ToList();
            _visible[definition.ApiName] = visible;
            foreach (var relation in visible.Where(f => f.Type.IsRelation()))
            {
                if (!_references.TryGetValue(relation.Target!, out var list))
                {
                    list = [];
                    _references[relation.Target!] = list;
                }

                list.Add((definition, relation));
            }
        }

        var query = new ObjectGraphType { Name = "Query" };
        query.AddField(new GraphField
        {
            Name = "_metadataVersion",
            Description = "The version of the tenant metadata this schema was built from.",
            ResolvedType = new NonNullGraphType(_shared.Long),
            Resolver = Resolve.Sync(_ => _metadata.Version),
        });
        var mutation = new ObjectGraphType { Name = "Mutation" };
        foreach (var definition in objects)
        {
            FillObject(definition);
            FillFilter(definition);
            AddQueries(query, definition);
            AddMutations(mutation, definition);
            AddActions(mutation, definition);
        }

        foreach (var definition in objects)
        {
            AddReverseRelations(definition);
        }

        if (objects.Count > 0)
        {
            AddShareRecord(mutation);
            ApprovalSchema.AddTo(query, mutation, _shared);
            if (_metadata.StageProcesses.Count > 0)
            {
                StageSchema.AddTo(query, mutation, _shared);
            }
        }

        var schema = new GeneratedSchema { Query = query, Mutation = mutation.Fields.Count > 0 ? mutation : null };
        schema.Initialize();
        return schema;
    }

    private List<FieldDefinition> Visible(ObjectDefinition definition) => _visible[definition.ApiName];

    private void FillObject(ObjectDefinition definition)
    {
        var type = _objects[definition.ApiName];
        foreach (var field in Visible(definition))
        {
            var name = field.ApiName;
            IGraphType output = field.Type.IsRelation() ? _objects[field.Target!] : _shared.Output(Paas.Data.Query.ComputedFields.ValueField(field));
            if (name is SystemFields.Id or SystemFields.Version or SystemFields.CreatedAt or SystemFields.UpdatedAt)
            {
                output = new NonNullGraphType(output);
            }

            type.AddField(DirectQuery.AllowValue(new GraphField
            {
                Name = name,
                Description = field.HelpText ?? field.Label,
                ResolvedType = output,
                Resolver = Resolve.Sync(context => ((IReadOnlyDictionary<string, object?>)context.Source!).GetValueOrDefault(name)),
            }, name));
        }

        // Every record has a history; it stays empty while no field the caller may read is tracked.
        var tracked = Visible(definition).Where(f => f.TrackHistory).Select(f => f.ApiName).ToList();
        var historyName = type.HasField("history") ? "fieldHistory" : "history";
        if (!type.HasField(historyName))
        {
            type.AddField(new GraphField
            {
                Name = historyName,
                Description = "Changes of the tracked fields you may read, newest first.",
                ResolvedType = new NonNullGraphType(new ListGraphType(new NonNullGraphType(_shared.FieldHistory))),
                Arguments = new QueryArguments(new QueryArgument(_shared.Int) { Name = "first", DefaultValue = 20 }),
                Resolver = Resolve.Sync(context =>
                {
                    var first = context.GetArgument<int?>("first") ?? 20;
                    if (first is < 1 or > 200)
                    {
                        throw Paas.Core.Errors.PaasException.Validation("first", "first is from 1 to 200.");
                    }

                    if (tracked.Count == 0)
                    {
                        return Array.Empty<Paas.Data.Security.FieldHistoryEntry>();
                    }

                    var request = DataRequestContext.From(context);
                    var id = (Guid)((IReadOnlyDictionary<string, object?>)context.Source!)[SystemFields.Id]!;
                    return request.HistoryLoader(context, () => new HistoryLoader(definition, tracked, first, request)).Add(id);
                }),
            });
        }
    }

    private void FillFilter(ObjectDefinition definition)
    {
        var filter = _filters[definition.ApiName];
        foreach (var field in Visible(definition).Where(f => Paas.Data.Query.ComputedFields.IsQueryable(_metadata, definition, f)))
        {
            filter.AddField(new GraphField
            {
                Name = field.ApiName,
                ResolvedType = field.Type.IsRelation() ? _filters[field.Target!] : _shared.Filter(Paas.Data.Query.ComputedFields.ValueField(field)),
            });
        }

        filter.AddField(new GraphField
        {
            Name = "isNull",
            ResolvedType = _shared.Boolean,
            Description = "Under a relation: whether the relation is empty (at the top level a record always exists).",
        });
        filter.AddField(new GraphField { Name = "and", ResolvedType = new ListGraphType(new NonNullGraphType(filter)) });
        filter.AddField(new GraphField { Name = "or", ResolvedType = new ListGraphType(new NonNullGraphType(filter)) });
        filter.AddField(new GraphField { Name = "not", ResolvedType = filter });
    }

    private void AddQueries(ObjectGraphType query, ObjectDefinition definition)
    {
        var type = _objects[definition.ApiName];
        var singular = ApiNames.ToCamelCase(definition.ApiName);
        query.AddField(DirectQuery.Allow(new GraphField
        {
            Name = singular,
            Description = $"One {definition.Label} by id, or null.",
            ResolvedType = type,
            Arguments = new QueryArguments(new QueryArgument(new NonNullGraphType(_shared.Id)) { Name = "id" }),
            Resolver = Resolve.Async(context => RecordResolvers.GetAsync(context, definition)),
        }));

        var orderBy = new InputObjectGraphType { Name = definition.ApiName + "OrderBy", Description = "One field and its direction per entry." };
        foreach (var field in Visible(definition).Where(f => Paas.Data.Query.ComputedFields.ValueField(f).Type.IsSortable() && Paas.Data.Query.ComputedFields.IsQueryable(_metadata, definition, f)))
        {
            orderBy.AddField(new GraphField { Name = field.ApiName, ResolvedType = _shared.SortDirection });
        }

        var edge = new ObjectGraphType { Name = definition.ApiName + "Edge" };
        DirectQuery.Allow(SharedTypes.AddField(edge, "cursor", new NonNullGraphType(_shared.String), s => ((Paas.Data.Query.RecordRow)s!).Cursor));
        DirectQuery.Allow(SharedTypes.AddField(edge, "node", new NonNullGraphType(type), s => ((Paas.Data.Query.RecordRow)s!).Values));

        var connection = new ObjectGraphType { Name = definition.ApiName + "Connection" };
        DirectQuery.Allow(SharedTypes.AddField(connection, "totalCount", new NonNullGraphType(_shared.Long), s => ((ConnectionResult)s!).Page.TotalCount, "All records matching the filter."));
        DirectQuery.Allow(SharedTypes.AddField(connection, "pageInfo", new NonNullGraphType(_shared.PageInfo), s => s));
        DirectQuery.Allow(SharedTypes.AddField(connection, "edges", new NonNullGraphType(new ListGraphType(new NonNullGraphType(edge))), s => ((ConnectionResult)s!).Page.Rows));
        DirectQuery.Allow(SharedTypes.AddField(connection, "nodes", new NonNullGraphType(new ListGraphType(new NonNullGraphType(type))), s => ((ConnectionResult)s!).Nodes));

        _lists[definition.ApiName] = (connection, orderBy);
        query.AddField(AggregateSchema.Build(definition, Visible(definition), _shared, _filters[definition.ApiName]));
        query.AddField(DirectQuery.Allow(new GraphField
        {
            Name = definition.PluralApiName,
            Description = $"{definition.PluralLabel}, filtered, ordered and paged by cursor (default {Paas.Data.Query.QueryLimits.DefaultPageSize}, at most {Paas.Data.Query.QueryLimits.MaxPageSize}).",
            ResolvedType = new NonNullGraphType(connection),
            Arguments = ListArguments(definition),
            Resolver = Resolve.Async(context => RecordResolvers.ListAsync(context, definition)),
        }));
    }

    private QueryArguments ListArguments(ObjectDefinition definition) => new(
        new QueryArgument(_filters[definition.ApiName]) { Name = "filter" },
        new QueryArgument(new ListGraphType(new NonNullGraphType(_lists[definition.ApiName].OrderBy))) { Name = "orderBy" },
        new QueryArgument(_shared.Int) { Name = "first" },
        new QueryArgument(_shared.String) { Name = "after" },
        new QueryArgument(_shared.Int) { Name = "last" },
        new QueryArgument(_shared.String) { Name = "before" });

    /// <summary>
    /// The children that point at a record, under the child object's plural name (with the relation field's name
    /// appended when a child has several relations to the parent, or the plain name is taken).
    /// </summary>
    private void AddReverseRelations(ObjectDefinition parent)
    {
        var type = _objects[parent.ApiName];
        if (!_references.TryGetValue(parent.ApiName, out var references))
        {
            return;
        }

        foreach (var (child, field) in references)
        {
            var name = child.PluralApiName;
            if (references.Count(r => ReferenceEquals(r.Object, child)) > 1 || type.HasField(name))
            {
                name += "By" + char.ToUpperInvariant(field.ApiName[0]) + field.ApiName[1..];
            }

            if (type.HasField(name))
            {
                continue;
            }

            type.AddField(DirectQuery.AllowBatched(new GraphField
            {
                Name = name,
                Description = $"The {child.PluralLabel} whose '{field.Label}' is this {parent.Label}.",
                ResolvedType = new NonNullGraphType(_lists[child.ApiName].Connection),
                Arguments = ListArguments(child),
                Resolver = Resolve.Sync(context => RecordResolvers.Children(context, child, field)),
            }));
        }
    }

    private void AddMutations(ObjectGraphType mutation, ObjectDefinition definition)
    {
        var type = _objects[definition.ApiName];
        var name = definition.ApiName;
        var pascalPlural = char.ToUpperInvariant(definition.PluralApiName[0]) + definition.PluralApiName[1..];
        var writable = Visible(definition).Where(f => f.IsWritable && (_access?.CanEditField(definition, f) ?? true)).ToList();
        var canCreate = _access?.CanCreate(definition) ?? true;
        var canEdit = _access?.CanEdit(definition) ?? true;
        var canDelete = _access?.CanDelete(definition) ?? true;
        var create = new InputObjectGraphType { Name = name + "CreateInput" };
        var update = new InputObjectGraphType { Name = name + "UpdateInput" };
        foreach (var field in writable)
        {
            var input = field.Type.IsRelation() ? _shared.Id : _shared.Input(field);
            create.AddField(new GraphField { Name = field.ApiName, ResolvedType = input, Description = field.Required ? "Required." : null });
            update.AddField(new GraphField { Name = field.ApiName, ResolvedType = input });
        }

        var nonNullType = new NonNullGraphType(type);
        var id = new NonNullGraphType(_shared.Id);
        if (canDelete)
        {
            AddDelete(mutation, definition, name, id);
        }

        if (create.Fields.Count == 0)
        {
            return;
        }

        if (canCreate)
        {
            mutation.AddField(new GraphField
            {
                Name = "create" + name,
                ResolvedType = nonNullType,
                Arguments = new QueryArguments(new QueryArgument(new NonNullGraphType(create)) { Name = "input" }),
                Resolver = Resolve.Async(context => RecordResolvers.CreateAsync(context, definition)),
            });
            mutation.AddField(new GraphField
            {
                Name = "create" + pascalPlural,
                Description = $"Creates up to {Paas.Data.Records.RecordWritePipeline.MaxBatchSize} records; all or nothing.",
                ResolvedType = new NonNullGraphType(new ListGraphType(nonNullType)),
                Arguments = new QueryArguments(new QueryArgument(new NonNullGraphType(new ListGraphType(new NonNullGraphType(create)))) { Name = "inputs" }),
                Resolver = Resolve.Async(context => RecordResolvers.CreateManyAsync(context, definition)),
            });
        }

        if (canEdit)
        {
            mutation.AddField(new GraphField
            {
                Name = "update" + name,
                ResolvedType = nonNullType,
                Arguments = new QueryArguments(
                    new QueryArgument(id) { Name = "id" },
                    new QueryArgument(_shared.Long) { Name = "expectedVersion", Description = "If given, the update fails with CONFLICT unless the record is still at this version." },
                    new QueryArgument(new NonNullGraphType(update)) { Name = "input" }),
                Resolver = Resolve.Async(context => RecordResolvers.UpdateAsync(context, definition)),
            });
        }

        if (canCreate && canEdit)
        {
            AddUpsert(mutation, definition, name, writable, create, nonNullType);
        }
    }

    /// <summary>Each active custom action of the object is a mutation <c>{action}{Object}</c> with its declared input and output.</summary>
    private void AddActions(ObjectGraphType mutation, ObjectDefinition definition)
    {
        foreach (var action in _metadata.ActiveScripts(definition.ApiName, ScriptKind.Action))
        {
            var mutationName = Paas.Data.Scripting.ScriptDefinitionBuilder.ActionMutationName(action);
            if (mutation.HasField(mutationName))
            {
                continue;
            }

            var pascal = char.ToUpperInvariant(mutationName[0]) + mutationName[1..];
            var arguments = new QueryArguments();
            if (action.OnRecord)
            {
                arguments.Add(new QueryArgument(new NonNullGraphType(_shared.Id)) { Name = "id" });
            }

            if (action.Input.Count > 0)
            {
                var input = new InputObjectGraphType { Name = pascal + "Input" };
                foreach (var parameter in action.Input)
                {
                    var type = _shared.Input(ActionResolver.AsField(parameter));
                    input.AddField(new GraphField { Name = parameter.Name, ResolvedType = parameter.Required ? new NonNullGraphType(type) : type, Description = parameter.Description });
                }

                arguments.Add(new QueryArgument(action.Input.Any(p => p.Required) ? new NonNullGraphType(input) : input) { Name = "input" });
            }

            IGraphType result = _shared.Json;
            if (action.Output.Count > 0)
            {
                var output = new ObjectGraphType { Name = pascal + "Result" };
                foreach (var parameter in action.Output)
                {
                    var name = parameter.Name;
                    var type = _shared.Output(ActionResolver.AsField(parameter));
                    SharedTypes.AddField(output, name, parameter.Required ? new NonNullGraphType(type) : type,
                        s => ((IReadOnlyDictionary<string, object?>)s!).GetValueOrDefault(name), parameter.Description);
                }

                result = output;
            }

            mutation.AddField(new GraphField
            {
                Name = mutationName,
                Description = action.Description ?? $"The custom action '{action.ApiName}' of {definition.ApiName}.",
                ResolvedType = result,
                Arguments = arguments,
                Resolver = Resolve.Async(context => ActionResolver.RunAsync(context, definition, action)),
            });
        }
    }

    /// <summary><c>shareRecord</c>: a manual share of one record with a user, group or role (the caller needs edit access to it).</summary>
    private void AddShareRecord(ObjectGraphType mutation)
    {
        var kind = new EnumerationGraphType { Name = "ShareWithKind" };
        kind.Add("USER", Paas.Core.Security.PrincipalKind.User);
        kind.Add("GROUP", Paas.Core.Security.PrincipalKind.Group);
        kind.Add("ROLE", Paas.Core.Security.PrincipalKind.Role);
        kind.Add("ROLE_AND_SUBORDINATES", Paas.Core.Security.PrincipalKind.RoleAndSubordinates);
        var access = new EnumerationGraphType { Name = "ShareAccess" };
        access.Add("READ", Paas.Core.Security.AccessLevel.Read);
        access.Add("EDIT", Paas.Core.Security.AccessLevel.Edit);
        var with = new InputObjectGraphType { Name = "ShareWithInput" };
        with.AddField(new GraphField { Name = "kind", ResolvedType = new NonNullGraphType(kind) });
        with.AddField(new GraphField { Name = "name", ResolvedType = new NonNullGraphType(_shared.String), Description = "A user id, or a group's or role's API name." });
        mutation.AddField(new GraphField
        {
            Name = "shareRecord",
            Description = "Gives a user, group or role read or edit access to one record of a private or public-read object.",
            ResolvedType = new NonNullGraphType(_shared.Boolean),
            Arguments = new QueryArguments(
                new QueryArgument(new NonNullGraphType(_shared.String)) { Name = "object" },
                new QueryArgument(new NonNullGraphType(_shared.Id)) { Name = "id" },
                new QueryArgument(new NonNullGraphType(with)) { Name = "with" },
                new QueryArgument(access) { Name = "access", DefaultValue = Paas.Core.Security.AccessLevel.Read }),
            Resolver = Resolve.Async(async context =>
            {
                var request = DataRequestContext.From(context);
                var target = (IDictionary<string, object?>)context.GetArgument<object?>("with")!;
                if (!Guid.TryParse(context.GetArgument<object?>("id")?.ToString(), out var id))
                {
                    throw Paas.Core.Errors.PaasException.Validation("id", "Expected a record id.");
                }

                var principal = new Paas.Core.Security.Principal((Paas.Core.Security.PrincipalKind)target["kind"]!, target["name"]?.ToString() ?? "");
                var sharing = context.RequestServices!.GetService(typeof(Paas.Data.Security.RecordSharing)) as Paas.Data.Security.RecordSharing
                    ?? throw new InvalidOperationException("Record sharing is not registered.");
                await sharing.ShareAsync(request.Caller, context.GetArgument<string>("object"), id, principal,
                    context.GetArgument<Paas.Core.Security.AccessLevel>("access"), context.CancellationToken);
                return true;
            }),
        });
    }

    private static void AddDelete(ObjectGraphType mutation, ObjectDefinition definition, string name, IGraphType id) =>
        mutation.AddField(new GraphField
        {
            Name = "delete" + name,
            Description = "Deletes the record and returns its id. Lookups to it are cleared; master-detail children cascade or block.",
            ResolvedType = id,
            Arguments = new QueryArguments(new QueryArgument(id) { Name = "id" }),
            Resolver = Resolve.Async(context => RecordResolvers.DeleteAsync(context, definition)),
        });

    private static void AddUpsert(ObjectGraphType mutation, ObjectDefinition definition, string name, List<FieldDefinition> writable, InputObjectGraphType create, IGraphType nonNullType)
    {
        var match = new EnumerationGraphType { Name = name + "MatchField", Description = "The unique fields an upsert can match on." };
        foreach (var field in writable.Where(f => f.Unique))
        {
            match.Add(field.ApiName, field.ApiName);
        }

        if (match.Values.Count == 0)
        {
            return;
        }

        mutation.AddField(new GraphField
        {
            Name = "upsert" + name,
            Description = "Updates the record whose matchOn field equals the input's value, or creates one.",
            ResolvedType = nonNullType,
            Arguments = new QueryArguments(
                new QueryArgument(new NonNullGraphType(match)) { Name = "matchOn" },
                new QueryArgument(new NonNullGraphType(create)) { Name = "input" }),
            Resolver = Resolve.Async(context => RecordResolvers.UpsertAsync(context, definition)),
        });
    }
}

/// <summary>
/// A schema generated from validated metadata. graphql-dotnet's structural validation spends about a third of the
/// build time re-checking what the builder guarantees (unique names, valid identifiers, matching types); the tests
/// run the full validation on generated schemas (<see cref="ValidateFully"/>).
/// </summary>
public sealed class GeneratedSchema : Schema
{
    public bool FullValidation { get; init; }

    public void ValidateFully() => base.Validate();

    protected override void Validate()
    {
        if (FullValidation)
        {
            base.Validate();
        }
    }
}
