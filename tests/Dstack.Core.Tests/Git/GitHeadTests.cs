using System.Diagnostics;
using Dstack.Core.Git;

namespace Dstack.Core.Tests.Git;

/// <summary>HEAD read from the repository's files agrees with what git itself says, or defers to git.</summary>
public sealed class GitHeadTests : IDisposable
{
    private readonly string _repo = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dstack-head-" + Guid.NewGuid().ToString("N"))).FullName;

    public GitHeadTests()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "ada@example.com");
        Git("config", "user.name", "Ada");
    }

    private void Commit(string message)
    {
        File.WriteAllText(Path.Combine(_repo, "f.txt"), message);
        Git("add", "-A");
        Git("commit", "-qm", message);
    }

    [Fact]
    public void OnABranch_GivesItsNameAndCommit()
    {
        Commit("one");
        GitHead.TryRead(_repo).ShouldBe(("main", Git("rev-parse", "HEAD")));
    }

    [Fact]
    public void WithPackedRefs_FindsTheCommitThere()
    {
        Commit("one");
        Git("pack-refs", "--all");
        File.Exists(Path.Combine(_repo, ".git", "refs", "heads", "main")).ShouldBeFalse();
        GitHead.TryRead(_repo).ShouldBe(("main", Git("rev-parse", "HEAD")));
    }

    [Fact]
    public void Detached_GivesTheCommitAndNoBranch()
    {
        Commit("one");
        Commit("two");
        Git("checkout", "-q", "HEAD~1");
        GitHead.TryRead(_repo).ShouldBe((null, Git("rev-parse", "HEAD")));
    }

    [Fact]
    public void BeforeTheFirstCommit_GivesTheBranchAndNoCommit()
    {
        GitHead.TryRead(_repo).ShouldBe(("main", null));
    }

    [Fact]
    public void InALinkedWorktree_DefersToGit()
    {
        Commit("one");
        var worktree = _repo + "-wt";
        Git("worktree", "add", "-q", worktree, "-b", "side");
        try { GitHead.TryRead(worktree).ShouldBeNull(); }
        finally { Directory.Delete(worktree, recursive: true); }
    }

    private string Git(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("git", args) { WorkingDirectory = _repo, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, $"git {string.Join(' ', args)}: {error}");
        return output.Trim();
    }

    public void Dispose()
    {
        if (Directory.Exists(_repo)) Directory.Delete(_repo, recursive: true);
    }
}
