using Dstack.Core.Errors;

namespace Dstack.Core.Compute.Ssh;

/// <summary>What goes wrong with SSH hosts, each sentence naming the host and the fix.</summary>
public sealed class SshException(string message, SshProblem problem = SshProblem.Other) : DstackException(message)
{
    public SshProblem Problem { get; } = problem;

    public static SshException BadHost(string value) =>
        new($"Invalid SSH host '{Quote.Short(value)}': give an alias from your SSH config or user@host[:port], several separated by commas.");

    public static SshException NoHosts(string value) =>
        new($"No SSH host in '{Quote.Short(value)}': give at least one, like --ssh h1,h2 or --ssh ubuntu@10.0.0.5:2222.");

    public static SshException RepeatedHost(string host) =>
        new($"SSH host '{Quote.Short(host)}' is listed twice: name each host once.");

    public static SshException MissingFile(string what, string path) =>
        new($"The {what} '{Quote.Short(path)}' does not exist: give an existing file.");

    public static SshException NoSshClient() =>
        new("The `ssh` client is not installed on this machine: install OpenSSH (apt-get install openssh-client).");

    public static SshException Unreachable(string host, string detail, string tryCommand) =>
        new($"SSH host {host} is unreachable ({detail}). Check that it is up and that `{tryCommand}` works from here.", SshProblem.Unreachable);

    public static SshException NoKey(string host, string? identity) =>
        new(identity is null
            ? $"SSH host {host} accepts none of your keys (Permission denied). Give one with --identity FILE, add it to ssh-agent, or set IdentityFile for {host} in your SSH config."
            : $"SSH host {host} does not accept the key {identity} (Permission denied). Add its public key to ~/.ssh/authorized_keys on {host}, or give another with --identity FILE.",
            SshProblem.NoKey);

    public static SshException HostKeyChanged(string host, string tryCommand) =>
        new($"SSH host {host} presents a host key other than the one in known_hosts (it was reinstalled, or someone is in between). " +
            $"If the change is expected: ssh-keygen -R {host}, then `{tryCommand}` once to accept the new key.", SshProblem.WrongHostKey);

    public static SshException HostKeyUnknown(string host, string tryCommand) =>
        new($"SSH host {host} is not in known_hosts, and dstack never accepts a host key by itself. Connect once with `{tryCommand}` and check the fingerprint.",
            SshProblem.WrongHostKey);

    public static SshException Failed(string host, string what, string detail) =>
        new($"{what} on SSH host {host} failed: {Quote.Short(detail)}");

    public static SshException ArchMismatch(string host, string remote, string local) =>
        new($"SSH host {host} is {remote}, but this dstack is built for {local}: run dstack there from a machine of the same architecture, or remove {host} from the target.");

    public static SshException NotPublished(string path) =>
        new($"This dstack runs as '{Quote.Short(path)}' (not a published executable), so it cannot be copied to SSH hosts: use the published dstack binary.");

    public static SshException NoHostFits(string target) =>
        new($"No host of compute target `{target}` can take this job now. Check them with `dstack hosts {target}`.");

    public static SshException NoHostsForNodes(string target, int nodes) =>
        new($"Compute target `{target}` has fewer than {nodes} hosts that answer and can take a node of this run now: it runs its nodes together or not at all. Check them with `dstack hosts {target}`.");

    public static SshException ForwardFailed(string host, string detail) =>
        new($"Could not forward the job's ports from SSH host {host} ({Quote.Short(detail)}): they are still there on the host; re-attach to try again.");
}
