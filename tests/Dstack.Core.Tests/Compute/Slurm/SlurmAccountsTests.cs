using Dstack.Core.Compute.Slurm;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>Jobs squeue forgot are asked of sacct together: one call for the questions of a moment, never one per job.</summary>
public sealed class SlurmAccountsTests
{
    /// <summary>Answers each script (after <see cref="Gate"/> opens) with the states of the ids it names; records the scripts.</summary>
    private sealed class AccountingShell : ISlurmShell
    {
        public int ExitCode { get; set; }
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource FirstAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<string> Scripts { get; } = [];
        public string Where => "this machine";

        public async Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct)
        {
            lock (Scripts) Scripts.Add(script);
            FirstAsked.TrySetResult();
            await Gate.Task;
            var ids = script[(script.IndexOf("-j ", StringComparison.Ordinal) + 3)..].Split(' ')[0].Split(',');
            return new ShellResult(ExitCode, string.Concat(ids.Select(id => $"{id}|COMPLETED\n")), "");
        }
    }

    [Fact]
    public async Task ManyQuestionsAtOnce_TakeAtMostTwoCalls_EachJobAskedOnce()
    {
        var shell = new AccountingShell();
        var accounts = new SlurmAccounts(shell);

        // The first call may leave before the others are asked; they then all wait for it and go out together.
        var answers = Enumerable.Range(100, 50).Select(id => accounts.StateAsync(id, default)).ToList();
        shell.Gate.SetResult();
        var states = await Task.WhenAll(answers);

        accounts.Calls.ShouldBeLessThanOrEqualTo(2);
        shell.Scripts.SelectMany(s => s.Split("-j ")[1].Split(' ')[0].Split(',')).Select(int.Parse).Order()
            .ShouldBe(Enumerable.Range(100, 50));
        states.ShouldAllBe(s => s == "COMPLETED");
    }

    [Fact]
    public async Task QuestionsAskedWhileSacctRuns_GoTogetherInTheNextCall()
    {
        var shell = new AccountingShell();
        var accounts = new SlurmAccounts(shell);
        var first = accounts.StateAsync(1, default);
        await shell.FirstAsked.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var later = Enumerable.Range(2, 20).Select(id => accounts.StateAsync(id, default)).ToList();
        shell.Gate.SetResult();
        await first;
        await Task.WhenAll(later);

        accounts.Calls.ShouldBe(2);
        shell.Scripts[1].ShouldBe(SlurmAccounts.Script(string.Join(',', Enumerable.Range(2, 20))));
    }

    [Fact]
    public async Task SacctMissingOrFailing_KnowsNoState()
    {
        var shell = new AccountingShell { ExitCode = 127 };
        shell.Gate.SetResult();

        (await new SlurmAccounts(shell).StateAsync(7, default)).ShouldBeNull();
    }

    [Fact]
    public void Parse_TakesAJobsLastLine_AndSkipsIdsThatAreNotPlainJobs()
    {
        var states = SlurmAccounts.Parse("12|REQUEUED\n12|COMPLETED\n13_1|FAILED\n14+0|FAILED\n15|CANCELLED by 1000\n16|\n");

        states.ShouldBe(new Dictionary<long, string> { [12] = "COMPLETED", [15] = "CANCELLED by 1000" });
    }
}
