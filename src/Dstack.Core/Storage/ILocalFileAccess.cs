namespace Dstack.Core.Storage;

/// <summary>
/// An optional capability of stores that live on this machine's filesystem: content can be
/// hard-linked in instead of copied. Checked with <c>storage is ILocalFileAccess</c>.
/// </summary>
public interface ILocalFileAccess
{
    /// <summary>Links <paramref name="localPath"/> in as <paramref name="key"/>; false when linking is not possible (then copy).</summary>
    bool TryLink(string key, string localPath);
}
