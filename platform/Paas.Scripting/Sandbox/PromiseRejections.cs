using Jint;
using Jint.Native;
using Jint.Native.Promise;

namespace Paas.Scripting.Sandbox;

/// <summary>
/// Remembers why promises were rejected, from the engine's rejection tracker, so a rejected result can be reported
/// without Jint's <c>UnwrapIfPromise</c>, which renders the reason with <c>toString</c> and so would run script after
/// the execution ended. Only rejections of promises without a handler at that moment are tracked; a result promise
/// that was already handled when it was rejected falls back to unwrapping (still bounded: Jint re-arms every
/// constraint when an entry ends).
/// </summary>
internal sealed class PromiseRejections
{
    private readonly Dictionary<JsValue, JsValue> _reasons = new(ReferenceEqualityComparer.Instance);

    public PromiseRejections(Engine engine) => engine.Advanced.PromiseRejectionTracker += (_, args) =>
    {
        if (args.Operation == PromiseRejectionOperation.Reject)
        {
            _reasons[args.Promise] = args.Value ?? JsValue.Undefined;
        }
    };

    public bool TryGetReason(JsValue promise, out JsValue reason) => _reasons.TryGetValue(promise, out reason!);
}
