using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Local;

public sealed class LocalSchedulerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dstack-sched-" + Guid.NewGuid().ToString("N"));
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly ComputeCapacity Machine = new(2, 8L << 30, [new GpuInfo(0, "A100", 1), new GpuInfo(1, "A100", 1)], "this machine");

    private LocalScheduler Scheduler() => new(_dir, Machine, TimeProvider.System);

    private static Task<IReadOnlyList<int>?> Acquire(LocalScheduler s, string key, DateTimeOffset at, JobResources r, List<string>? reasons = null, CancellationToken ct = default) =>
        s.AcquireAsync(key, at, r, reason => { reasons?.Add(reason); return Task.CompletedTask; }, () => Task.FromResult(false), ct);

    [Fact]
    public async Task Acquire_WhenItFits_GrantsAtOnce_AndGpusAreExclusive()
    {
        var s = Scheduler();
        var first = await Acquire(s, "a", T0, new JobResources { GpuCount = 1 });
        var second = await Acquire(s, "b", T0.AddSeconds(1), new JobResources { GpuCount = 1 });
        first.ShouldNotBeNull();
        second.ShouldNotBeNull();
        first.Concat(second).ShouldBe([0, 1], ignoreOrder: true);
    }

    [Fact]
    public async Task Acquire_WhenFull_WaitsWithAReason_AndStartsWhenReleased()
    {
        var s = Scheduler();
        await Acquire(s, "a", T0, new JobResources { Cpu = 2 });
        var reasons = new List<string>();
        var waiting = Acquire(s, "b", T0.AddSeconds(1), new JobResources { Cpu = 1 }, reasons);
        await WaitUntil(() => reasons.Count > 0);
        waiting.IsCompleted.ShouldBeFalse();
        s.Release("a");
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).ShouldNotBeNull();
        reasons.ShouldContain("waiting for 1 CPU (0 free)");
    }

    [Fact]
    public async Task Acquire_LaterSubmission_NeverJumpsTheQueue()
    {
        var s = Scheduler();
        await Acquire(s, "running", T0, new JobResources { Cpu = 2 });
        s.Enqueue("early", T0.AddSeconds(1), new JobResources { Cpu = 2 });
        var reasons = new List<string>();
        using var cts = new CancellationTokenSource();
        var late = Acquire(s, "late", T0.AddSeconds(2), new JobResources { Cpu = 1 }, reasons, cts.Token);
        await WaitUntil(() => reasons.Count > 0);
        s.Release("running");
        await Task.Delay(300); // a window of many polls in which "late" must not start
        late.IsCompleted.ShouldBeFalse(); // "early" is first in line, even though "late" would fit
        reasons.ShouldContain("queued behind 1 earlier run");
        await cts.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => late);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in 10 s");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
