using GraphQL;
using GraphQL.Resolvers;
using Paas.Core.Errors;

namespace Paas.GraphQL.Execution;

/// <summary>Wraps resolvers so that a <see cref="PaasException"/> reaches the client as a coded GraphQL error.</summary>
public static class Resolve
{
    public static IFieldResolver Async<T>(Func<IResolveFieldContext, Task<T>> resolver) => new AsyncResolver<T>(resolver);

    private sealed class AsyncResolver<T>(Func<IResolveFieldContext, Task<T>> resolver) : IFieldResolver
    {
        public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            try
            {
                return await resolver(context);
            }
            catch (PaasException ex)
            {
                throw new PaasExecutionError(ex);
            }
        }
    }

    /// <summary>A synchronous resolver. Implemented directly: FuncFieldResolver inspects its delegate, which costs a lot over thousands of fields.</summary>
    public static IFieldResolver Sync(Func<IResolveFieldContext, object?> resolver) => new SyncResolver(resolver);

    private sealed class SyncResolver(Func<IResolveFieldContext, object?> resolver) : IFieldResolver
    {
        public ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            try
            {
                return new ValueTask<object?>(resolver(context));
            }
            catch (PaasException ex)
            {
                throw new PaasExecutionError(ex);
            }
        }
    }
}
