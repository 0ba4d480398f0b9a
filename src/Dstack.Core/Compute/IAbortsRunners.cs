using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// A compute whose runners can be ended harder than <see cref="ICompute.KillRunnerAsync"/> does: an abort that the
/// runner did not carry out in time kills at once (Slurm: <c>scancel --signal=KILL</c>). Idempotent, silent when nothing is left.
/// </summary>
public interface IAbortsRunners
{
    Task AbortRunnerAsync(LaunchInfo launch, CancellationToken ct);
}
