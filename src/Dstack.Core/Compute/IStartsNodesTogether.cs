using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// A compute that starts a multi-node run's runners as one placement (Slurm: one <c>sbatch -N N</c> allocation, one runner
/// per node through <c>srun</c>), so the nodes start together or not at all. One launch per node, in rank order; they may
/// share one handle (then killing one ends them all, which a failed or stopped multi-node run does anyway).
/// </summary>
public interface IStartsNodesTogether
{
    Task<IReadOnlyList<LaunchInfo>> StartNodesAsync(IReadOnlyList<RunnerTarget> nodes, CancellationToken ct);
}
