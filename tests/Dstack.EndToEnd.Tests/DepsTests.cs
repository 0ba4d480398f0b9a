using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary><c>deps</c>: a job starts with the artifacts of tags and of other workflows' runs, resolved when it is submitted.</summary>
public sealed class DepsTests
{
    /// <summary>
    /// prepare → train → evaluate. <c>train</c> runs in <c>src/</c>, so its dep lands at <c>src/data</c>;
    /// <c>evaluate</c> waits for "go" before it reads its dep.
    /// </summary>
    private static readonly string Pipeline = $$"""
        workflows:
          - name: prepare
            provider: bash
            commands:
              - echo "rows by $RUN_NAME" > data/rows.txt
            artifacts: [data]
          - name: train
            provider: bash
            working_dir: src
            deps:
              - workflow: prepare
            commands:
              - test -f ../data/rows.txt && echo "dep placed at the repo root" || true
              - echo "model from $(cat data/rows.txt)" > model/weights.txt
            artifacts: [model]
          - name: evaluate
            provider: bash
            deps:
              - workflow: train
            commands:
              - {{Sandbox.AwaitSignal("go")}}
              - echo "score of $(cat model/weights.txt)"
        """;

    [Fact]
    public async Task Deps_ChainPrepareTrainEvaluate_EachJobStartsWithThePreviousOutputs_AndPsShowsWhereTheyCameFrom()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Pipeline).WriteFile("src/train.py", "# training").Commit();
        var prepare = await sandbox.RunDoneAsync("prepare");
        var train = await sandbox.DstackAsync("run", "train");
        train.ExitCode.ShouldBe(0, train.ToString());
        train.StdOut.ShouldBeEmpty("the dep lands relative to the job's working_dir (src/data), not at the repo root");

        sandbox.Raise("go");
        var evaluate = await sandbox.DstackAsync("run", "evaluate");

        evaluate.ExitCode.ShouldBe(0, evaluate.ToString());
        evaluate.StdOut.ShouldBe($"score of model from rows by {prepare}\n");
        (await sandbox.DstackAsync("ps", train.SubmittedRun)).StdOut
            .ShouldContain($"\nDep:    workflow prepare <- run {prepare} in acme/widgets: data\n");
        (await sandbox.DstackAsync("ps", evaluate.SubmittedRun)).StdOut
            .ShouldContain($"\nDep:    workflow train <- run {train.SubmittedRun} in acme/widgets: model\n");
    }

    [Fact]
    public async Task Deps_WorkflowDep_IsTheNewestDoneRun_ResolvedAtSubmit()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Pipeline.Replace("echo \"rows by $RUN_NAME\" > data/rows.txt",
            "echo \"rows by $RUN_NAME\" > data/rows.txt; exit ${{ run.args }}")).WriteFile("src/train.py", "# training").Commit();
        await sandbox.RunDoneAsync("prepare", "0");
        var newest = await sandbox.RunDoneAsync("prepare", "0");
        (await sandbox.DstackAsync("run", "prepare", "1")).ExitCode.ShouldBe(1, "a failed run is newer still, but not done");
        await sandbox.RunDoneAsync("train");
        var evaluate = await sandbox.RunDetachedAsync("evaluate");

        await sandbox.RunDoneAsync("prepare", "0");
        await sandbox.RunDoneAsync("train"); // a newer train run, after evaluate was submitted
        sandbox.Raise("go");

        (await sandbox.WaitFinishedAsync(evaluate)).Status.ShouldBe("Done");
        (await sandbox.DstackAsync("logs", evaluate)).StdOut.ShouldBe($"score of model from rows by {newest}\n");
    }

    [Fact]
    public async Task Deps_TagInYamlAndDepOptions_ArePlacedAtTheirArtifactPaths()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: prepare
                provider: bash
                commands:
                  - echo "rows" > data/rows.txt
                artifacts: [data]
              - name: train
                provider: bash
                deps:
                  - tag: base-model
                commands:
                  - cat models/base.bin
                  - cat data/rows.txt 2>/dev/null || echo "no data"
                  - cat vocab/words.txt 2>/dev/null || echo "no vocab"
            """).WriteFile("README.md", "widgets").Commit();
        sandbox.WriteFile("upload/models/base.bin", "base weights\n");
        sandbox.WriteFile("upload/vocab/words.txt", "hello world\n");
        (await sandbox.DstackAsync(["tags", "add", "base-model", "-a", "models"], cwd: Path.Combine(sandbox.Repo, "upload"))).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync(["tags", "add", "vocab", "-a", "vocab"], cwd: Path.Combine(sandbox.Repo, "upload"))).ExitCode.ShouldBe(0);
        var prepare = await sandbox.RunDoneAsync("prepare");

        var yamlOnly = await sandbox.DstackAsync("run", "train");
        var withOptions = await sandbox.DstackAsync("run", "train", "--dep", ":vocab", "--dep", "prepare");

        yamlOnly.ExitCode.ShouldBe(0, yamlOnly.ToString());
        yamlOnly.StdOut.ShouldBe("base weights\nno data\nno vocab\n");
        withOptions.ExitCode.ShouldBe(0, withOptions.ToString());
        withOptions.StdOut.ShouldBe("base weights\nrows\nhello world\n");
        var ps = (await sandbox.DstackAsync("ps", withOptions.SubmittedRun)).StdOut;
        ps.ShouldContain("Dep:    tag base-model <- run (uploaded) in acme/widgets: models\n");
        ps.ShouldContain("Dep:    tag vocab <- run (uploaded) in acme/widgets: vocab\n");
        ps.ShouldContain($"Dep:    workflow prepare <- run {prepare} in acme/widgets: data\n");
    }

    [Fact]
    public async Task Deps_JobThatOverwritesADepFile_LeavesTheTagsContentIntact()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: clobber
                provider: bash
                deps: [{tag: base}]
                commands:
                  - cat models/base.bin
                  - echo "overwritten" > models/base.bin
                  - echo "added" > models/extra.bin
                  - rm -f models/vocab.txt
            """).WriteFile("README.md", "widgets").Commit();
        sandbox.WriteFile("models/base.bin", "original weights\n").WriteFile("models/vocab.txt", "words\n");
        (await sandbox.DstackAsync("tags", "add", "base", "-a", "models")).ExitCode.ShouldBe(0);
        Directory.Delete(Path.Combine(sandbox.Repo, "models"), recursive: true);

        var first = await sandbox.DstackAsync("run", "clobber");
        var second = await sandbox.DstackAsync("run", "clobber");

        first.ExitCode.ShouldBe(0, first.ToString());
        first.StdOut.ShouldBe("original weights\n");
        second.StdOut.ShouldBe("original weights\n", "the next run still gets the tag's content");
        (await sandbox.ArtifactsAsync(":base")).ShouldBe([new ArtifactRow("models", "base.bin", "17B"), new ArtifactRow("models", "vocab.txt", "6B")]);
        var (download, dir) = await sandbox.DownloadAsync(":base");
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe(["models/", "models/base.bin 644 \"original weights\n\"", "models/vocab.txt 644 \"words\n\""]);
    }

    [Fact]
    public async Task Deps_CrossRepo_TagAndWorkflowOfAnotherRepoInTheSameHome()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: train
                provider: bash
                deps:
                  - tag: acme/other/base
                  - workflow: acme/other/features
                commands:
                  - cat base/weights.txt features/cols.txt
            """).Commit();
        var other = new SiblingRepo(sandbox, "other", "https://github.com/acme/other.git").WithWorkflows("""
            workflows:
              - name: features
                provider: bash
                commands:
                  - echo "cols from $REPO_OWNER/$REPO_NAME" > features/cols.txt
                artifacts: [features]
            """).WriteFile("base/weights.txt", "other's base\n").Commit();
        var features = await other.DstackAsync("run", "features");
        features.ExitCode.ShouldBe(0, features.ToString());
        (await other.DstackAsync("tags", "add", "base", "-a", "base")).ExitCode.ShouldBe(0);

        var train = await sandbox.DstackAsync("run", "train");

        train.ExitCode.ShouldBe(0, train.ToString());
        train.StdOut.ShouldBe("other's base\ncols from acme/other\n");
        var ps = (await sandbox.DstackAsync("ps", train.SubmittedRun)).StdOut;
        ps.ShouldContain("Dep:    tag acme/other/base <- run (uploaded) in acme/other: base\n");
        ps.ShouldContain($"Dep:    workflow acme/other/features <- run {features.SubmittedRun} in acme/other: features\n");
        (await sandbox.TagsAsync()).ShouldBeEmpty("the other repo's tag is not one of this repo's");
    }

    [Theory]
    [InlineData("tag: missing", "Error: Dep tag 'missing' not found in acme/widgets.")]
    [InlineData("workflow: never-run", "Error: Dep workflow 'never-run' has no done run in acme/widgets. Run it first: dstack run never-run")]
    [InlineData("workflow: crash", "Error: Dep workflow 'crash' has no done run in acme/widgets. Run it first: dstack run crash")]
    [InlineData("tag: acme/other/missing", "Error: Dep tag 'acme/other/missing' not found in acme/other.")]
    [InlineData("workflow: acme/other/features", "Error: Dep workflow 'acme/other/features' has no done run in acme/other; it has to be run there first.")]
    public async Task Deps_Missing_IsAClearErrorAtSubmit_AndNothingRuns(string dep, string error)
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: never-run
                provider: bash
                commands: [echo never]
                artifacts: [out]
              - name: crash
                provider: bash
                commands: [exit 1]
                artifacts: [out]
              - name: train
                provider: bash
                deps:
                  - {dep}
                commands:
                  - {Sandbox.SendSignal("ran")}
            """).Commit();
        var crashed = await sandbox.DstackAsync("run", "crash");
        crashed.ExitCode.ShouldBe(1, crashed.ToString());
        var runs = Directory.GetDirectories(Path.GetDirectoryName(sandbox.RunDir(crashed.SubmittedRun))!);

        var result = await sandbox.DstackAsync("run", "train");

        result.ShouldBeOneErrorLine(error);
        Directory.GetDirectories(Path.GetDirectoryName(sandbox.RunDir(crashed.SubmittedRun))!).ShouldBe(runs, "nothing was stored for a run");
        File.Exists(Path.Combine(sandbox.Signals, "ran")).ShouldBeFalse();
    }

    [Fact]
    public async Task Deps_MissingDepOption_IsAClearErrorAtSubmit()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();

        var result = await sandbox.DstackAsync("run", "hello", "--dep", ":nope");

        result.ShouldBeOneErrorLine("Error: Dep tag 'nope' not found in acme/widgets.");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }
}
