using System.Globalization;
using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli.Output;

/// <summary>
/// What `dstack run` shows while it stores the code: a progress line when that takes over a second, and one
/// note when the snapshot is big enough to slow every run, naming what is big and how to leave it out.
/// </summary>
public sealed class CodeFeedback(TextWriter err, TimeProvider time) : ISubmitFeedback
{
    public const long BigBytes = 100L << 20;
    public const int BigFiles = 10_000;
    private ProgressBar? _bar;

    public void CodeStarted(int files) =>
        _bar = new ProgressBar("Storing code", files, err, time, n => n.ToString("N0", CultureInfo.InvariantCulture) + " files");

    public void CodeFileStored() => _bar?.Add(1);

    public void CodeStored(SnapshotManifest manifest)
    {
        _bar?.Finish();
        if (BigSnapshotNote(manifest) is { } note) err.WriteLine(Ansi.Grey(note));
    }

    /// <summary>Null for an ordinary snapshot; otherwise a line naming its biggest top-level entries.</summary>
    public static string? BigSnapshotNote(SnapshotManifest manifest)
    {
        var files = manifest.Entries.Where(e => !e.IsDir).ToList();
        var bytes = files.Sum(f => f.Size);
        if (bytes <= BigBytes && files.Count <= BigFiles) return null;
        var bySize = bytes > BigBytes;
        var biggest = files
            .GroupBy(f => f.Path.IndexOf('/') is var slash and > 0 ? f.Path[..(slash + 1)] : f.Path, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Bytes: g.Sum(f => f.Size), Files: g.Count()))
            .OrderByDescending(g => bySize ? g.Bytes : g.Files)
            .Take(3)
            .Select(g => bySize ? $"{g.Name} {Size.Format(g.Bytes)}" : $"{g.Name} {g.Files:N0} file{(g.Files == 1 ? "" : "s")}");
        return $"Note: the code snapshot has {files.Count:N0} files, {Size.Format(bytes)} (most in {string.Join(", ", biggest)}); " +
               "every run stores and copies it. List what the jobs don't need in .dstackignore (gitignore syntax) to leave it out.";
    }
}
