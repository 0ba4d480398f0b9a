using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class PsTests
{
    [Fact]
    public async Task Ps_WithoutArguments_ShowsTheUnfinishedRuns_OrElseOnlyTheLatest()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var first = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;
        var second = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;

        (await sandbox.PsAsync()).Select(r => r.Run).ShouldBe([second]);

        var waiting = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForSignalAsync("started");
        (await sandbox.PsAsync()).Select(r => r.Run).ShouldBe([waiting]);
        (await sandbox.PsAsync("-a")).Select(r => r.Run).ShouldBe([waiting, second, first]);

        sandbox.Raise("go");
        await sandbox.WaitFinishedAsync(waiting);
        (await sandbox.PsAsync()).Select(r => r.Run).ShouldBe([waiting]);
    }

    [Fact]
    public async Task Ps_RunName_MatchesExactly_NeverAsAPrefix()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "hello")).SubmittedRun; // e.g. wet-fox-1
        var longer = run + "0";                                               // e.g. wet-fox-10
        CopyRun(sandbox, run, longer);

        (await sandbox.PsAsync("-a")).Select(r => r.Run).ShouldBe([run, longer], ignoreOrder: true);
        (await sandbox.PsAsync(run)).Select(r => r.Run).ShouldBe([run]);
        (await sandbox.PsAsync(longer)).Select(r => r.Run).ShouldBe([longer]);
        var stem = await sandbox.DstackAsync("ps", run[..run.LastIndexOf('-')]);
        stem.ExitCode.ShouldBe(1, stem.ToString());
        stem.StdErr.ShouldStartWith("Error: Run ", Case.Sensitive);
        stem.StdErr.ShouldContain("not found");
    }

    [Fact]
    public async Task PsAll_WithoutThisMachinesCache_ShowsWhatAWarmOneShows_FromTheStoresCheckpoint()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var first = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;
        var copies = Enumerable.Range(0, 70).Select(i => $"{first}{i:D2}").ToList();
        foreach (var copy in copies) CopyRun(sandbox, first, copy);
        await sandbox.PsAsync("-a"); // reads every run once, and leaves a checkpoint of the finished ones in the store
        Directory.GetFiles(Path.Combine(sandbox.Home, "run-summaries"), "*", SearchOption.AllDirectories).Length.ShouldBe(1);
        (await sandbox.DstackAsync("rm", "-y", copies[0])).ExitCode.ShouldBe(0);
        // A checkpointed run's records are not read again: damaged, they would be reported and the run left out.
        File.WriteAllText(Path.Combine(sandbox.RunDir(copies[1]), "run.json"), "{");
        var warm = await sandbox.PsAsync("-a");
        Directory.Delete(Path.Combine(sandbox.Home, "tmp", "cache"), recursive: true);

        var cold = await sandbox.DstackAsync("ps", "-a");

        cold.ExitCode.ShouldBe(0, cold.ToString());
        cold.StdErr.ShouldBeEmpty();
        PsRow.Parse(cold.StdOut).ShouldBe(warm, ignoreOrder: true);
        warm.Count.ShouldBe(70);
        warm.Select(r => r.Run).ShouldNotContain(copies[0]);
    }

    /// <summary>A stored copy of a finished run under another name, as if dstack had named a later run so.</summary>
    private static void CopyRun(Sandbox sandbox, string run, string copy)
    {
        var from = sandbox.RunDir(run);
        var to = sandbox.RunDir(copy);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var record = Path.Combine(to, "run.json");
        File.WriteAllText(record, File.ReadAllText(record).Replace($"\"{run}\"", $"\"{copy}\""));
    }
}
