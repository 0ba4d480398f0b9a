using Dstack.Core.Errors;

namespace Dstack.Core.Storage;

/// <summary>
/// Content read from the store that cannot be trusted: bytes that do not match their address, or a manifest whose
/// paths would lead out of the folder it is written into. Every sentence names whose content it is (<c>run wet-fox-1</c>, <c>tag best</c>).
/// Nothing read from the store is kept when one of these is raised.
/// </summary>
public sealed class StoreContentException(string message) : DstackException(message)
{
    public static StoreContentException Mismatch(string what, string hash, string owner) => new(
        $"{what} {Short(hash)} of {owner} does not match its SHA-256: the store was changed outside dstack, and nothing " +
        "read from it was kept. Ask whoever can write the store, or run the producing workflow again.");

    public static StoreContentException Missing(string hash, string owner) => new(
        $"Stored content {Short(hash)} of {owner} is missing from the store; it may have been removed. Run the workflow again.");

    public static StoreContentException SnapshotMissing(string id, string owner) => new(
        $"Snapshot {Short(id)} of {owner} is missing from the store; it may have been removed.");

    public static StoreContentException NotAHash(string hash, string owner) => new(
        $"A stored manifest of {owner} names content '{Shown(hash)}', which is not a SHA-256; nothing was written from it.");

    public static StoreContentException UnsafePath(string path, string owner, string why) => new(
        $"A stored manifest of {owner} has an unsafe path '{Shown(path)}' ({why}); nothing was written from it.");

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    /// <summary>A value from the store, printable and short: control characters escaped, at most 80 characters.</summary>
    internal static string Shown(string value)
    {
        var escaped = string.Concat(value.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
        return escaped.Length <= 80 ? escaped : escaped[..77] + "...";
    }
}
