using System.Collections.Concurrent;
using System.Globalization;
using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Support;

/// <summary>
/// A compute that starts nothing: each launch is a runner the test keeps alive or ends (<see cref="Die"/>). Its handle is
/// a number of its own, like a Slurm job id; it holds to the same contract as every compute (ComputeConformanceTests).
/// </summary>
public sealed class FakeCompute(TimeProvider time, string name = "fake") : ICompute
{
    private readonly ConcurrentDictionary<string, bool> _alive = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _unreachable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RunnerCheck> _says = new(StringComparer.Ordinal);
    private int _next;

    public string Name => name;

    /// <summary>One host with 2 CPUs, 8 GiB and no GPUs, unless the test says otherwise.</summary>
    public ComputeCapabilities Capabilities { get; init; } = new(
        [new ComputeCapacity(2, 8L << 30, [], $"the fake host")], Docker: false, ["3.11.4"],
        new PortAccess("10.0.0.7", PortRoute.Forwarded), MultiNode: false, Preemptible: false);

    /// <summary>Jobs whose leftovers were cleaned up after their runner was lost, in order.</summary>
    public ConcurrentQueue<string> CleanedUp { get; } = new();

    public PortAccess Ports => Capabilities.Ports;

    public Task<ComputeCapabilities> GetCapabilitiesAsync(CancellationToken ct) => Task.FromResult(Capabilities);

    public Task<SubmitRefusal?> CheckAsync(JobSpec job, CancellationToken ct) => Task.FromResult(SubmitCheck.WhyNot(job, Capabilities, Name));

    /// <summary>Awaited before each start: a start that takes time (an SSH host's round trip), as long as the test says.</summary>
    public Func<RunnerTarget, Task>? Starting { get; init; }

    public async Task<LaunchInfo> StartRunnerAsync(RunnerTarget target, CancellationToken ct)
    {
        if (Starting is { } starting) await starting(target);
        var handle = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        _alive[handle] = true;
        return new LaunchInfo(Name, handle, time.GetUtcNow());
    }

    public Task<bool?> IsRunnerAliveAsync(LaunchInfo launch, CancellationToken ct) =>
        Task.FromResult<bool?>(_unreachable.ContainsKey(launch.Handle) ? null : _alive.TryGetValue(launch.Handle, out var alive) ? alive : null);

    public async Task<RunnerCheck> CheckRunnerAsync(LaunchInfo launch, CancellationToken ct) =>
        _says.TryGetValue(launch.Handle, out var said) ? said
        : _unreachable.TryGetValue(launch.Handle, out var host) ? RunnerCheck.HostUnreachable(host) : new(await IsRunnerAliveAsync(launch, ct));

    /// <summary>What the compute says of the runner from now on, as a scheduler would (queued for a reason, ended how); a kill ends it.</summary>
    public void Says(LaunchInfo launch, RunnerCheck check)
    {
        _says[launch.Handle] = check;
        _alive[launch.Handle] = check.Alive != false;
    }

    /// <summary>Handles the test's kills went to, in order.</summary>
    public ConcurrentQueue<string> Killed { get; } = new();

    /// <summary>The runner's host stops answering (<paramref name="host"/>: its name), or answers again (null); the runner lives on.</summary>
    public void Unreachable(LaunchInfo launch, string? host)
    {
        if (host is null) _unreachable.TryRemove(launch.Handle, out _);
        else _unreachable[launch.Handle] = host;
    }

    public Task KillRunnerAsync(LaunchInfo launch, CancellationToken ct)
    {
        Killed.Enqueue(launch.Handle);
        _says.TryRemove(launch.Handle, out _);
        Die(launch);
        return Task.CompletedTask;
    }

    public Task CleanUpLostAsync(LaunchInfo launch, Heartbeat? beat, string jobKey, CancellationToken ct)
    {
        CleanedUp.Enqueue(jobKey);
        return Task.CompletedTask;
    }

    /// <summary>The runner ends by itself (crashed, its host rebooted); a handle the fake never gave is left unknown.</summary>
    public void Die(LaunchInfo launch)
    {
        if (_alive.ContainsKey(launch.Handle)) _alive[launch.Handle] = false;
    }
}
