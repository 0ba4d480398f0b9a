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
