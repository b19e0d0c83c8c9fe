using GraphQL;
using GraphQL.Resolvers;
using Paas.Core.Errors;

namespace Paas.GraphQL.Execution;

/// <summary>Wraps resolvers so that a <see cref="PaasException"/> reaches the client as a coded GraphQL error.</summary>
public static class Resolve
{
    public static IFieldResolver Async<T>(Func<IResolveFieldContext, Task<T>> resolver) =>
        new FuncFieldResolver<object?>(async context =>
        {
            try
            {
                return await resolver(context);
            }
            catch (PaasException ex)
            {
                throw new PaasExecutionError(ex);
            }
        });

    public static IFieldResolver Sync(Func<IResolveFieldContext, object?> resolver) =>
        new FuncFieldResolver<object?>(context =>
        {
            try
            {
                return resolver(context);
            }
            catch (PaasException ex)
            {
                throw new PaasExecutionError(ex);
            }
        });
}
