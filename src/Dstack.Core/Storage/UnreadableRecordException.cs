using Dstack.Core.Errors;

namespace Dstack.Core.Storage;

/// <summary>
/// A stored record that exists but cannot be read: truncated, edited by hand, or not JSON of the expected shape.
/// One such record must not break a whole store: listings skip it with a warning naming <see cref="Key"/>.
/// </summary>
public sealed partial class UnreadableRecordException(string key, string message, Exception? inner = null) : DstackException(message, inner)
{
    /// <summary>The store key of the record that could not be read.</summary>
    public string Key { get; } = key;
}
