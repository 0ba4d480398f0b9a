namespace Dstack.Core.Compute.Ssh;

/// <summary>Why an SSH connection failed, for callers that act on it (try the next host, say "unreachable").</summary>
public enum SshProblem
{
    Other,
    Unreachable,
    NoKey,
    WrongHostKey,
}
