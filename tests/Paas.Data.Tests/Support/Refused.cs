using Paas.Core.Errors;

namespace Paas.Data.Tests.Support;

/// <summary>Assertions on the platform's client errors.</summary>
public static class Refused
{
    /// <summary>Asserts that <paramref name="action"/> fails with a <see cref="PaasException"/> of <paramref name="code"/>.</summary>
    public static async Task<PaasException> WithAsync(string code, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<PaasException>(action);
        Assert.True(error.Code == code, $"Expected {code} but got {error.Code}: {error.Message}");
        return error;
    }

    public static Task<PaasException> ValidationAsync(Func<Task> action) => WithAsync(ErrorCodes.ValidationFailed, action);

    /// <summary>Asserts VALIDATION_FAILED with a field error on each of <paramref name="fields"/> (and maybe others).</summary>
    public static async Task<PaasException> ValidationAsync(Func<Task> action, params string[] fields)
    {
        var error = await ValidationAsync(action);
        var named = error.FieldErrors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            Assert.True(named.Contains(field), $"Expected a field error on '{field}', got: {string.Join("; ", error.FieldErrors)}");
        }

        return error;
    }

    /// <summary>Asserts VALIDATION_FAILED naming exactly <paramref name="fields"/> (in any order).</summary>
    public static async Task<PaasException> ValidationExactlyAsync(Func<Task> action, params string[] fields)
    {
        var error = await ValidationAsync(action);
        Assert.Equal(fields.Order(StringComparer.Ordinal), error.FieldErrors.Select(e => e.Field).Distinct().Order(StringComparer.Ordinal));
        return error;
    }
}
