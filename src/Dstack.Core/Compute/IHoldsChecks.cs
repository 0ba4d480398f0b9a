namespace Dstack.Core.Compute;

/// <summary>
/// A compute whose runner checks share one answer from its scheduler (Slurm: one <c>squeue</c> for every run). A listing
/// asks for it before it reads the runs, so that the answer arrives while they are read instead of holding up every
/// reader at its first check, and holds it for its whole pass: a listing of many runs on a busy machine outlasts the
/// answer's freshness (meant for readers that poll) and would otherwise ask again.
/// </summary>
public interface IHoldsChecks
{
    /// <summary>Starts asking for the shared answer (not awaited here) and serves it to every check until disposed.</summary>
    IDisposable HoldChecks();
}
