using System.Text.Json;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

public static partial class StoreJson
{
    private static void WriteRun(Utf8JsonWriter w, RunRecord r)
    {
        w.WriteStartObject();
        w.WriteString("run_name", r.RunName);
        w.WriteString("repo", r.Repo.Id);
        if (r.WorkflowName is { } wf) w.WriteString("workflow_name", wf);
        w.WriteString("provider_name", r.ProviderName);
        w.WriteString("submitted_at", r.SubmittedAt);
        w.WriteStartObject("code");
        if (r.Code.Branch is { } branch) w.WriteString("branch", branch);
        if (r.Code.Commit is { } commit) w.WriteString("commit", commit);
        if (r.Code.DiffBlob is { } diff) w.WriteString("diff_blob", diff);
        w.WriteNumber("untracked_files", r.Code.UntrackedFiles);
        w.WriteString("snapshot_id", r.Code.SnapshotId);
        w.WriteBoolean("is_git", r.Code.IsGit);
        w.WriteEndObject();
        w.WriteStrings("args", r.Args);
        if (r.User is { } user) w.WriteString("user", user);
        if (r.RestartOf is { } restartOf) w.WriteString("restart_of", restartOf);
        if (r.TagOnDone is { } tag) w.WriteString("tag_on_done", tag);
        WriteDeps(w, r.Deps);
        w.WriteStartArray("jobs");
        foreach (var job in r.Jobs) WriteJob(w, job);
        w.WriteEndArray();
        if (r.JobTemplates is { } templates)
        {
            w.WriteStartArray("job_templates");
            foreach (var job in templates) WriteJob(w, job);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteJob(Utf8JsonWriter w, JobSpec j)
    {
        w.WriteStartObject();
        w.WriteNumber("index", j.Index);
        if (j.Nodes != 1) w.WriteNumber("nodes", j.Nodes);
        w.WriteStrings("commands", j.Commands);
        w.WriteStrings("env", j.Env);
        w.WriteString("working_dir", j.WorkingDir);
        w.WriteStartArray("artifacts");
        foreach (var a in j.Artifacts)
        {
            w.WriteStartObject();
            w.WriteString("path", a.Path);
            w.WriteBoolean("mount", a.Mount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("ports", j.Ports);
        if (j.Resources is { } res)
        {
            w.WriteStartObject("resources");
            if (res.Cpu is { } cpu) w.WriteNumber("cpu", cpu);
            if (res.MemoryBytes is { } mem) w.WriteNumber("memory_bytes", mem);
            w.WriteNumber("gpu_count", res.GpuCount);
            if (res.GpuName is { } gpuName) w.WriteString("gpu_name", gpuName);
            if (res.GpuMemoryBytes is { } gpuMem) w.WriteNumber("gpu_memory_bytes", gpuMem);
            if (res.ShmSizeBytes is { } shm) w.WriteNumber("shm_size_bytes", shm);
            w.WriteBoolean("interruptible", res.Interruptible);
            w.WriteEndObject();
        }
        if (j.Image is { } image) w.WriteString("image", image);
        if (j.Python is { } python) w.WriteString("python", python);
        if (j.Requirements is { } req) w.WriteString("requirements", req);
        if (j.ServerLink is { } link) w.WriteString("server_link", link);
        if (j.ServerLoginLink is { } login) w.WriteString("server_login_link", login);
        w.WriteEndObject();
    }

    private static RunRecord ReadRun(JsonElement e)
    {
        var code = e.GetProperty("code");
        return new RunRecord
        {
            RunName = e.Str("run_name") ?? "",
            Repo = ReadRepo(e.Str("repo")),
            WorkflowName = e.Str("workflow_name"),
            ProviderName = e.Str("provider_name") ?? "",
            SubmittedAt = e.Time("submitted_at"),
            Code = new RepoSnapshotInfo
            {
                Branch = code.Str("branch"), Commit = code.Str("commit"), DiffBlob = code.Str("diff_blob"),
                UntrackedFiles = code.IntOrNull("untracked_files") ?? 0, SnapshotId = code.Str("snapshot_id") ?? "",
                IsGit = code.Bool("is_git"),
            },
            Args = e.Strings("args"),
            User = e.Str("user"),
            RestartOf = e.Str("restart_of"),
            TagOnDone = e.Str("tag_on_done"),
            Deps = ReadDeps(e),
            Jobs = e.Array("jobs").Select(ReadJob).ToList(),
            JobTemplates = e.TryGetProperty("job_templates", out _) ? e.Array("job_templates").Select(ReadJob).ToList() : null,
        };
    }

    private static JobSpec ReadJob(JsonElement j) => new()
    {
        Index = j.Int("index"),
        Nodes = j.IntOrNull("nodes") ?? 1,
        Commands = j.Strings("commands"),
        Env = j.Strings("env"),
        WorkingDir = j.Str("working_dir") ?? "",
        Artifacts = j.Array("artifacts").Select(a => new ArtifactRef(a.Str("path") ?? "", a.Bool("mount"))).ToList(),
        Ports = j.IntOrNull("ports") ?? 0,
        Resources = j.TryGetProperty("resources", out var r) ? new JobResources
        {
            Cpu = r.IntOrNull("cpu"), MemoryBytes = r.LongOrNull("memory_bytes"), GpuCount = r.IntOrNull("gpu_count") ?? 0,
            GpuName = r.Str("gpu_name"), GpuMemoryBytes = r.LongOrNull("gpu_memory_bytes"), ShmSizeBytes = r.LongOrNull("shm_size_bytes"),
            Interruptible = r.Bool("interruptible"),
        } : null,
        Image = j.Str("image"),
        Python = j.Str("python"),
        Requirements = j.Str("requirements"),
        ServerLink = j.Str("server_link"),
        ServerLoginLink = j.Str("server_login_link"),
    };
}
