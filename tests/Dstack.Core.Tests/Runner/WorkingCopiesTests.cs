using Dstack.Core.Models;
using Dstack.Core.Runner;

namespace Dstack.Core.Tests.Runner;

public sealed class WorkingCopiesTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "widgets");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-work-" + Guid.NewGuid().ToString("N"));

    private string Make(string run, int job)
    {
        var key = JobKey.Of(Repo, run, job);
        var folder = Directory.CreateDirectory(Path.Combine(_root, key, "src")).Parent!.FullName;
        File.WriteAllText(Path.Combine(folder, "src", "train.py"), "print(1)");
        File.WriteAllText(folder + ".sh", "set -e");
        Directory.CreateDirectory(folder + ".venv");
        return key;
    }

    private string[] Left() => Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void DeleteAbandoned_RemovesWhatNoLiveRunnerHolds_AndKeepsWhatOneHolds()
    {
        var copies = new WorkingCopies(_root);
        var live = Make("live-fox-1", 0);
        using var held = copies.Claim(live);
        Make("lost-fox-1", 0);
        using (copies.Claim(Make("ended-fox-1", 0))) { } // a runner that ended normally but left its copy (it never does; gc copes)

        var removed = copies.DeleteAbandoned();

        removed.ShouldBe(2);
        Left().ShouldBe([live, live + ".lock", live + ".sh", live + ".venv"]);
    }

    [Fact]
    public void DeleteRun_RemovesEveryJobOfThatRunOnly()
    {
        var copies = new WorkingCopies(_root);
        Make("wet-fox-1", 0);
        Make("wet-fox-1", 1);
        var other = Make("wet-fox-12", 0);
        var dotted = Make("wet-fox-1.5", 0); // a run whose name extends this one's with a dot

        copies.DeleteRun(Repo, "wet-fox-1").ShouldBe(2);

        Left().ShouldBe(new[] { dotted, dotted + ".sh", dotted + ".venv", other, other + ".sh", other + ".venv" }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Claim_AfterTheRunnerEnds_LeavesNoLockFile()
    {
        var copies = new WorkingCopies(_root);

        using (copies.Claim(JobKey.Of(Repo, "wet-fox-1", 0))) File.Exists(Path.Combine(_root, JobKey.Of(Repo, "wet-fox-1", 0) + ".lock")).ShouldBeTrue();

        Left().ShouldBeEmpty();
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
