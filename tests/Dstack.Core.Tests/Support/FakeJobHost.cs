using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Support;

/// <summary>A host whose queue the test runs: a job waits (with <see cref="WaitReason"/>) until the test grants its turn.</summary>
public sealed class FakeJobHost(string hostname = "10.0.0.7") : IJobHost
{
    private readonly TaskCompletionSource<JobGrant> _grant = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Hostname => hostname;
    public string Description => "the fake host";

    /// <summary>The interpreters the host has, by version; none unless the test gives some.</summary>
    public Dictionary<string, string> Pythons { get; init; } = [];

    public (string? Path, string Installed) FindPython(string version) =>
        (Pythons.Where(p => SubmitCheck.PythonMatches(version, p.Key)).Select(p => p.Value).FirstOrDefault(), SubmitCheck.DescribePythons(Pythons.Keys));
    /// <summary>The ports the host hands out, in order; how many it has handed out so far.</summary>
    public IReadOnlyList<int> Ports { get; init; } = [41000, 41001, 41002];
    public int PortsAllocated { get; private set; }

    public IReadOnlyList<int> AllocatePorts(int count)
    {
        PortsAllocated += count;
        return Ports.Take(count).ToList();
    }

    public string WaitReason { get; init; } = "waiting for the fake host";
    /// <summary>Turns taken, and whether each was given back.</summary>
    public List<(string Key, JobResources? Request)> Enqueued { get; } = [];
    public int Released { get; private set; }

    public void Grant(params int[] gpus) => _grant.TrySetResult(new JobGrant(gpus));

    public Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, JobResources? request, CancellationToken ct)
    {
        lock (Enqueued) Enqueued.Add((key, request));
        return Task.FromResult<IJobTurn>(new Turn(this));
    }

    private sealed class Turn(FakeJobHost host) : IJobTurn
    {
        private int _disposed;

        public async Task<JobGrant?> WaitAsync(Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct)
        {
            if (host._grant.Task.IsCompleted) return await host._grant.Task;
            await waiting(host.WaitReason);
            // Polled like a real queue: a stop while waiting gives the turn up.
            while (!host._grant.Task.IsCompleted)
            {
                if (await cancelled()) return null;
                await Task.WhenAny(host._grant.Task, Task.Delay(5, ct));
            }
            return await host._grant.Task;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) host.Released++;
        }
    }
}
