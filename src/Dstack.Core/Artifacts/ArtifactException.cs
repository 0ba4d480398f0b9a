using Dstack.Core.Errors;

namespace Dstack.Core.Artifacts;

/// <summary>Every sentence a user can see about listing or downloading artifacts.</summary>
public sealed class ArtifactException(string message) : DstackException(message)
{
    public static ArtifactException LocalFilesDiffer(int count, string example) =>
        new($"{count} local file(s) differ from the artifacts, e.g. {example}; nothing was written. Use --force to overwrite them.");

    public static ArtifactException NothingToDownload(string target) =>
        new($"'{target}' has no artifacts to download. `dstack artifacts list {target}` shows what it has.");
}
