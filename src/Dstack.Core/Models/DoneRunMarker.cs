namespace Dstack.Core.Models;

/// <summary>
/// What a done-run marker holds: the run's artifact versions as they were when it ended done (they never change after),
/// so that a <c>workflow:</c> dep reads them with the marker instead of listing the run's artifacts.
/// </summary>
public sealed record DoneRunMarker(IReadOnlyList<ArtifactVersion> Artifacts);
