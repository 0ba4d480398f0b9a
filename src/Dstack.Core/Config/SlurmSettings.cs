namespace Dstack.Core.Config;

/// <summary>
/// A Slurm target's settings: where its jobs go (<see cref="Partition"/>, <see cref="Account"/>, <see cref="Qos"/>;
/// null: the cluster's default) and where <c>sbatch</c>/<c>squeue</c>/<c>scancel</c> run: this machine when
/// <see cref="Login"/> is null, else that login host over SSH (an SSH config alias or user@host[:port]).
/// <see cref="Docker"/>: every node has Docker (<c>--docker</c> at add); else only nodes with the Slurm feature <c>docker</c>.
/// </summary>
public sealed record SlurmSettings(string? Partition = null, string? Account = null, string? Qos = null, string? Login = null, bool Docker = false);
