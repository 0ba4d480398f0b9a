namespace Dstack.Core.Compute.Ssh;

/// <summary>What a remote command printed and how it ended (255: ssh itself failed, or the command exited 255).</summary>
public sealed record SshResult(int ExitCode, string StdOut, string StdErr);
