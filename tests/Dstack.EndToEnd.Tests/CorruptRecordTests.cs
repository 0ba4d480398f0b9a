using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// One damaged record (truncated, edited) must not break the store for everyone: listings skip it with one warning
/// naming its key, <c>rm RUN</c> removes a broken run, <c>gc</c> stops before deleting anything and names the key.
/// The same scenario runs on the real S3 server (<see cref="S3.S3CorruptRecordTests"/>).
/// </summary>
public sealed partial class CorruptRecordTests
{
    private const string Truncated = """{"run_name": "x", "co""";

    [Fact]
    public async Task LocalStore_OneCorruptRecord_DoesNotBreakPsTagsRmOrGc()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait + Workflows.Data.Replace("workflows:\n", "\n")).Commit();

        await OneCorruptRecordScenarioAsync(sandbox,
            (key, text) => File.WriteAllTextAsync(Path.Combine(sandbox.Home, key), text),
            key => Task.FromResult(File.ReadAllText(Path.Combine(sandbox.Home, key))),
            prefix => Task.FromResult(File.Exists(Path.Combine(sandbox.Home, prefix)) || Files(sandbox, prefix).Length > 0),
            () => Task.FromResult(Files(sandbox, "blobs").Length));
    }

    private static string[] Files(Sandbox sandbox, string prefix)
    {
        var folder = Path.Combine(sandbox.Home, prefix);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
    }

    /// <param name="overwrite">Writes text at a store key, behind dstack's back.</param>
    /// <param name="read">Reads the text at a store key.</param>
    /// <param name="anyUnder">Whether anything is stored under a key prefix.</param>
    /// <param name="blobCount">How many blobs are stored.</param>
    internal static async Task OneCorruptRecordScenarioAsync(Sandbox sandbox, Func<string, string, Task> overwrite, Func<string, Task<string>> read, Func<string, Task<bool>> anyUnder, Func<Task<int>> blobCount)
    {
        var broken = await FinishedAsync(sandbox, "hello");
        var brokenState = await FinishedAsync(sandbox, "hello");
        var good = await FinishedAsync(sandbox, "data");
        (await sandbox.DstackAsync("tags", "add", "good", good)).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync("tags", "add", "bad", good)).ExitCode.ShouldBe(0);
        var runKey = $"repos/acme/widgets/runs/{broken}/run.json";
        var stateKey = $"repos/acme/widgets/runs/{brokenState}/jobs/0/state.json";
        const string tagKey = "repos/acme/widgets/tags/bad.json";
        await overwrite(runKey, Truncated);
        await overwrite(stateKey, """{"status": "do""");
        await overwrite(tagKey, "");
        var blobs = await blobCount();
        // Content that only the broken run used: gc must not take it while it cannot read what the run references.
        await sandbox.DstackAsync("rm", "-y", good);

        var ps = await sandbox.DstackAsync("ps", "-a");

        ps.ExitCode.ShouldBe(0, ps.ToString());
        ps.StdOut.ShouldNotContain(broken);
        ps.StdOut.ShouldNotContain(brokenState);
        ps.StdErr.TrimEnd('\n').Split('\n').Order(StringComparer.Ordinal).ShouldBe(new[]
        {
            $"Warning: skipped '{runKey}': the record cannot be read (truncated or edited?).",
            $"Warning: skipped '{stateKey}': the record cannot be read (truncated or edited?).",
        }.Order(StringComparer.Ordinal), ps.ToString());

        var tags = await sandbox.DstackAsync("tags", "list");

        tags.ExitCode.ShouldBe(0, tags.ToString());
        tags.StdOut.ShouldContain("good");
        tags.StdErr.ShouldBe($"Warning: skipped '{tagKey}': the record cannot be read (truncated or edited?).\n", tags.ToString());

        var gc = await sandbox.DstackAsync("gc", "--older-than", "0s");

        gc.ExitCode.ShouldBe(1, gc.ToString());
        gc.StdErr.ShouldStartWith($"Error: gc stopped without deleting anything: the stored record '{runKey}' cannot be read", Case.Sensitive, gc.ToString());
        gc.StdErr.TrimEnd().ShouldNotContain("\n", customMessage: gc.ToString());
        (await blobCount()).ShouldBe(blobs, "gc fails closed: nothing deleted");

        var rmAll = await sandbox.DstackAsync("rm", "-a", "-y");

        rmAll.ExitCode.ShouldBe(0, rmAll.ToString());
        rmAll.StdErr.ShouldContain($"Warning: skipped '{stateKey}'");
        (await anyUnder($"repos/acme/widgets/runs/{brokenState}/")).ShouldBeTrue("rm -a skips a broken run");

        var stopAll = await sandbox.DstackAsync("stop", "-a", "-y");

        stopAll.ExitCode.ShouldBe(0, stopAll.ToString());
        stopAll.StdErr.ShouldContain($"Warning: skipped '{stateKey}'");

        foreach (var run in new[] { broken, brokenState })
        {
            var rm = await sandbox.DstackAsync("rm", "-y", run);

            rm.ExitCode.ShouldBe(0, rm.ToString());
            (await anyUnder($"repos/acme/widgets/runs/{run}/")).ShouldBeFalse($"rm {run} removes the broken run");
        }
        (await sandbox.DstackAsync("tags", "delete", "-y", "bad")).ExitCode.ShouldBe(0);

        var after = await sandbox.DstackAsync("gc", "--older-than", "0s");

        after.ExitCode.ShouldBe(0, after.ToString());
        (await sandbox.DstackAsync("ps", "-a")).StdErr.ShouldBeEmpty();
        (await sandbox.DstackAsync("tags", "list")).StdErr.ShouldBeEmpty();

        // A manifest a tag still references: gc cannot tell which blobs it names.
        var manifestKey = $"snapshots/{ManifestId().Match(await read("repos/acme/widgets/tags/good.json")).Groups[1].Value}.json";
        await overwrite(manifestKey, """{"entries": [{"path": "data/rows.t""");

        var manifestGc = await sandbox.DstackAsync("gc", "--older-than", "0s");

        manifestGc.ExitCode.ShouldBe(1, manifestGc.ToString());
        manifestGc.StdErr.ShouldStartWith($"Error: gc stopped without deleting anything: the stored record '{manifestKey}' cannot be read", Case.Sensitive, manifestGc.ToString());
        (await sandbox.DstackAsync("tags", "delete", "-y", "good")).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync("gc", "--older-than", "0s")).ExitCode.ShouldBe(0, "an unreferenced manifest goes without being read");
        (await anyUnder(manifestKey)).ShouldBeFalse();
    }

    [GeneratedRegex("\"manifest\":\\s*\"([0-9a-f]+)\"")]
    private static partial Regex ManifestId();

    private static async Task<string> FinishedAsync(Sandbox sandbox, string workflow)
    {
        var result = await sandbox.DstackAsync("run", workflow);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result.SubmittedRun;
    }
}
