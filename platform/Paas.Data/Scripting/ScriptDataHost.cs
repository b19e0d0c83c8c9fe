using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Security;
using Paas.Data.Query;
using Paas.Data.Records;
using Paas.Data.Storage;

namespace Paas.Data.Scripting;

/// <summary>
/// <c>db.*</c> for one execution: reads through the query compiler and writes through <see cref="RecordWritePipeline"/>,
/// in the script's transaction, with the caller's permissions (or none for a script that runs as system). The sandbox is
/// synchronous, so each call waits for the asynchronous data layer; the request has no synchronisation context to
/// deadlock on.
/// </summary>
public sealed class ScriptDataHost(TenantSession session, ScriptEnvironment environment, ScriptRunAs runAs, CancellationToken ct) : IScriptHost
{
    public const int MaxQueryRows = 500;

    private readonly List<ScriptLogEntry> _logs = [];

    /// <summary>What the script logged so far (kept when the execution fails).</summary>
    public IReadOnlyList<ScriptLogEntry> Logs => _logs;

    public IReadOnlyDictionary<string, object?>? Get(string objectApiName, string id)
    {
        environment.Governor.CountQuery();
        return As(() =>
        {
            var definition = Object(objectApiName);
            if (!Guid.TryParseExact(id, "D", out var key))
            {
                return null;
            }

            var found = RecordSelection.Flatten(Wait(RecordQueryExecutor.GetAsync(session, Readable(definition), key, ct)));
            return found is null ? null : (IReadOnlyDictionary<string, object?>)ScriptValues.ToPlain(found);
        });
    }

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Query(string objectApiName, IReadOnlyDictionary<string, object?> options)
    {
        environment.Governor.CountQuery();
        return As(() =>
        {
            var definition = Object(objectApiName);
            var filter = options.GetValueOrDefault("filter") switch
            {
                null => null,
                IReadOnlyDictionary<string, object?> map => map,
                _ => throw PaasException.Validation("filter", "filter is an object, as in GraphQL."),
            };
            if (filter is not null)
            {
                CheckReadable(definition, filter, "filter", 0);
            }

            var first = options.GetValueOrDefault("first") switch
            {
                null => 50,
                double d when d >= 1 && d <= MaxQueryRows && Math.Floor(d) == d => (int)d,
                _ => throw PaasException.Validation("first", $"first is a whole number from 1 to {MaxQueryRows}."),
            };
            var page = Wait(RecordQueryExecutor.ListAsync(session, new ListRequest
            {
                Selection = Readable(definition),
                Filter = filter,
                OrderBy = OrderBy(definition, options.GetValueOrDefault("orderBy")),
                First = first,
                MaxPageSize = MaxQueryRows,
            }, ct));
            return (IReadOnlyList<IReadOnlyDictionary<string, object?>>)page.Rows
                .Select(r => (IReadOnlyDictionary<string, object?>)ScriptValues.ToPlain(RecordSelection.Flatten(new Dictionary<string, object?>(r.Values))!)).ToList();
        });
    }

    public IReadOnlyDictionary<string, object?> Create(string objectApiName, IReadOnlyDictionary<string, object?> record)
    {
        environment.Governor.CountDml(1);
        return As(() =>
        {
            var definition = Object(objectApiName);
            var id = Wait(Pipeline().CreateAsync(definition, [Input(definition, record)], ct))[0];
            return Reread(definition, id);
        });
    }

    public IReadOnlyDictionary<string, object?> Update(string objectApiName, string id, IReadOnlyDictionary<string, object?> changes)
    {
        environment.Governor.CountDml(1);
        return As(() =>
        {
            var definition = Object(objectApiName);
            var key = Guid.TryParseExact(id, "D", out var parsed) ? parsed : throw PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
            Wait(Pipeline().UpdateAsync(definition, key, null, Input(definition, changes), ct));
            return Reread(definition, key);
        });
    }

    public void Delete(string objectApiName, string id)
    {
        environment.Governor.CountDml(1);
        As(() =>
        {
            var definition = Object(objectApiName);
            var key = Guid.TryParseExact(id, "D", out var parsed) ? parsed : throw PaasException.NotFound($"There is no {definition.ApiName} with id {id}.");
            Wait(Pipeline().DeleteAsync(definition, key, ct));
            return true;
        });
    }

    public void Log(string level, string message) => _logs.Add(new ScriptLogEntry(level, message, environment.Time.GetUtcNow()));

    private RecordWritePipeline Pipeline() => new(session, environment.Caller, environment.Time);

    /// <summary>
    /// Runs a call with the script's permissions, restoring the session's afterwards, inside a savepoint: a call that
    /// fails leaves nothing behind even when the script catches the error and goes on (and on PostgreSQL the
    /// transaction stays usable).
    /// </summary>
    private T As<T>(Func<T> call)
    {
        var previous = session.Access;
        session.Access = runAs == ScriptRunAs.System ? null : environment.Caller.Access;
        var transaction = session.Transaction;
        var savepoint = transaction is { SupportsSavepoints: true } ? "paas_db_" + Interlocked.Increment(ref _savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        try
        {
            if (savepoint is not null)
            {
                transaction!.Save(savepoint);
            }

            var result = call();
            if (savepoint is not null)
            {
                transaction!.Release(savepoint);
            }

            return result;
        }
        catch
        {
            if (savepoint is not null)
            {
                transaction!.Rollback(savepoint);
            }

            throw;
        }
        finally
        {
            session.Access = previous;
        }
    }

    private static long _savepoints;


    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    /// <summary>An object the script may use: unknown and unreadable objects are the same "no such object".</summary>
    private ObjectDefinition Object(string apiName)
    {
        var definition = session.Metadata.FindObject(apiName);
        if (definition is null || (session.Access is { } access && !access.CanRead(definition)))
        {
            throw PaasException.Validation("object", $"There is no object '{apiName}'.");
        }

        return definition;
    }

    /// <summary>Every field the caller may read, formulas and roll-ups included; relations as ids.</summary>
    private RecordSelection Readable(ObjectDefinition definition) =>
        RecordSelection.Flat(definition, definition.LiveFields.Where(f => session.Access is not { } access || access.CanReadField(definition, f)));

    private IReadOnlyDictionary<string, object?> Reread(ObjectDefinition definition, Guid id)
    {
        var record = RecordSelection.Flatten(Wait(RecordQueryExecutor.GetAsync(session, Readable(definition), id, ct)));
        return record is null ? new Dictionary<string, object?> { [SystemFields.Id] = id.ToString() } : ScriptValues.ToPlain(record);
    }

    /// <summary>Script values become what GraphQL input would be (whole doubles as integers, lists and objects as they are).</summary>
    private static Dictionary<string, object?> Input(ObjectDefinition definition, IReadOnlyDictionary<string, object?> values) =>
        values.ToDictionary(kv => kv.Key, kv => definition.FindField(kv.Key) is { } field ? ScriptValues.FromScript(field, kv.Value) : kv.Value, StringComparer.Ordinal);

    /// <summary>A filter may name only fields the caller can read, through lookups as well: no oracle for hidden values.</summary>
    private void CheckReadable(ObjectDefinition definition, IReadOnlyDictionary<string, object?> filter, string path, int depth)
    {
        if (depth > QueryLimits.MaxFilterDepth)
        {
            throw PaasException.LimitExceeded("filterDepth", $"A filter may nest at most {QueryLimits.MaxFilterDepth} levels.");
        }

        foreach (var (key, value) in filter)
        {
            if (key is "and" or "or" && value is IEnumerable<object?> items)
            {
                foreach (var item in items.OfType<IReadOnlyDictionary<string, object?>>())
                {
                    CheckReadable(definition, item, $"{path}.{key}", depth + 1);
                }

                continue;
            }

            if (key == "not" && value is IReadOnlyDictionary<string, object?> negated)
            {
                CheckReadable(definition, negated, $"{path}.not", depth + 1);
                continue;
            }

            var field = definition.FindField(key);
            if (field is null || !ComputedFields.IsQueryable(session.Metadata, definition, field) || (session.Access is { } access && !access.CanReadField(definition, field)))
            {
                throw PaasException.Validation($"{path}.{key}", $"'{definition.ApiName}' has no field '{key}' to filter on.");
            }

            if (field.Type.IsRelation() && value is IReadOnlyDictionary<string, object?> nested && session.Metadata.FindObject(field.Target!) is { } target)
            {
                var related = nested.Where(kv => kv.Key is not ("eq" or "neq" or "in" or "nin" or "isNull")).ToDictionary();
                if (related.Count > 0)
                {
                    CheckReadable(target, related, $"{path}.{key}", depth + 1);
                }
            }
        }
    }

    private IReadOnlyList<SortKey> OrderBy(ObjectDefinition definition, object? value)
    {
        if (value is null)
        {
            return [];
        }

        var entries = value switch
        {
            IReadOnlyDictionary<string, object?> single => [single],
            IEnumerable<object?> list => list.Select(e => e as IReadOnlyDictionary<string, object?>
                ?? throw PaasException.Validation("orderBy", "Each orderBy entry is an object like {amount: 'DESC'}.")).ToList(),
            _ => throw PaasException.Validation("orderBy", "orderBy is a list of objects like {amount: 'DESC'}."),
        };
        var keys = new List<SortKey>();
        foreach (var entry in entries)
        {
            foreach (var (name, direction) in entry)
            {
                var field = definition.FindField(name);
                if (field is null || !ComputedFields.ValueField(field).Type.IsSortable() || !ComputedFields.IsQueryable(session.Metadata, definition, field)
                    || (session.Access is { } access && !access.CanReadField(definition, field)))
                {
                    throw PaasException.Validation("orderBy", $"'{definition.ApiName}' has no field '{name}' to sort on.");
                }

                keys.Add(new SortKey(field, direction switch
                {
                    "ASC" or "asc" => false,
                    "DESC" or "desc" => true,
                    _ => throw PaasException.Validation("orderBy", "A direction is 'ASC' or 'DESC'."),
                }));
            }
        }

        return keys.Count > 10 ? throw PaasException.LimitExceeded("orderByKeys", "At most 10 orderBy keys are allowed.") : keys;
    }
}
