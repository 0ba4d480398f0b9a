using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A job's paths stay in their place: the working dir, artifact folders, deps and the requirements file resolve inside
/// the working copy (symlinks followed) or are refused, and nothing outside it that dstack did not create is deleted.
/// The same checks against edited store content are in <see cref="HostileStoreTests"/>.
/// </summary>
public sealed class ContainmentTests
{
    [Fact]
    public async Task Run_ACommittedSymlinkAsWorkingDir_IsRefused_AndTheFolderItPointsAtKeepsItsFiles()
    {
        await using var sandbox = new Sandbox();
        var victim = Directory.CreateDirectory(Path.Combine(sandbox.Root, "victim", "output")).Parent!.FullName;
        File.WriteAllText(Path.Combine(victim, "output", "keep.txt"), "precious\n");
        File.CreateSymbolicLink(Path.Combine(sandbox.Repo, "sub"), victim);
        sandbox.WithWorkflows("""
            workflows:
              - name: train
                provider: bash
                working_dir: sub
                commands: [echo ran]
                artifacts: [output]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldContain($"Run {result.SubmittedRun} failed: failed to start: working_dir 'sub' leads outside the working copy");
        result.StdOut.ShouldNotContain("ran");
        File.ReadAllText(Path.Combine(victim, "output", "keep.txt")).ShouldBe("precious\n");
    }

    [Fact]
    public async Task Run_ACommittedSymlinkAsAnArtifactFolder_IsRefused_AndWhatItPointsAtIsKept()
    {
        await using var sandbox = new Sandbox();
        var victim = Directory.CreateDirectory(Path.Combine(sandbox.Root, "victim")).FullName;
        File.WriteAllText(Path.Combine(victim, "keep.txt"), "precious\n");
        File.CreateSymbolicLink(Path.Combine(sandbox.Repo, "output"), victim);
        sandbox.WithWorkflows("""
            workflows:
              - name: train
                provider: bash
                commands: [echo ran]
                artifacts: [output]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldContain("failed to start: artifact path 'output' leads outside the working copy through a symlink");
        File.ReadAllText(Path.Combine(victim, "keep.txt")).ShouldBe("precious\n");
    }

    [Theory]
    [InlineData("../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("linked.txt")]
    public async Task Run_RequirementsOutsideTheRepo_IsAFileLineError_ThatQuotesNothingOfTheFile(string requirements)
    {
        await using var sandbox = new Sandbox();
        File.CreateSymbolicLink(Path.Combine(sandbox.Repo, "linked.txt"), "/etc/passwd");
        sandbox.WithWorkflows($"""
            workflows:
              - name: py
                provider: bash
                requirements: {requirements}
                commands: [echo never]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "py");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldBe($"Error: .dstack/workflows.yaml:4:5: requirements file '{requirements}' is outside the repository " +
                               "(absolute, '..' or a symlink); use a file of the repository\n");
        sandbox.StoredRepoFiles().ShouldBeEmpty("nothing was submitted");
    }

    [Fact]
    public async Task Run_ADepSavedAtAnAbsolutePath_IsRefused_AndThatFolderIsLeftAsItIs()
    {
        // docs/ARTIFACTS.md: a dep is placed only inside the working copy, so one saved at an absolute path is not placed.
        await using var sandbox = new Sandbox();
        var cache = Path.Combine(sandbox.Root, "cache");
        sandbox.WithWorkflows($"""
            workflows:
              - name: fill
                provider: bash
                commands: [echo weights > {cache}/model.bin]
                artifacts:
                  - path: {cache}
              - name: use
                provider: bash
                deps:
                  - workflow: fill
                commands: [echo never]
            """).Commit();
        var fill = await sandbox.RunDoneAsync("fill");
        File.WriteAllText(Path.Combine(cache, "model.bin"), "changed since\n");

        var result = await sandbox.DstackAsync("run", "use");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldContain($"failed to start: dep artifact '{cache}' of run {fill} has an absolute path, and deps are placed only inside the working copy");
        File.ReadAllText(Path.Combine(cache, "model.bin")).ShouldBe("changed since\n");
    }

    [Fact]
    public async Task Run_AnAbsoluteArtifactPathTakenByAFile_IsRefused_AndTheFileIsKept()
    {
        await using var sandbox = new Sandbox();
        var file = Path.Combine(sandbox.Root, "notes.txt");
        File.WriteAllText(file, "precious\n");
        sandbox.WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
                commands: [echo never]
                artifacts:
                  - path: {file}
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldContain($"failed to start: artifact path '{file}' is taken by a file or a symlink");
        File.ReadAllText(file).ShouldBe("precious\n");
    }
}
