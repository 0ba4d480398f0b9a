namespace Dstack.Core.Compute.Slurm;

/// <summary>What a shell script run by <see cref="ISlurmShell"/> left: its exit code and output.</summary>
public sealed record ShellResult(int ExitCode, string StdOut, string StdErr);
