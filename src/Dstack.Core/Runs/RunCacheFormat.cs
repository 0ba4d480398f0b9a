using System.Globalization;
using System.Text;
using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>
/// <c>ps</c>'s cache of finished runs: one tab-separated line per run (submit ticks, name, workflow, provider, user, and
/// the run's state as <c>ps</c> shows it: status and reason by name, exit code, detail), so that 10,000 runs read in a few
/// milliseconds, without a JSON document or a record per job in memory. A finished run shows its first job's state
/// (<see cref="RunView.Aggregate"/>), so that is the one kept. Any other first line (an older format) reads as no cache.
/// </summary>
public static class RunCacheFormat
{
    private const string Header = "dstack ps cache 2";

    public static byte[] Write(IEnumerable<RunSummary> finished)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var run in finished)
        {
            var state = run.State;
            sb.Append(run.SubmittedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('\t');
            Field(sb, run.RunName).Append('\t');
            Field(sb, run.WorkflowName).Append('\t');
            Field(sb, run.ProviderName).Append('\t');
            Field(sb, run.User).Append('\t');
            sb.Append(state.Status.ToString()).Append('\t').Append(state.Reason.ToString()).Append('\t');
            if (state.ExitCode is { } code) sb.Append(code.ToString(CultureInfo.InvariantCulture));
            sb.Append('\t');
            Field(sb, state.Detail).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The runs by name; null when there is no such cache or it is damaged (then every run is read again).</summary>
    public static Dictionary<string, RunSummary>? Read(string file)
    {
        byte[] data;
        try
        {
            if (!File.Exists(file)) return null;
            data = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return Parse(data);
    }

    /// <summary>The runs by name from a cache's bytes (also a store checkpoint's, <see cref="RunCheckpoints"/>); null when damaged.</summary>
    public static Dictionary<string, RunSummary>? Parse(ReadOnlySpan<byte> data)
    {
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data); }
        catch (DecoderFallbackException) { return null; }
        var lines = text.Split('\n');
        // Every line ends with a newline: a last piece that is not empty is a cut-off line (a partial write).
        if (lines.Length < 2 || lines[0] != Header || lines[^1].Length != 0) return null;
        var runs = new Dictionary<string, RunSummary>(lines.Length, StringComparer.Ordinal);
        foreach (var line in lines.AsSpan(1, lines.Length - 2))
        {
            var f = line.Split('\t');
            if (f.Length != 9 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || !Enum.TryParse<JobStatus>(f[5], out var status) || !Enum.IsDefined(status)
                || !Enum.TryParse<TerminationReason>(f[6], out var reason) || !Enum.IsDefined(reason)) return null;
            int? exit = f[7].Length == 0 ? null : int.TryParse(f[7], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c) ? c : null;
            var state = new JobState { Status = status, Reason = reason, ExitCode = exit, Detail = Unescape(f[8]) };
            var name = Unescape(f[1]) ?? "";
            runs[name] = new RunSummary(name, Unescape(f[2]), Unescape(f[3]) ?? "", new DateTimeOffset(ticks, TimeSpan.Zero), Unescape(f[4]), [state]);
        }
        return runs;
    }

    // Empty stands for null: no name, workflow, provider, user or detail is ever the empty string.
    private static StringBuilder Field(StringBuilder sb, string? value)
    {
        foreach (var ch in value ?? "")
        {
            var escaped = ch switch { '\\' => '\\', '\t' => 't', '\n' => 'n', '\r' => 'r', _ => '\0' };
            if (escaped == '\0') sb.Append(ch);
            else sb.Append('\\').Append(escaped);
        }
        return sb;
    }

    private static string? Unescape(string field)
    {
        if (field.Length == 0) return null;
        if (!field.Contains('\\')) return field;
        var sb = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length) { sb.Append(field[i]); continue; }
            sb.Append(field[++i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', var other => other });
        }
        return sb.ToString();
    }
}
