namespace Paas.Core.Scripting;

/// <summary>
/// What <c>db.*</c> and <c>log.*</c> do, implemented by the data layer: every call goes through the same write pipeline,
/// permissions and record access as GraphQL. Calls are synchronous because the sandbox is; arguments and results are
/// plain data (see <see cref="ScriptExecution"/>). Failures are <see cref="Errors.PaasException"/>s, which the sandbox
/// turns into JavaScript errors the script may catch (except <c>LIMIT_EXCEEDED</c>, which ends the script).
/// The host counts queries and DML in the execution's <see cref="ScriptGovernor"/>.
/// </summary>
public interface IScriptHost
{
    /// <summary><c>db.get(object, id)</c>: the record, or null when it does not exist or the caller may not read it.</summary>
    IReadOnlyDictionary<string, object?>? Get(string objectApiName, string id);

    /// <summary><c>db.query(object, {filter, orderBy, first})</c>: filter and orderBy as in GraphQL (orderBy a list of {field: "ASC"|"DESC"}).</summary>
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Query(string objectApiName, IReadOnlyDictionary<string, object?> options);

    /// <summary><c>db.create(object, record)</c>: the created record.</summary>
    IReadOnlyDictionary<string, object?> Create(string objectApiName, IReadOnlyDictionary<string, object?> record);

    /// <summary><c>db.update(object, id, changes)</c>: the updated record.</summary>
    IReadOnlyDictionary<string, object?> Update(string objectApiName, string id, IReadOnlyDictionary<string, object?> changes);

    /// <summary><c>db.delete(object, id)</c>.</summary>
    void Delete(string objectApiName, string id);

    /// <summary><c>log.info/warn/error(message)</c>: kept with the execution for admins.</summary>
    void Log(string level, string message);
}
