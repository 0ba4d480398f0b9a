using Dstack.Core.Compute.Slurm;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>One squeue answers every run a command looks at; a job newer than the answer, or a stale answer, asks again.</summary>
public sealed class SlurmQueueTests
{
    private readonly ManualClock _clock = new();

    /// <summary>Answers every script with <see cref="Output"/>, once <see cref="Gate"/> opens; counts the calls.</summary>
    private sealed class CountingShell : ISlurmShell
    {
        public string Output { get; set; } = "12|PENDING|Resources|\n13|RUNNING|None|n1\n";
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<string> Scripts { get; } = [];
        public string Where => "this machine";

        public async Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct)
        {
            lock (Scripts) Scripts.Add(script);
            await Gate.Task;
            return new ShellResult(0, Output, "");
        }
    }

    [Fact]
    public async Task QuestionsAskedTogether_ShareOneSqueue()
    {
        var shell = new CountingShell();
        var queue = new SlurmQueue(shell, _clock);
        var asked = _clock.GetUtcNow();

        var answers = Enumerable.Range(0, 50).Select(_ => queue.ReadAsync(asked, default)).ToList();
        shell.Gate.SetResult();
        var all = await Task.WhenAll(answers);

        shell.Scripts.ShouldBe([SlurmQueue.Script]);
        all.ShouldAllBe(a => a != null && a[12].State == "PENDING" && a[12].Reason == "Resources" && a[13].Nodes == "n1");
    }

    [Fact]
    public async Task AnswerServesWhileFresh_ThenSlurmIsAskedAgain()
    {
        var shell = new CountingShell();
        shell.Gate.SetResult();
        var queue = new SlurmQueue(shell, _clock);
        var asked = _clock.GetUtcNow();
        await queue.ReadAsync(asked, default);

        _clock.Advance(SlurmQueue.Fresh - TimeSpan.FromMilliseconds(1));
        await queue.ReadAsync(asked, default);
        queue.Calls.ShouldBe(1);
        _clock.Advance(TimeSpan.FromMilliseconds(2));
        await queue.ReadAsync(asked, default);
        queue.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task ASlowAnswer_ServesForItsFreshnessFromWhenItArrived()
    {
        var shell = new CountingShell();
        var queue = new SlurmQueue(shell, _clock);
        var asked = _clock.GetUtcNow();
        var first = queue.ReadAsync(asked, default);
        _clock.Advance(SlurmQueue.Fresh * 3); // squeue on a busy login node
        shell.Gate.SetResult();
        await first;

        _clock.Advance(SlurmQueue.Fresh - TimeSpan.FromMilliseconds(1));
        await queue.ReadAsync(asked, default);

        queue.Calls.ShouldBe(1, "a listing that goes on after a slow answer asks Slurm once");
    }

    [Fact]
    public async Task AHeldAnswer_ServesAListingLongerThanItsFreshness_ThenAgesAsUsual()
    {
        var shell = new CountingShell();
        shell.Gate.SetResult();
        var queue = new SlurmQueue(shell, _clock);
        var launched = _clock.GetUtcNow() - TimeSpan.FromMinutes(5);
        var hold = queue.Hold();
        queue.Calls.ShouldBe(1, "a hold asks at once, before any question");

        _clock.Advance(SlurmQueue.Fresh * 5); // a pass over 1,000 runs on a loaded machine
        await queue.ReadAsync(launched, default);
        queue.Calls.ShouldBe(1, "the pass is answered by the one squeue it held");
        await queue.ReadAsync(_clock.GetUtcNow(), default);
        queue.Calls.ShouldBe(2, "a job launched after the held answer was asked for still gets a new one");

        hold.Dispose();
        _clock.Advance(SlurmQueue.Fresh * 2);
        await queue.ReadAsync(launched, default);
        queue.Calls.ShouldBe(3, "released, an old answer is stale again for readers that poll");
    }

    [Fact]
    public async Task JobLaunchedAfterTheAnswerWasAskedFor_GetsANewAnswer()
    {
        var shell = new CountingShell();
        shell.Gate.SetResult();
        var queue = new SlurmQueue(shell, _clock);
        await queue.ReadAsync(_clock.GetUtcNow(), default);

        _clock.Advance(TimeSpan.FromMilliseconds(10));
        await queue.ReadAsync(_clock.GetUtcNow(), default);

        queue.Calls.ShouldBe(2, "an answer older than the launch may miss the job, and a missing job reads as gone");
    }

    [Fact]
    public void Parse_SkipsArrayAndHetJobs_AndReadsAnEmptyNodeListAsNone()
    {
        var jobs = SlurmQueue.Parse("5_1|RUNNING|None|n1\n6+0|RUNNING|None|n2\n7|CANCELLED|None|(null)\n8|COMPLETED|None|\n");
        jobs.Keys.ShouldBe([7L, 8L], ignoreOrder: true);
        jobs[7].Nodes.ShouldBeNull();
    }
}
