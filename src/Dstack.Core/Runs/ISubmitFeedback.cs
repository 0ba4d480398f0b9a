using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>What a submit tells its user while it stores the code. <see cref="CodeFileStored"/> may come from several threads at once.</summary>
public interface ISubmitFeedback
{
    void CodeStarted(int files);

    void CodeFileStored();

    /// <summary>The snapshot is stored; <paramref name="manifest"/> says what went in.</summary>
    void CodeStored(SnapshotManifest manifest);
}
