namespace Dstack.Core.Errors;

/// <summary>
/// A user-facing error: the message names the thing and the fix. The CLI prints it as
/// <c>Error: message</c> with exit code 1 and no stack trace (unless <c>--debug</c>).
/// </summary>
public class DstackException(string message, Exception? inner = null) : Exception(message, inner);
