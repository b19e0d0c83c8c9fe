namespace Paas.Scripting.Conversion;

/// <summary>
/// Caps on one value crossing from a script to the host: nesting depth, entries (array elements plus object
/// properties, counted over the whole value) and characters of text (string values and keys).
/// </summary>
internal sealed record PlainDataLimits(int MaxDepth, int MaxEntries, long MaxCharacters)
{
    public const int Depth = 32;

    /// <summary>Arguments of one <c>db.*</c> call.</summary>
    public static PlainDataLimits ForArguments(long maxMemoryBytes) => new(Depth, 10_000, CharactersIn(maxMemoryBytes));

    /// <summary>A result or one read-back value (before-triggers may hand back many records).</summary>
    public static PlainDataLimits ForOutput(long maxMemoryBytes) => new(Depth, 100_000, CharactersIn(maxMemoryBytes));

    /// <summary>Text can be no larger than the memory a script may use, at two bytes a character.</summary>
    private static long CharactersIn(long maxMemoryBytes) => maxMemoryBytes > 0 ? maxMemoryBytes / 2 : long.MaxValue;
}
