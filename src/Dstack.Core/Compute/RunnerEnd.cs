using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// How a compute saw its runner end without the runner's final word: the verdict readers give (<paramref name="Reason"/>,
/// <paramref name="Detail"/>: a scheduler that cancelled the job says so, "slurm: CANCELLED"), and, when it has it, what the
/// runner's start left behind (<paramref name="StartOutput"/>: the last lines it printed) to explain a runner that never
/// wrote a state.
/// </summary>
public sealed record RunnerEnd(TerminationReason Reason, string? Detail, string? StartOutput = null);
