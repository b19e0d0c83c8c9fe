using Jint;
using Jint.Native;
using Paas.Core.Scripting;
using Paas.Scripting.Conversion;

namespace Paas.Scripting.Api;

/// <summary>
/// The global <c>db</c>, present only when the execution has a host:
/// <c>db.get(object, id)</c>, <c>db.query(object, {filter, orderBy, first})</c>, <c>db.create(object, record)</c>,
/// <c>db.update(object, id, changes)</c> and <c>db.delete(object, id)</c>. Arguments are checked here (a wrong type is a
/// catchable <c>TypeError</c>) and read as plain data within <see cref="PlainDataLimits.ForArguments"/>; results come
/// back as fresh plain JS values. Host failures are handled by <see cref="HostBridge"/>.
/// </summary>
internal static class DbApi
{
    public const string GlobalName = "db";
    private static readonly HashSet<string> QueryOptions = new(StringComparer.Ordinal) { "filter", "orderBy", "first" };

    public static void Install(Engine engine, IScriptHost host, HostBridge bridge, PlainDataLimits limits)
    {
        var db = new JsObject(engine);
        FunctionBuilder.DefineFunction(engine, db, "get", 2, arguments =>
        {
            const string signature = "db.get(object, id)";
            var objectName = JsArgs.RequireString(engine, arguments, 0, signature, "object");
            var id = JsArgs.RequireString(engine, arguments, 1, signature, "id");
            return PlainDataToJs.ConvertOne(engine, bridge.Call("db.get", () => host.Get(objectName, id)));
        });

        FunctionBuilder.DefineFunction(engine, db, "query", 2, arguments =>
        {
            const string signature = "db.query(object, {filter, orderBy, first})";
            var objectName = JsArgs.RequireString(engine, arguments, 0, signature, "object");
            var options = JsArgs.ReadObject(engine, arguments, 1, signature, "options", limits, optional: true) ?? [];
            CheckQueryOptions(engine, signature, options);
            var rows = bridge.Call("db.query", () => host.Query(objectName, options));
            return PlainDataToJs.ConvertOne(engine, rows);
        });

        FunctionBuilder.DefineFunction(engine, db, "create", 2, arguments =>
        {
            const string signature = "db.create(object, record)";
            var objectName = JsArgs.RequireString(engine, arguments, 0, signature, "object");
            var record = JsArgs.ReadObject(engine, arguments, 1, signature, "record", limits)!;
            return PlainDataToJs.ConvertOne(engine, bridge.Call("db.create", () => host.Create(objectName, record)));
        });

        FunctionBuilder.DefineFunction(engine, db, "update", 3, arguments =>
        {
            const string signature = "db.update(object, id, changes)";
            var objectName = JsArgs.RequireString(engine, arguments, 0, signature, "object");
            var id = JsArgs.RequireString(engine, arguments, 1, signature, "id");
            var changes = JsArgs.ReadObject(engine, arguments, 2, signature, "changes", limits)!;
            return PlainDataToJs.ConvertOne(engine, bridge.Call("db.update", () => host.Update(objectName, id, changes)));
        });

        FunctionBuilder.DefineFunction(engine, db, "delete", 2, arguments =>
        {
            const string signature = "db.delete(object, id)";
            var objectName = JsArgs.RequireString(engine, arguments, 0, signature, "object");
            var id = JsArgs.RequireString(engine, arguments, 1, signature, "id");
            bridge.Call("db.delete", () => host.Delete(objectName, id));
            return JsValue.Undefined;
        });

        FunctionBuilder.DefineReadOnly(engine.Global, GlobalName, db);
    }

    private static void CheckQueryOptions(Engine engine, string signature, Dictionary<string, object?> options)
    {
        foreach (var key in options.Keys)
        {
            if (!QueryOptions.Contains(key))
            {
                throw JsArgs.TypeError(engine, $"{signature}: unknown option '{key}'.");
            }
        }

        if (options.GetValueOrDefault("filter") is not (null or Dictionary<string, object?>))
        {
            throw JsArgs.TypeError(engine, $"{signature}: filter must be an object.");
        }

        if (options.GetValueOrDefault("orderBy") is not (null or List<object?> or Dictionary<string, object?>))
        {
            throw JsArgs.TypeError(engine, $"{signature}: orderBy must be an array of {{field: \"ASC\"|\"DESC\"}} (or one such object).");
        }

        switch (options.GetValueOrDefault("first"))
        {
            case null:
                break;
            case double first when first is >= 0 and <= int.MaxValue && Math.Floor(first) == first:
                break;
            default:
                throw JsArgs.TypeError(engine, $"{signature}: first must be a non-negative integer.");
        }
    }
}
