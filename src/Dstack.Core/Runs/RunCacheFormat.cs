using System.Buffers;
using System.Globalization;
using System.Text;
using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>
/// <c>ps</c>'s cache of finished runs: one tab-separated line per run (submit ticks, name, workflow, provider, user, and
/// the run's state as <c>ps</c> shows it: status and reason by name, exit code, detail), so that 10,000 runs read in a few
/// milliseconds, without a JSON document or a record per job in memory. A finished run shows its first job's state
/// (<see cref="RunView.Aggregate"/>), so that is the one kept. A run not settled is kept as submitted, a name to read again.
/// The first line says when the listing began (<see cref="RunCache.ListedAt"/>). The previous format (no listing time, only
/// finished runs) reads as a view listed at an unknown time (0): its runs are listed again, but not read again.
/// </summary>
public static class RunCacheFormat
{
    private const string Header = "dstack ps cache 3\t";

    /// <summary>The previous format's first line: a cache or checkpoint written by an older dstack.</summary>
    private const string PreviousHeader = "dstack ps cache 2";

    /// <summary>What a run not settled is kept as: a name whose records are read again.</summary>
    private static readonly JobState Unsettled = new() { Status = JobStatus.Submitted };

    public static byte[] Write(IEnumerable<RunSummary> runs, long listedAt = 0)
    {
        var sb = new StringBuilder(Header).Append(listedAt.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var run in runs)
        {
            var state = run.IsSettled ? run.State : Unsettled;
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
    public static Dictionary<string, RunSummary>? Read(string file) => ReadView(file)?.Runs;

    /// <summary>The runs by name and when they were listed; null when there is no such cache or it is damaged.</summary>
    public static RunCache? ReadView(string file)
    {
        byte[]? data = null;
        try
        {
            if (!File.Exists(file)) return null;
            using var handle = File.OpenHandle(file);
            var length = RandomAccess.GetLength(handle);
            if (length > int.MaxValue / 2) return null;
            data = ArrayPool<byte>.Shared.Rent((int)length);
            var read = 0;
            while (read < length && RandomAccess.Read(handle, data.AsSpan(read, (int)length - read), read) is var n and > 0) read += n;
            return ParseView(data.AsSpan(0, read));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        finally
        {
            if (data is not null) ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>
    /// The runs by name from a cache's bytes (also a store checkpoint's, <see cref="RunCheckpoints"/>); null when damaged.
    /// <c>ps -a</c> of 10,000 runs reads them all: fields are parsed in place, and what repeats (workflow, provider, user, the
    /// state) is one object shared by the runs that have it, so that a run costs its name and its summary.
    /// </summary>
    public static Dictionary<string, RunSummary>? Parse(ReadOnlySpan<byte> data) => ParseView(data)?.Runs;

    /// <summary>As <see cref="Parse"/>, with when the runs were listed.</summary>
    public static RunCache? ParseView(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[^1] != (byte)'\n') return null; // every line ends with a newline: else cut off (a partial write)
        var chars = ArrayPool<char>.Shared.Rent(data.Length);
        try
        {
            int count;
            try { count = Strict.GetChars(data, chars); }
            catch (DecoderFallbackException) { return null; }
            return Parse(chars.AsSpan(0, count), data.Count((byte)'\n'));
        }
        finally { ArrayPool<char>.Shared.Return(chars); }
    }

    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    private static RunCache? Parse(ReadOnlySpan<char> text, int lines)
    {
        var newline = text.IndexOf('\n');
        long listedAt = 0;
        if (!text[..newline].SequenceEqual(PreviousHeader)
            && (!text[..newline].StartsWith(Header)
                || !long.TryParse(text[Header.Length..newline], NumberStyles.None, CultureInfo.InvariantCulture, out listedAt))) return null;
        text = text[(newline + 1)..];
        var runs = new Dictionary<string, RunSummary>(lines, StringComparer.Ordinal);
        var strings = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var states = new Dictionary<(JobStatus, TerminationReason, int?, string?), JobState[]>();
        Span<Range> f = stackalloc Range[10];
        while (!text.IsEmpty)
        {
            newline = text.IndexOf('\n');
            var line = text[..newline];
            text = text[(newline + 1)..];
            if (line.Split(f, '\t') != 9 || !long.TryParse(line[f[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || !Statuses.TryGetValue(line[f[5]], out var status) || !Reasons.TryGetValue(line[f[6]], out var reason)) return null;
            var exitField = line[f[7]];
            int? exit = exitField.IsEmpty ? null : int.TryParse(exitField, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c) ? c : null;
            var detail = Shared(strings, line[f[8]]);
            if (!states.TryGetValue((status, reason, exit, detail), out var state))
                states[(status, reason, exit, detail)] = state = [new JobState { Status = status, Reason = reason, ExitCode = exit, Detail = detail }];
            var name = Unescape(line[f[1]]) ?? "";
            runs[name] = new RunSummary(name, Shared(strings, line[f[2]]), Shared(strings, line[f[3]]) ?? "",
                new DateTimeOffset(ticks, TimeSpan.Zero), Shared(strings, line[f[4]]), state);
        }
        return new RunCache(runs, listedAt);
    }

    private static readonly Dictionary<string, JobStatus>.AlternateLookup<ReadOnlySpan<char>> Statuses =
        Enum.GetValues<JobStatus>().ToDictionary(v => v.ToString(), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly Dictionary<string, TerminationReason>.AlternateLookup<ReadOnlySpan<char>> Reasons =
        Enum.GetValues<TerminationReason>().ToDictionary(v => v.ToString(), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>A field that many runs share (a workflow, a user), as one string for all of them.</summary>
    private static string? Shared(Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> strings, ReadOnlySpan<char> field)
    {
        if (field.IsEmpty) return null;
        if (strings.TryGetValue(field, out var known)) return known;
        var value = Unescape(field)!;
        strings[field] = value;
        return value;
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

    private static string? Unescape(ReadOnlySpan<char> field)
    {
        if (field.IsEmpty) return null;
        if (!field.Contains('\\')) return field.ToString();
        var sb = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length) { sb.Append(field[i]); continue; }
            sb.Append(field[++i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', var other => other });
        }
        return sb.ToString();
    }
}
