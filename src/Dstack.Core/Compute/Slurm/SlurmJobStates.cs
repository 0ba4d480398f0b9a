namespace Dstack.Core.Compute.Slurm;

/// <summary>Slurm's job states (<c>squeue -o %T</c>) as the runner's life: held (queued or running) or over.</summary>
public static class SlurmJobStates
{
    private static readonly HashSet<string> Held = new(StringComparer.Ordinal)
    {
        "PENDING", "CONFIGURING", "RUNNING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT",
    };

    /// <summary>True while Slurm holds the job (a pending job's runner is yet to start); false once it ends (COMPLETING included) or is unknown.</summary>
    public static bool Holds(string state) => Held.Contains(state);
}
