namespace Dstack.Core.Compute;

/// <summary>
/// A compute whose runner checks share one answer from its scheduler (Slurm: one <c>squeue</c> for every run): a listing
/// asks for it before it reads the runs, so that the answer arrives while they are read instead of holding up every
/// reader that reaches its first check.
/// </summary>
public interface IPrefetchesChecks
{
    /// <summary>Starts asking for the shared answer (not awaited: a check awaits it, or nobody does).</summary>
    void PrefetchChecks();
}
