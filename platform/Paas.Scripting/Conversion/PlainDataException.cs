namespace Paas.Scripting.Conversion;

/// <summary>Why a script's value could not become plain data.</summary>
internal enum PlainDataProblem
{
    /// <summary>A function, symbol, BigInt, getter, Proxy, circular reference or an object that is not a plain object, array or Date.</summary>
    NotPlainData,

    /// <summary>Deeper, or with more entries or text, than <see cref="PlainDataLimits"/> allow.</summary>
    TooLarge,
}

/// <summary>A script's value that cannot cross to the host; the message names where in the value (e.g. <c>record.tags[2]</c>).</summary>
internal sealed class PlainDataException(PlainDataProblem problem, string message) : Exception(message)
{
    public PlainDataProblem Problem { get; } = problem;
}
