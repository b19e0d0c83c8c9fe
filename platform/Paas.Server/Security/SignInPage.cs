using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.OAuth;
using Paas.Data.Platform;
using Paas.Data.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Paas.Server.Security;

/// <summary>
/// <c>GET/POST /account/signin</c>: a minimal server-rendered password sign-in (tenant slug, email, password) that sets
/// the sign-in cookie the authorization endpoint needs. Antiforgery-protected; one answer for an unknown tenant, an
/// unknown email, an inactive user and a wrong password; failures are throttled per address and per account and
/// audited (<c>signin.failed</c>, <c>signin.succeeded</c>) in the tenant's log when the tenant exists. Passwords are never logged.
/// <c>GET/POST /account/accept</c> is where an invited user sets a password; <c>POST /account/signout</c> ends the cookie.
/// </summary>
public static class SignInPage
{
    public const string Failed = "The tenant, email or password is not correct.";
    public const string Throttled = "Too many failed sign-ins. Try again later.";
    public const string InvitationInvalid = "This invitation is not valid: it may have expired or been used. Ask your administrator for a new one.";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/account/signin", (HttpContext http, IAntiforgery antiforgery) =>
            Page(http, antiforgery, StatusCodes.Status200OK, null, "", "", ReturnUrl(http.Request.Query["ReturnUrl"])));
        app.MapPost("/account/signin", PostAsync).DisableAntiforgery();
        app.MapGet("/account/accept", (HttpContext http, IAntiforgery antiforgery) => AcceptPage(http, antiforgery, StatusCodes.Status200OK, null,
            ((string?)http.Request.Query["tenant"] ?? "").Trim(), ((string?)http.Request.Query["token"] ?? "").Trim()));
        app.MapPost("/account/accept", AcceptAsync).DisableAntiforgery();

        // Sign-out ends the console's sign-in cookie; tokens already issued stay valid until they expire or are revoked.
        app.MapPost("/account/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(OAuthServer.CookieScheme);
            return Message("Signed out.");
        }).DisableAntiforgery();
    }

    private static async Task<IResult> PostAsync(HttpContext http, IAntiforgery antiforgery, SignInThrottle throttle, UserPasswords passwords, TenantCatalog catalog,
        MetadataCache metadata, IDatabaseConnector connector, TimeProvider time, ILoggerFactory loggers)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return FormExpired();
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var slug = ((string?)form["tenant"] ?? "").Trim();
        var email = ((string?)form["email"] ?? "").Trim();
        var password = (string?)form["password"] ?? "";
        var returnUrl = ReturnUrl(form["returnUrl"]);
        var address = OAuthServer.Address(http);

        if (throttle.Refused(address, slug, email) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page(http, antiforgery, StatusCodes.Status429TooManyRequests, Throttled, slug, email, returnUrl);
        }

        var tenant = slug.Length is > 0 and <= 40 ? await catalog.FindAsync(slug, http.RequestAborted) : null;
        var user = await passwords.VerifyAsync(tenant, email, password, http.RequestAborted);
        if (user is null || tenant is null)
        {
            throttle.RecordFailure(address, slug, email);
            if (tenant is { IsActive: true })
            {
                await OAuthServer.AuditAsync(connector, metadata, tenant, new Caller(tenant, Guid.Empty, "password") { Address = address }, "signin.failed",
                    email.Length > 200 ? email[..200] : email, null, time, http.RequestAborted);
            }

            loggers.CreateLogger(typeof(SignInPage)).LogInformation("Failed sign-in from {Address}.", address ?? "an unknown address");
            return Page(http, antiforgery, StatusCodes.Status401Unauthorized, Failed, slug, email, returnUrl);
        }

        await OAuthServer.AuditAsync(connector, metadata, tenant, new Caller(tenant, user.Id, "password") { Credential = "password", Address = address }, "signin.succeeded",
            user.Email, null, time, http.RequestAborted);
        return await SignInAsync(http, tenant, user, returnUrl, "Signed in.");
    }

    private static async Task<IResult> SignInAsync(HttpContext http, TenantInfo tenant, UserInfo user, string? returnUrl, string message)
    {
        var identity = new ClaimsIdentity(OAuthServer.CookieScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id.ToString("D")));
        identity.AddClaim(new Claim(OAuthServer.TenantIdClaim, tenant.Id.ToString("D")));
        identity.AddClaim(new Claim(OAuthServer.TenantSlugClaim, tenant.Slug));
        identity.AddClaim(new Claim(Claims.Name, user.Email));
        await http.SignInAsync(OAuthServer.CookieScheme, new ClaimsPrincipal(identity));
        return returnUrl is null ? Message(message) : Results.Redirect(returnUrl);
    }

    private static IResult Message(string text, int status = StatusCodes.Status200OK) =>
        Results.Content($"<!doctype html><title>{WebUtility.HtmlEncode(text)}</title><p>{WebUtility.HtmlEncode(text)}</p>", "text/html; charset=utf-8", statusCode: status);

    private static IResult FormExpired() =>
        Results.Content("The form has expired or was not sent from this site. Reload the page.", "text/plain", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>
    /// <c>POST /account/accept</c>: sets the password of an invited user and signs them in. One answer for an unknown, used
    /// or expired invitation; failures are throttled per address like sign-ins.
    /// </summary>
    private static async Task<IResult> AcceptAsync(HttpContext http, IAntiforgery antiforgery, SignInThrottle throttle, UserPasswords passwords, TenantCatalog catalog)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return FormExpired();
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var slug = ((string?)form["tenant"] ?? "").Trim();
        var token = ((string?)form["token"] ?? "").Trim();
        var password = (string?)form["password"] ?? "";
        var address = OAuthServer.Address(http);
        if (throttle.Refused(address, slug, token) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return AcceptPage(http, antiforgery, StatusCodes.Status429TooManyRequests, Throttled, slug, token);
        }

        if (password != (string?)form["confirm"])
        {
            return AcceptPage(http, antiforgery, StatusCodes.Status400BadRequest, "The two passwords are not the same.", slug, token);
        }

        if (password.Length is < UserPasswords.MinimumLength or > UserPasswords.MaximumLength)
        {
            return AcceptPage(http, antiforgery, StatusCodes.Status400BadRequest,
                $"A password has {UserPasswords.MinimumLength} to {UserPasswords.MaximumLength} characters.", slug, token);
        }

        var tenant = slug.Length is > 0 and <= 40 ? await catalog.FindAsync(slug, http.RequestAborted) : null;
        var user = await passwords.AcceptInvitationAsync(tenant, token, password, address, http.RequestAborted);
        if (user is null || tenant is null)
        {
            throttle.RecordFailure(address, slug, token);
            return AcceptPage(http, antiforgery, StatusCodes.Status400BadRequest, InvitationInvalid, slug, token);
        }

        return await SignInAsync(http, tenant, user, null, "Your password is set and you are signed in.");
    }

    private static IResult AcceptPage(HttpContext http, IAntiforgery antiforgery, int status, string? error, string tenant, string token)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.CacheControl = "no-store";
        var e = (string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Set your password</title></head>
            <body>
            <h1>Set your password</h1>
            {(error is null ? "" : $"<p role=\"alert\">{e(error)}</p>")}
            <form method="post" action="/account/accept">
            <input type="hidden" name="{e(tokens.FormFieldName)}" value="{e(tokens.RequestToken)}">
            <input type="hidden" name="tenant" value="{e(tenant)}">
            <input type="hidden" name="token" value="{e(token)}">
            <label>Password <input name="password" type="password" minlength="{UserPasswords.MinimumLength}" required></label>
            <label>Repeat it <input name="confirm" type="password" required></label>
            <button type="submit">Set password</button>
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Only local paths: the page must not send anyone elsewhere.</summary>
    private static string? ReturnUrl(string? value) =>
        value is { Length: > 0 and < 4000 } && value[0] == '/' && (value.Length == 1 || (value[1] != '/' && value[1] != '\\')) ? value : null;

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, int status, string? error, string tenant, string email, string? returnUrl)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.CacheControl = "no-store";
        var e = (string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
            <body>
            <h1>Sign in</h1>
            {(error is null ? "" : $"<p role=\"alert\">{e(error)}</p>")}
            <form method="post" action="/account/signin">
            <input type="hidden" name="{e(tokens.FormFieldName)}" value="{e(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{e(returnUrl)}">
            <label>Tenant <input name="tenant" value="{e(tenant)}" required></label>
            <label>Email <input name="email" type="email" value="{e(email)}" required></label>
            <label>Password <input name="password" type="password" required></label>
            <button type="submit">Sign in</button>
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
