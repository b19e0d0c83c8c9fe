namespace Paas.Scripting.Conversion;

/// <summary>
/// The host handed the sandbox a value that is not plain data (a programming error in the host, not the script's
/// fault). It leaves <see cref="JintScriptRunner.Run"/> as is.
/// </summary>
internal sealed class HostDataException(string message) : InvalidOperationException(message);
