using Dstack.Core.Workflows;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// A target's <c>slurm_conf</c> (a cluster whose <c>slurm.conf</c> is not the login node's default) as shell: every
/// script of the target's shell starts by exporting <c>SLURM_CONF</c>, so <c>sbatch</c>, <c>srun</c>, <c>squeue</c>,
/// <c>scancel</c>, <c>scontrol</c> and <c>sacct</c> all ask that cluster's controller.
/// </summary>
public static class SlurmConfScript
{
    /// <summary><paramref name="script"/>, after an <c>export SLURM_CONF</c> when <paramref name="conf"/> is set.</summary>
    public static string Prefixed(string? conf, string script) =>
        conf is null ? script : $"SLURM_CONF={ShellQuote.Quote(conf)}; export SLURM_CONF\n{script}";

    /// <summary>
    /// The <c>env -i</c> argument that keeps <c>SLURM_CONF</c> when it is set (the target's, or the caller's own): a
    /// setting, not a secret, and <c>sbatch</c> passes it on into the job, whose multi-node <c>srun</c> then asks the
    /// same controller.
    /// </summary>
    public const string KeptByEnv = "${SLURM_CONF:+\"SLURM_CONF=$SLURM_CONF\"}";
}
