using System.Text.Json;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

public static partial class StoreJson
{
    private static void WriteArtifact(Utf8JsonWriter w, ArtifactVersion a)
    {
        w.WriteStartObject();
        WriteArtifactFields(w, a);
        w.WriteEndObject();
    }

    private static void WriteArtifactFields(Utf8JsonWriter w, ArtifactVersion a)
    {
        w.WriteString("path", a.Path);
        w.WriteString("manifest", a.Manifest);
        w.WriteNumber("files", a.Files);
        w.WriteNumber("bytes", a.Bytes);
        w.WriteString("saved_at", a.SavedAt);
    }

    private static ArtifactVersion ReadArtifact(JsonElement e) =>
        new(e.Str("path") ?? "", e.Str("manifest") ?? "", e.Int("files"), e.Long("bytes"), e.Time("saved_at"));

    private static void WriteArtifacts(Utf8JsonWriter w, string name, IEnumerable<ArtifactVersion> artifacts)
    {
        w.WriteStartArray(name);
        foreach (var a in artifacts) WriteArtifact(w, a);
        w.WriteEndArray();
    }

    private static List<ArtifactVersion> ReadArtifacts(JsonElement e, string name)
    {
        var list = new List<ArtifactVersion>();
        foreach (var a in e.Array(name)) list.Add(ReadArtifact(a));
        return list;
    }

    private static void WriteTag(Utf8JsonWriter w, TagRecord t)
    {
        w.WriteStartObject();
        w.WriteString("name", t.Name);
        if (t.RunName is { } run) w.WriteString("run_name", run);
        if (t.WorkflowName is { } wf) w.WriteString("workflow_name", wf);
        WriteArtifacts(w, "artifacts", t.Artifacts);
        w.WriteString("created_at", t.CreatedAt);
        if (t.User is { } user) w.WriteString("user", user);
        w.WriteEndObject();
    }

    private static TagRecord ReadTag(JsonElement e) => new()
    {
        Name = e.Str("name") ?? "",
        RunName = e.Str("run_name"),
        WorkflowName = e.Str("workflow_name"),
        Artifacts = ReadArtifacts(e, "artifacts"),
        CreatedAt = e.Time("created_at"),
        User = e.Str("user"),
    };

    private static void WriteDeps(Utf8JsonWriter w, IEnumerable<ResolvedDep> deps)
    {
        w.WriteStartArray("deps");
        foreach (var d in deps)
        {
            w.WriteStartObject();
            w.WriteString("kind", d.Kind == DepSource.Tag ? "tag" : "workflow");
            w.WriteString("name", d.Name);
            w.WriteString("repo", d.Repo.Id);
            if (d.RunName is { } run) w.WriteString("run_name", run);
            WriteArtifacts(w, "artifacts", d.Artifacts);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static List<ResolvedDep> ReadDeps(JsonElement e)
    {
        var deps = new List<ResolvedDep>();
        foreach (var d in e.Array("deps"))
            deps.Add(new ResolvedDep
            {
                Kind = d.Str("kind") == "tag" ? DepSource.Tag : DepSource.Workflow,
                Name = d.Str("name") ?? "",
                Repo = ReadRepo(d.Str("repo")),
                RunName = d.Str("run_name"),
                Artifacts = ReadArtifacts(d, "artifacts"),
            });
        return deps;
    }

    private static RepoRef ReadRepo(string? id)
    {
        var parts = (id ?? "local/repo").Split('/', 2);
        return new RepoRef(parts[0], parts.Length > 1 ? parts[1] : "");
    }
}
