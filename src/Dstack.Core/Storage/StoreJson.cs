using System.Text.Json;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// JSON for every stored record, written by hand over <see cref="Utf8JsonWriter"/> and <see cref="JsonDocument"/>.
/// The serializer's generic machinery would be compiled at start-up on every command (hundreds of
/// methods, tens of milliseconds); these non-generic calls are precompiled in the framework.
/// </summary>
public static partial class StoreJson
{
    public static byte[] Serialize<T>(T value)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            switch (value)
            {
                case RunRecord r: WriteRun(w, r); break;
                case JobState s: WriteState(w, s); break;
                case StopRequest s: WriteStop(w, s); break;
                case Heartbeat h: WriteHeartbeat(w, h); break;
                case LaunchInfo l: WriteLaunch(w, l); break;
                case NodeAddress n: WriteNode(w, n); break;
                case SnapshotManifest m: WriteManifest(w, m); break;
                case ArtifactVersion a: WriteArtifact(w, a); break;
                case TagRecord t: WriteTag(w, t); break;
                case DoneRunMarker d:
                    w.WriteStartObject();
                    WriteArtifacts(w, "artifacts", d.Artifacts);
                    w.WriteEndObject();
                    break;
                case SecretRecord s:
                    w.WriteStartObject();
                    w.WriteString("name", s.Name);
                    w.WriteString("value", s.Value);
                    w.WriteString("created_at", s.CreatedAt);
                    w.WriteString("updated_at", s.UpdatedAt);
                    w.WriteEndObject();
                    break;
                default: throw new NotSupportedException($"No stored form for {typeof(T).Name}.");
            }
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The record stored at <paramref name="key"/>; throws <see cref="UnreadableRecordException"/> naming the key when the
    /// bytes are not JSON of the expected shape (truncated, edited), so that no parser error reaches a user as a bug.
    /// </summary>
    public static T Deserialize<T>(byte[] data, string key)
    {
        try { return Deserialize<T>(data); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException or OverflowException)
        {
            throw UnreadableRecordException.Of(key, e);
        }
    }

    public static T Deserialize<T>(byte[] data)
    {
        using var doc = JsonDocument.Parse(data);
        var e = doc.RootElement;
        object value = typeof(T) switch
        {
            var t when t == typeof(RunRecord) => ReadRun(e),
            var t when t == typeof(JobState) => ReadState(e),
            var t when t == typeof(StopRequest) => new StopRequest(e.Bool("abort"), e.Time("requested_at")),
            var t when t == typeof(Heartbeat) => new Heartbeat(e.Time("at"), e.Int("pid"), e.Str("host") ?? "", e.IntOrNull("job_pid"), e.LongOrNull("job_start_ticks")),
            var t when t == typeof(NodeAddress) => new NodeAddress(e.Str("address") ?? "", e.IntOrNull("master_port"), e.IntOrNull("attempt") ?? 1),
            var t when t == typeof(LaunchInfo) => new LaunchInfo(e.Str("compute") ?? "", e.Str("handle") ?? "", e.Time("launched_at")),
            var t when t == typeof(SnapshotManifest) => ReadManifest(e),
            var t when t == typeof(ArtifactVersion) => ReadArtifact(e),
            var t when t == typeof(TagRecord) => ReadTag(e),
            var t when t == typeof(DoneRunMarker) => new DoneRunMarker(ReadArtifacts(e, "artifacts")),
            var t when t == typeof(SecretRecord) => new SecretRecord(e.Str("name") ?? "", e.Str("value") ?? "", e.Time("created_at"), e.Time("updated_at")),
            _ => throw new NotSupportedException($"No stored form for {typeof(T).Name}."),
        };
        return (T)value;
    }

    private static void WriteNode(Utf8JsonWriter w, NodeAddress n)
    {
        w.WriteStartObject();
        w.WriteString("address", n.Address);
        if (n.MasterPort is { } port) w.WriteNumber("master_port", port);
        w.WriteNumber("attempt", n.Attempt);
        w.WriteEndObject();
    }

    private static void WriteStop(Utf8JsonWriter w, StopRequest s)
    {
        w.WriteStartObject();
        w.WriteBoolean("abort", s.Abort);
        w.WriteString("requested_at", s.RequestedAt);
        w.WriteEndObject();
    }

    private static void WriteHeartbeat(Utf8JsonWriter w, Heartbeat h)
    {
        w.WriteStartObject();
        w.WriteString("at", h.At);
        w.WriteNumber("pid", h.Pid);
        w.WriteString("host", h.Host);
        if (h.JobPid is { } jp) w.WriteNumber("job_pid", jp);
        if (h.JobStartTicks is { } jt) w.WriteNumber("job_start_ticks", jt);
        w.WriteEndObject();
    }

    private static void WriteLaunch(Utf8JsonWriter w, LaunchInfo l)
    {
        w.WriteStartObject();
        w.WriteString("compute", l.Compute);
        w.WriteString("handle", l.Handle);
        w.WriteString("launched_at", l.LaunchedAt);
        w.WriteEndObject();
    }

    private static void WriteState(Utf8JsonWriter w, JobState s)
    {
        w.WriteStartObject();
        w.WriteString("status", s.Status.ToWire());
        if (s.Reason != TerminationReason.None) w.WriteString("reason", s.Reason.ToString());
        if (s.ExitCode is { } code) w.WriteNumber("exit_code", code);
        if (s.Detail is { } detail) w.WriteString("detail", detail);
        w.WriteString("updated_at", s.UpdatedAt);
        if (s.StartedAt is { } started) w.WriteString("started_at", started);
        if (s.FinishedAt is { } finished) w.WriteString("finished_at", finished);
        w.WriteInts("ports", s.Ports);
        if (s.Host is { } host) w.WriteString("host", host);
        if (s.Note is { } note) w.WriteString("note", note);
        if (s.Attempt > 1) w.WriteNumber("attempt", s.Attempt);
        if (s.Link is { } link) w.WriteString("link", link);
        if (s.Password is { } password) w.WriteString("password", password);
        w.WriteEndObject();
    }

    private static JobState ReadState(JsonElement e) => new()
    {
        Status = ParseStatus(e.Str("status")),
        Reason = e.Str("reason") is { } r ? ParseReason(r) : TerminationReason.None,
        ExitCode = e.IntOrNull("exit_code"),
        Detail = e.Str("detail"),
        UpdatedAt = e.Time("updated_at"),
        StartedAt = e.TimeOrNull("started_at"),
        FinishedAt = e.TimeOrNull("finished_at"),
        Ports = e.Ints("ports"),
        Host = e.Str("host"),
        Note = e.Str("note"),
        Attempt = e.IntOrNull("attempt") ?? 1,
        Link = e.Str("link"),
        Password = e.Str("password"),
    };

    // Plain lookups rather than Enum.Parse, whose generic code is compiled at run time on every command.
    private static JobStatus ParseStatus(string? wire)
    {
        for (var status = JobStatus.Submitted; status <= JobStatus.Done; status++)
            if (status.ToWire() == wire) return status;
        return JobStatus.Submitted;
    }

    private static TerminationReason ParseReason(string name)
    {
        for (var reason = TerminationReason.None; reason <= TerminationReason.NodeFailed; reason++)
            if (reason.ToString() == name) return reason;
        return TerminationReason.None;
    }

    private static void WriteManifest(Utf8JsonWriter w, SnapshotManifest m)
    {
        w.WriteStartObject();
        w.WriteStartArray("entries");
        foreach (var entry in m.Entries)
        {
            w.WriteStartObject();
            w.WriteString("path", entry.Path);
            if (entry.IsDir) w.WriteBoolean("is_dir", true);
            else if (entry.LinkTarget is { } target) w.WriteString("link_target", target);
            else
            {
                w.WriteNumber("mode", entry.Mode);
                w.WriteNumber("size", entry.Size);
                w.WriteString("blob", entry.Blob);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static SnapshotManifest ReadManifest(JsonElement e) => new(
        e.Array("entries").Select(x => new SnapshotEntry(
            x.Str("path") ?? "", x.IntOrNull("mode") ?? 0, x.LongOrNull("size") ?? 0, x.Str("blob"), x.Str("link_target"), x.Bool("is_dir"))).ToList());
}
