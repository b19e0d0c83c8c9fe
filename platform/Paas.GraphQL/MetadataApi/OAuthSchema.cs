using System.Collections;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Paas.Core.Errors;
using Paas.Data.OAuth;
using Paas.Data.Platform;
using Paas.Data.Security;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;

namespace Paas.GraphQL.MetadataApi;

/// <summary>
/// OAuth2 clients and passwords on the metadata API: <c>oauthClients</c>, <c>createOAuthClient</c>, <c>deleteOAuthClient</c>,
/// <c>setUserPassword</c>. All need the Manage Users permission. A client's secret is returned once, by <c>createOAuthClient</c>.
/// </summary>
public static class OAuthSchema
{
    public static void AddTo(ObjectGraphType query, ObjectGraphType mutation)
    {
        var str = new StringGraphType();
        var nn = (IGraphType t) => new NonNullGraphType(t);
        var strings = new ListGraphType(new NonNullGraphType(str));

        var grantType = new EnumerationGraphType { Name = "OAuthGrantType" };
        grantType.Add("CLIENT_CREDENTIALS", OAuthGrantType.ClientCredentials);
        grantType.Add("AUTHORIZATION_CODE", OAuthGrantType.AuthorizationCode);
        grantType.Add("REFRESH_TOKEN", OAuthGrantType.RefreshToken);

        var client = new ObjectGraphType { Name = "OAuthClient" };
        Add<OAuthClientInfo>(client, "clientId", nn(str), c => c.ClientId);
        Add<OAuthClientInfo>(client, "name", nn(str), c => c.Name);
        Add<OAuthClientInfo>(client, "user", new IdGraphType(), c => c.UserId);
        Add<OAuthClientInfo>(client, "grantTypes", nn(new ListGraphType(nn(grantType))), c => c.GrantTypes);
        Add<OAuthClientInfo>(client, "redirectUris", nn(strings), c => c.RedirectUris);
        Add<OAuthClientInfo>(client, "isConfidential", nn(new BooleanGraphType()), c => c.IsConfidential);
        var created = new ObjectGraphType { Name = "NewOAuthClient", Description = "The secret is shown only here, once; only its hash is kept." };
        Add<(OAuthClientInfo Client, string? Secret)>(created, "clientId", nn(str), c => c.Client.ClientId);
        Add<(OAuthClientInfo Client, string? Secret)>(created, "clientSecret", str, c => c.Secret);
        Add<(OAuthClientInfo Client, string? Secret)>(created, "client", nn(client), c => c.Client);

        var input = new InputObjectGraphType { Name = "OAuthClientInput" };
        input.AddField(new GraphField { Name = "user", ResolvedType = new IdGraphType(), Description = "The user a CLIENT_CREDENTIALS client acts as." });
        input.AddField(new GraphField { Name = "name", ResolvedType = nn(str) });
        input.AddField(new GraphField { Name = "redirectUris", ResolvedType = strings });
        input.AddField(new GraphField { Name = "grantTypes", ResolvedType = nn(new ListGraphType(nn(grantType))) });

        query.AddField(Field("oauthClients", nn(new ListGraphType(nn(client))), [], async c =>
        {
            SecurityService.RequireManageUsers(Ctx(c).Caller);
            return await OAuthClients.ListAsync(Service<IDbContextFactory<PlatformDbContext>>(c), Ctx(c).Tenant, c.CancellationToken);
        }));
        mutation.AddField(Field("createOAuthClient", nn(created), [Arg(nn(input), "input")], async c =>
        {
            SecurityService.RequireManageUsers(Ctx(c).Caller);
            var values = c.GetArgument<object?>("input") as IDictionary<string, object?> ?? throw PaasException.Validation("input", "An input object is required.");
            Guid? user = null;
            if (values.TryGetValue("user", out var given) && given is not null)
            {
                user = Guid.TryParse(given.ToString(), out var parsed) ? parsed : throw PaasException.Validation("user", "Expected a user id.");
            }

            var snapshot = await Ctx(c).Service.GetAsync(Ctx(c).Tenant, c.CancellationToken);
            return await OAuthClients.CreateAsync(Service<IOpenIddictApplicationManager>(c), snapshot, Ctx(c).Tenant, user,
                values.TryGetValue("name", out var name) ? name as string : null,
                List(values, "redirectUris").Select(v => v?.ToString() ?? "").ToList(),
                List(values, "grantTypes").OfType<OAuthGrantType>().ToList(), c.CancellationToken);
        }));
        mutation.AddField(Field("deleteOAuthClient", nn(new BooleanGraphType()), [Arg(nn(str), "clientId")], async c =>
        {
            SecurityService.RequireManageUsers(Ctx(c).Caller);
            return await OAuthClients.DeleteAsync(Service<IOpenIddictApplicationManager>(c), Ctx(c).Tenant, c.GetArgument<string>("clientId"), c.CancellationToken)
                ? true
                : throw PaasException.NotFound("This tenant has no OAuth client with this id.");
        }));
        mutation.AddField(Field("setUserPassword", nn(new BooleanGraphType()), [Arg(nn(new IdGraphType()), "id"), Arg(nn(str), "password")], async c =>
        {
            await Service<UserPasswords>(c).SetAsync(Ctx(c).Caller, c.GetArgument<Guid>("id"), c.GetArgument<string>("password"), c.CancellationToken);
            return true;
        }));
    }

    private static IEnumerable<object?> List(IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is IEnumerable list and not string ? list.Cast<object?>() : [];

    private static MetadataRequestContext Ctx(IResolveFieldContext context) => MetadataRequestContext.From(context);

    private static T Service<T>(IResolveFieldContext context) where T : notnull => context.RequestServices!.GetRequiredService<T>();

    private static QueryArgument Arg(IGraphType type, string name) => new(type) { Name = name };

    private static GraphField Field(string name, IGraphType type, QueryArgument[] arguments, Func<IResolveFieldContext, Task<object?>> resolve) => new()
    {
        Name = name,
        ResolvedType = type,
        Arguments = new QueryArguments(arguments),
        Resolver = Resolve.Async(resolve),
    };

    private static void Add<T>(ObjectGraphType type, string name, IGraphType graphType, Func<T, object?> read) =>
        SharedTypes.AddField(type, name, graphType, source => read((T)source!));
}
