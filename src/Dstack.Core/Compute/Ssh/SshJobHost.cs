namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// The runner's side on an SSH host: the host's own queue and GPUs (<paramref name="inner"/>, its local ledger), with
/// <c>HOSTNAME</c> the host's address as the target names it, where the job's ports listen. Why a job waits names the
/// host (<c>waiting for 2 CPUs (0 free) on h1</c>), as <c>ps</c> shows it. <paramref name="nodeAddress"/> is the address
/// the host was reached at over SSH (<see cref="SshCompute"/>), which the other hosts reach too.
/// </summary>
public sealed class SshJobHost(IJobHost inner, string hostname, string? nodeAddress = null) : IJobHost
{
    public string Hostname => hostname;
    public string NodeAddress => nodeAddress ?? hostname;
    public string Description => $"SSH host {hostname}";
    public IReadOnlyList<int> AllocatePorts(int count) => inner.AllocatePorts(count);
    public (string? Path, string Installed) FindPython(string version) => inner.FindPython(version);

    public async Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, Models.JobResources? request, CancellationToken ct) =>
        new Turn(await inner.EnqueueAsync(key, submittedAt, request, ct), hostname);

    private sealed class Turn(IJobTurn inner, string hostname) : IJobTurn
    {
        public Task<JobGrant?> WaitAsync(Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct) =>
            inner.WaitAsync(reason => waiting($"{reason} on {hostname}"), cancelled, ct);

        public void Dispose() => inner.Dispose();
    }
}
