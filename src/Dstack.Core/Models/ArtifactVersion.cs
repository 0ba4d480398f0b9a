namespace Dstack.Core.Models;

/// <summary>
/// One saved state of an artifact folder: the path it was declared with and the manifest of its tree.
/// Written only after every blob the manifest names is stored.
/// </summary>
public sealed record ArtifactVersion(string Path, string Manifest, int Files, long Bytes, DateTimeOffset SavedAt);
