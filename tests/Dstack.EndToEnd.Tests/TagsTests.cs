using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary><c>dstack tags</c>: naming a run's artifacts (or local folders) for reuse, and <c>dstack run -t</c>.</summary>
public sealed class TagsTests
{
    /// <summary><c>data</c> saves <c>data/who.txt</c> with its run's name; <c>crash</c> saves <c>data/who.txt</c> and fails.</summary>
    private const string DataWorkflows = """
        workflows:
          - name: data
            provider: bash
            commands:
              - echo "$RUN_NAME" > data/who.txt
            artifacts: [data]
          - name: crash
            provider: bash
            commands:
              - echo "$RUN_NAME" > data/who.txt
              - exit 1
            artifacts: [data]
        """;

    [Fact]
    public async Task TagsAdd_FromAFinishedRun_ListsTheTag_AndServesTheRunsArtifacts()
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflows).Commit();
        var run = await sandbox.RunDoneAsync("data");

        var add = await sandbox.DstackAsync("tags", "add", "best", run);

        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldBe("OK\n");
        var tags = await sandbox.TagsAsync();
        tags.Count.ShouldBe(1);
        tags[0].ShouldBe(new Dictionary<string, string>
        {
            ["TAG"] = "best", ["RUN"] = run, ["WORKFLOW"] = "data", ["ARTIFACTS"] = "data", ["CREATED"] = "now",
        });
        (await sandbox.DstackAsync("tags")).StdOut.ShouldBe((await sandbox.DstackAsync("tags", "list")).StdOut);
        (await sandbox.ArtifactsAsync(":best")).ShouldBe(await sandbox.ArtifactsAsync(run));
        var (download, dir) = await sandbox.DownloadAsync(":best");
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "data", "who.txt")).ShouldBe(run + "\n");
    }

    [Fact]
    public async Task TagsAdd_LocalFolders_AreUploadedUnderTheirRelativePathOrElseTheirFolderName()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();
        sandbox.WriteFile("datasets/train/rows.csv", "a,b\n1,2\n");
        var models = Path.GetDirectoryName(sandbox.WriteOutside("shared/models/base.bin", "base weights"))!;

        var add = await sandbox.DstackAsync("tags", "add", "inputs", "-a", "datasets/train", "-a", models);

        add.ExitCode.ShouldBe(0, add.ToString());
        (await sandbox.TagSummariesAsync()).ShouldBe(["inputs (uploaded) datasets/train, models"]);
        (await sandbox.ArtifactsAsync(":inputs")).ShouldBe(
            [new ArtifactRow("datasets/train", "rows.csv", "8B"), new ArtifactRow("models", "base.bin", "12B")], ignoreOrder: true);
        var (download, dir) = await sandbox.DownloadAsync(":inputs");
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe([
            "datasets/", "datasets/train/", "datasets/train/rows.csv 644 \"a,b\n1,2\n\"",
            "models/", "models/base.bin 644 \"base weights\"",
        ]);
    }

    [Fact]
    public async Task TagsAdd_ExistingName_AsksBeforeOverriding_NoKeepsTheTag_YesOrDashYReplaceIt()
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflows).Commit();
        var first = await sandbox.RunDoneAsync("data");
        var second = await sandbox.RunDoneAsync("data");
        var third = await sandbox.RunDoneAsync("data");
        (await sandbox.DstackAsync("tags", "add", "best", first)).ExitCode.ShouldBe(0);

        var no = await sandbox.DstackAsync(["tags", "add", "best", second], stdin: "n\n");

        no.ExitCode.ShouldBe(1, no.ToString());
        no.StdErr.ShouldStartWith("The tag 'best' already exists. Override it? [y/N]");
        (await sandbox.TagSummariesAsync()).ShouldBe([$"best {first} data"]);

        var yes = await sandbox.DstackAsync(["tags", "add", "best", second], stdin: "y\n");

        yes.ExitCode.ShouldBe(0, yes.ToString());
        (await sandbox.TagSummariesAsync()).ShouldBe([$"best {second} data"]);

        var dashY = await sandbox.DstackAsync("tags", "add", "-y", "best", third);

        dashY.ExitCode.ShouldBe(0, dashY.ToString());
        dashY.StdErr.ShouldNotContain("Override");
        (await sandbox.TagSummariesAsync()).ShouldBe([$"best {third} data"]);
        var (download, dir) = await sandbox.DownloadAsync(":best");
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "data", "who.txt")).ShouldBe(third + "\n");
    }

    [Fact]
    public async Task TagsAdd_TwoRacingAddsOfOneNewName_ExactlyOneWins_AndTheOtherChangesNothing()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();
        // The slow add uploads a big folder; it is frozen mid-upload, after it found the name free.
        var bigFile = sandbox.WriteOutside("slow/weights.bin", "slow " + Guid.NewGuid());
        using (var stream = new FileStream(bigFile, FileMode.Append)) stream.SetLength(256L << 20);
        var fast = Path.GetDirectoryName(sandbox.WriteOutside("fast/weights.bin", "fast weights"))!;
        await using var slow = sandbox.StartLive("tags", "add", "best", "-a", Path.GetDirectoryName(bigFile)!);
        slow.CloseInput();
        await OpenFiles.WaitUntilOpenAsync(slow, bigFile);
        Processes.Signal(slow.Pid, "STOP");

        CliResult winner;
        try { winner = await sandbox.DstackAsync("tags", "add", "best", "-a", fast); }
        finally { Processes.Signal(slow.Pid, "CONT"); }
        var loser = await slow.WaitForExitAsync(TimeSpan.FromSeconds(60));

        winner.ExitCode.ShouldBe(0, winner.ToString());
        loser.ShouldBeOneErrorLine("Error: The tag 'best' was just created by someone else; nothing was changed.");
        (await sandbox.TagSummariesAsync()).ShouldBe(["best (uploaded) fast"]);
        var (download, dir) = await sandbox.DownloadAsync(":best");
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe(["fast/", "fast/weights.bin 644 \"fast weights\""]);
    }

    [Fact]
    public async Task TagsAdd_RunNotFinished_IsRefused()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForSignalAsync("started");

        var add = await sandbox.DstackAsync("tags", "add", "best", run);

        add.ShouldBeOneErrorLine($"Error: The run '{run}' is not finished yet;");
        (await sandbox.TagsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task TagsDelete_AsksFirst_AndRemovesTheTagButNotTheRunsArtifacts()
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflows).Commit();
        var run = await sandbox.RunDoneAsync("data");
        (await sandbox.DstackAsync("tags", "add", "best", run)).ExitCode.ShouldBe(0);

        var no = await sandbox.DstackAsync(["tags", "delete", "best"], stdin: "n\n");

        no.ExitCode.ShouldBe(1, no.ToString());
        no.StdErr.ShouldContain("Delete the tag 'best'? [y/N]");
        (await sandbox.TagSummariesAsync()).ShouldBe([$"best {run} data"]);

        var delete = await sandbox.DstackAsync("tags", "delete", "-y", "best");

        delete.ExitCode.ShouldBe(0, delete.ToString());
        (await sandbox.TagsAsync()).ShouldBeEmpty();
        (await sandbox.DstackAsync("artifacts", "list", ":best")).ShouldBeOneErrorLine("Error: Tag 'best' not found in acme/widgets.");
        (await sandbox.ArtifactsAsync(run)).ShouldBe([new ArtifactRow("data", "who.txt", $"{run.Length + 1}B")]);
    }

    [Fact]
    public async Task RunWithTag_TagsTheRunWhenItEndsDone_OverridingSilently_ButNotWhenItFails()
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflows).Commit();
        var first = await sandbox.RunDoneAsync("-t", "best", "data");
        (await sandbox.TagSummariesAsync()).ShouldBe([$"best {first} data"]);

        var second = await sandbox.RunDoneAsync("-t", "best", "data");
        var failed = await sandbox.DstackAsync("run", "-t", "best", "crash");

        failed.ExitCode.ShouldBe(1, failed.ToString());
        (await sandbox.TagSummariesAsync()).ShouldBe([$"best {second} data"]);
        (await sandbox.DstackAsync("ps", second)).StdOut.ShouldContain("Tag:    best (applied: the run ended done)\n");
        var (download, dir) = await sandbox.DownloadAsync(":best");
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "data", "who.txt")).ShouldBe(second + "\n");
    }

    [Theory]
    [InlineData("models/best")]
    [InlineData("my model")]
    [InlineData("..")]
    public async Task TagsAdd_InvalidName_IsRefused_AndTheExistingTagsStay(string name)
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflows).Commit();
        var run = await sandbox.RunDoneAsync("-t", "keep", "data");
        var tagsDir = Path.GetDirectoryName(sandbox.TagFile("keep"))!;

        var add = await sandbox.DstackAsync("tags", "add", name, run);

        add.ShouldBeOneErrorLine($"Error: Invalid tag name '{name}': use letters, digits, '-', '_' and '.' only");
        (await sandbox.TagSummariesAsync()).ShouldBe([$"keep {run} data"]);
        Directory.GetFileSystemEntries(tagsDir).Select(Path.GetFileName).ShouldBe(["keep.json"]);
        (await sandbox.DstackAsync("run", "-t", name, "data")).ShouldBeOneErrorLine("Error: Invalid tag name");
    }

    [Fact]
    public async Task TagsAdd_MissingFolder_IsRefusedBeforeUploadingAnything()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();
        sandbox.WriteFile("present/file.txt", "uploaded only if every folder exists");

        var add = await sandbox.DstackAsync("tags", "add", "inputs", "-a", "present", "-a", "missing");

        add.ShouldBeOneErrorLine("Error: '-a missing': no such folder.");
        (await sandbox.TagsAsync()).ShouldBeEmpty();
        sandbox.HasBlob("uploaded only if every folder exists").ShouldBeFalse();
    }
}
