using Dstack.Core.Models;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// The runner's side inside a Slurm allocation: Slurm already queued the job and gave it its CPUs, memory and GPUs, so
/// the turn is granted at once with the GPUs Slurm set in <c>CUDA_VISIBLE_DEVICES</c> (none when it set none): no
/// second scheduler. Ports and Pythons are the node's own (<paramref name="inner"/>).
/// </summary>
public sealed class SlurmJobHost(IJobHost inner, string node, string? slurmGpus) : IJobHost
{
    public string Hostname => node;
    public string Description => $"Slurm node {node}";
    public IReadOnlyList<int> AllocatePorts(int count) => inner.AllocatePorts(count);
    public (string? Path, string Installed) FindPython(string version) => inner.FindPython(version);

    public Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, JobResources? request, CancellationToken ct) =>
        Task.FromResult<IJobTurn>(new Granted(new JobGrant(Gpus(slurmGpus))));

    /// <summary>Slurm's <c>CUDA_VISIBLE_DEVICES</c> ("0,1"): the indexes; anything else (unset, "NoDevFiles") is none.</summary>
    public static IReadOnlyList<int> Gpus(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.TryParse(v, out var i) && i >= 0 ? i : -1).Where(i => i >= 0).ToList();

    private sealed class Granted(JobGrant grant) : IJobTurn
    {
        public Task<JobGrant?> WaitAsync(Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct) => Task.FromResult<JobGrant?>(grant);
        public void Dispose() { }
    }
}
