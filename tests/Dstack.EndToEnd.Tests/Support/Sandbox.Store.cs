using System.Text.Json;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>What dstack left under <c>$DSTACK_HOME</c>, and the run table as <c>dstack ps</c> prints it.</summary>
public sealed partial class Sandbox
{
    public const string Owner = "acme";
    public const string RepoName = "widgets";

    public string ReposDir => Path.Combine(Home, "repos");

    public string RunDir(string run, string owner = Owner, string name = RepoName) =>
        Path.Combine(ReposDir, owner, name, "runs", run);

    public string JobDir(string run, string owner = Owner, string name = RepoName) =>
        Path.Combine(RunDir(run, owner, name), "jobs", "0");

    /// <summary>Every file dstack stored under <c>$DSTACK_HOME/repos</c> (none when the folder is missing).</summary>
    public IReadOnlyList<string> StoredRepoFiles() =>
        Directory.Exists(ReposDir) ? Directory.GetFiles(ReposDir, "*", SearchOption.AllDirectories) : [];

    /// <summary>The runner's pid, from the local compute's handle (<c>HOST PID START-TICKS</c>) in the job's <c>launch.json</c>.</summary>
    public Task<int> RunnerPidAsync(string run)
    {
        var file = Path.Combine(JobDir(run), "launch.json");
        return Eventually.ReturnsAsync(() => Task.FromResult(TryReadHandlePid(file)), v => v > 0, TimeSpan.FromSeconds(30), $"the runner's pid in {file}");
    }

    private static int TryReadHandlePid(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            return doc.RootElement.TryGetProperty("handle", out var handle) && handle.GetString()?.Split(' ') is [_, var pid, _]
                && int.TryParse(pid, out var value) ? value : 0;
        }
        catch (IOException) { return 0; }
        catch (JsonException) { return 0; }
    }

    /// <summary>The runner's own pid, from its <c>heartbeat.json</c> (a compute whose handle is no pid: Slurm).</summary>
    public Task<int> HeartbeatPidAsync(string run) => ReadIntAsync(Path.Combine(JobDir(run), "heartbeat.json"), "pid");

    /// <summary>The launch handle the compute stored in the job's <c>launch.json</c> (Slurm: the job id).</summary>
    public Task<string> LaunchHandleAsync(string run)
    {
        var file = Path.Combine(JobDir(run), "launch.json");
        return Eventually.ReturnsAsync(() => Task.FromResult(TryReadHandle(file)), v => v.Length > 0, TimeSpan.FromSeconds(30), $"the handle in {file}");
    }

    private static string TryReadHandle(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            return doc.RootElement.TryGetProperty("handle", out var handle) ? handle.GetString() ?? "" : "";
        }
        catch (IOException) { return ""; }
        catch (JsonException) { return ""; }
    }

    /// <summary>The job's (process group leader's) pid, from the runner's <c>heartbeat.json</c> once the job started.</summary>
    public Task<int> JobPidAsync(string run) => ReadIntAsync(Path.Combine(JobDir(run), "heartbeat.json"), "job_pid");

    private static Task<int> ReadIntAsync(string file, string property) =>
        Eventually.ReturnsAsync(() => Task.FromResult(TryReadInt(file, property)), v => v > 0, TimeSpan.FromSeconds(30), $"'{property}' in {file}");

    private static int TryReadInt(string file, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            return doc.RootElement.TryGetProperty(property, out var value) ? value.GetInt32() : 0;
        }
        catch (IOException) { return 0; }
        catch (JsonException) { return 0; }
    }

    /// <summary>The rows of <c>dstack ps ARGS</c>, cells cut at the header's column starts.</summary>
    public async Task<IReadOnlyList<PsRow>> PsAsync(params string[] args)
    {
        var ps = await DstackAsync(["ps", .. args]);
        if (ps.ExitCode != 0) throw new InvalidOperationException($"dstack ps failed: {ps}");
        return PsRow.Parse(ps.StdOut);
    }

    /// <summary>The run's row in <c>dstack ps RUN</c>.</summary>
    public async Task<PsRow> RowAsync(string run) => (await PsAsync(run)).Single(r => r.Run == run);

    /// <summary>
    /// How long a run may take to reach a status before a test fails: generous, since it costs nothing when the run is on time
    /// and the CI machine runs four suites at once (a final save to S3 was seen past 30 s at load 40).
    /// </summary>
    public static readonly TimeSpan FinishDeadline = TimeSpan.FromSeconds(90);

    /// <summary>Waits until the run is finished (any final status) and returns its row.</summary>
    public async Task<PsRow> WaitFinishedAsync(string run, TimeSpan? timeout = null) =>
        await Eventually.ReturnsAsync(() => RowAsync(run), r => r.IsFinished, timeout ?? FinishDeadline, $"{run} to finish");
}
