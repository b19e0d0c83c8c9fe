using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Paas.Core.Errors;

namespace Paas.Scripting.Api;

/// <summary>
/// Calls the host for the script and decides what its failures become:
/// <list type="bullet">
/// <item><c>LIMIT_EXCEEDED</c> (and cancellation) propagates as the CLR exception it is, which no JavaScript
/// <c>catch</c> or <c>finally</c> can stop: the script ends and <see cref="JintScriptRunner.Run"/> rethrows it;</item>
/// <item>any other <see cref="PaasException"/> becomes a catchable <c>Error</c> with its message, <c>code</c> and
/// <c>errors</c> (an array of <c>{field, message}</c>); if the script lets it through, the SCRIPT_ERROR keeps the field
/// errors (see <see cref="FindHostError"/>);</item>
/// <item>anything else becomes a catchable <c>Error("Internal error in db.get")</c>: its message and stack stay in the host.</item>
/// </list>
/// Error objects get their properties as own data properties, so setters a script planted on prototypes never run.
/// </summary>
internal sealed class HostBridge(Engine engine)
{
    private readonly Dictionary<ObjectInstance, PaasException> _hostErrors = new(ReferenceEqualityComparer.Instance);

    public T Call<T>(string function, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (PaasException ex) when (ex.Code == ErrorCodes.LimitExceeded)
        {
            throw;
        }
        catch (PaasException ex)
        {
            throw new JavaScriptException(ToJsError(ex));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new JavaScriptException(engine.Intrinsics.Error, $"Internal error in {function}");
        }
    }

    public void Call(string function, Action call) => Call(function, () =>
    {
        call();
        return true;
    });

    /// <summary>The host error behind a JS error object this bridge created, if <paramref name="thrown"/> is one.</summary>
    public PaasException? FindHostError(JsValue thrown) =>
        thrown is ObjectInstance obj && _hostErrors.TryGetValue(obj, out var error) ? error : null;

    private ObjectInstance ToJsError(PaasException exception)
    {
        var error = engine.Intrinsics.Error.Construct(exception.Message);
        error.CreateDataProperty("code", new JsString(exception.Code));
        var fieldErrors = new JsValue[exception.FieldErrors.Count];
        for (var i = 0; i < fieldErrors.Length; i++)
        {
            var item = new JsObject(engine);
            item.CreateDataProperty("field", new JsString(exception.FieldErrors[i].Field));
            item.CreateDataProperty("message", new JsString(exception.FieldErrors[i].Message));
            fieldErrors[i] = item;
        }

        error.CreateDataProperty("errors", new JsArray(engine, fieldErrors));
        _hostErrors[error] = exception;
        return error;
    }
}
