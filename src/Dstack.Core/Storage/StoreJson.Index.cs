using System.Text.Json;
using Dstack.Core.Runs;

namespace Dstack.Core.Storage;

public static partial class StoreJson
{
    private static void WriteIndex(Utf8JsonWriter w, RunIndex index)
    {
        w.WriteStartArray();
        foreach (var r in index.Runs)
        {
            w.WriteStartObject();
            w.WriteString("run_name", r.RunName);
            if (r.WorkflowName is { } wf) w.WriteString("workflow_name", wf);
            w.WriteString("provider_name", r.ProviderName);
            w.WriteString("submitted_at", r.SubmittedAt);
            if (r.User is { } user) w.WriteString("user", user);
            w.WriteStartArray("jobs");
            foreach (var job in r.Jobs) WriteState(w, job);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static RunIndex ReadIndex(JsonElement e)
    {
        var runs = new List<RunSummary>();
        foreach (var r in e.EnumerateArray())
        {
            var jobs = new List<Models.JobState>();
            foreach (var j in r.Array("jobs")) jobs.Add(ReadState(j));
            runs.Add(new RunSummary(r.Str("run_name") ?? "", r.Str("workflow_name"), r.Str("provider_name") ?? "", r.Time("submitted_at"), r.Str("user"), jobs));
        }
        return new RunIndex(runs);
    }
}
