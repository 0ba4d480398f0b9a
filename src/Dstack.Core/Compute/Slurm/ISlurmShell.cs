namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// Where Slurm's commands run: this machine (<see cref="LocalSlurmShell"/>, a login node already) or a login host over SSH
/// (<see cref="LoginSlurmShell"/>). Each call is one POSIX sh script, so that a submit is one round trip.
/// </summary>
public interface ISlurmShell
{
    /// <summary>"this machine" or the login host, for messages.</summary>
    string Where { get; }

    /// <summary>Runs <paramref name="script"/>; throws a <see cref="SlurmException"/> only when the shell itself cannot be reached.</summary>
    Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct);
}
