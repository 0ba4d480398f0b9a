namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// The runner's side on an SSH host: the host's own queue and GPUs (<paramref name="inner"/>, its local ledger), with
/// <c>HOSTNAME</c> the host's address as the target names it, where the job's ports listen.
/// </summary>
public sealed class SshJobHost(IJobHost inner, string hostname) : IJobHost
{
    public string Hostname => hostname;
    public string Description => $"SSH host {hostname}";
    public IReadOnlyList<int> AllocatePorts(int count) => inner.AllocatePorts(count);
    public (string? Path, string Installed) FindPython(string version) => inner.FindPython(version);

    public Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, Models.JobResources? request, CancellationToken ct) =>
        inner.EnqueueAsync(key, submittedAt, request, ct);
}
