using System.Diagnostics;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

/// <summary>
/// <c>${{ run.args }}</c> in every quoting position, run by real shells (bash on the host, dash as a POSIX sh like the
/// busybox sh of small images) with arguments that would run <c>touch MARKER</c> if any were spliced in as text.
/// </summary>
public sealed class ShellArgsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dstack-args-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Marker => Path.Combine(_dir, "pwned");

    /// <summary>Hostile arguments; <c>M</c> stands for the marker file's path.</summary>
    public static readonly string[] Corpus =
    [
        "\"; touch M; \"", "$(touch M)", "`touch M`", "'; touch M; '", "'\"$(touch M)\"'", "\\\"; touch M; #",
        "$'\\''; touch M; '", "; touch M", "&& touch M", "| touch M", "> M", "--name=$(touch M)", "a[$(touch M)]",
        "line1\ntouch M", "${IFS}x$((1+1))", "$HOME ~ *", "a b", "", "\\", "'", "\"", "}", ")", "`", "!!", "-n", "ä ö", "%s %%",
    ];

    private static string Tokens(IEnumerable<string> args) => string.Concat(args.Select(a => $"<{a}>"));

    /// <summary>Where the template sits, and what the command prints for the arguments.</summary>
    private static readonly (string Name, string Command, Func<IReadOnlyList<string>, string> Expected)[] Positions =
    [
        ("bare", "printf '<%s>' ${{ run.args }}", Tokens),
        ("double-quoted", "printf '<%s>' \"x:${{ run.args }}\"", a => $"<x:{ShellQuote.Join(a)}>"),
        ("single-quoted", "printf '<%s>' 'x:${{ run.args }}'", a => $"<x:{ShellQuote.Join(a)}>"),
        ("in $( )", "printf '<%s>' \"$(printf '[%s]' ${{ run.args }})\"", a => $"<{string.Concat(a.Select(x => $"[{x}]"))}>"),
        ("in backticks", "printf '<%s>' \"`printf '[%s]' ${{ run.args }}`\"", a => $"<{string.Concat(a.Select(x => $"[{x}]"))}>"),
        ("in ${:-}", "printf '<%s>' ${UNSET:-${{ run.args }}}", Tokens),
        ("in \"${:-}\"", "printf '<%s>' \"${UNSET:-${{ run.args }}}\"", a => $"<{ShellQuote.Join(a)}>"),
        ("sh -c '…'", "sh -c 'printf \"<%s>\" ${{ run.args }}'", Tokens),
        ("sh -c \"…\"", "sh -c \"printf '<%s>' ${{ run.args }}\"", Tokens),
        ("after a comment's quote", "printf '<%s>' ${{ run.args }} # it's", Tokens),
        ("twice", "printf '<%s>' ${{ run.args }} \"${{ run.args }}\"", a => Tokens(a) + $"<{ShellQuote.Join(a)}>"),
    ];

    public static TheoryData<string, string> ShellsAndPositions()
    {
        var data = new TheoryData<string, string>();
        foreach (var shell in new[] { "bash", "dash" })
            foreach (var position in Positions) data.Add(shell, position.Name);
        data.Add("bash", "ANSI-C quoted");
        return data;
    }

    [Theory]
    [MemberData(nameof(ShellsAndPositions))]
    public async Task Args_InEveryPosition_ExecuteNothing_AndGiveTheExpectedText(string shell, string position)
    {
        var (_, command, expected) = position == "ANSI-C quoted"
            ? ("", "printf '<%s>' $'x:\\t${{ run.args }}'", (Func<IReadOnlyList<string>, string>)(a => $"<x:\t{ShellQuote.Join(a)}>"))
            : Positions.Single(p => p.Name == position);
        var corpus = Corpus.Select(a => a.Replace("M", Marker)).ToList();

        // All at once (tokens kept apart), then each alone (an argument may need to be the first or the last).
        foreach (var args in corpus.Select(a => (IReadOnlyList<string>)[a]).Prepend(corpus))
        {
            var (exitCode, output) = await RunAsync(shell, command, args);

            File.Exists(Marker).ShouldBeFalse($"{shell}, {position}: an argument ran a command ({string.Join(" | ", args)})");
            exitCode.ShouldBe(0, output);
            output.ShouldBe(expected(args), $"{shell}, {position}");
        }
    }

    [Fact]
    public async Task NoArgs_Bare_GivesTheCommandNoWords_AndQuoted_GivesEmptyText()
    {
        (await RunAsync("bash", "printf '<%s>' x${{ run.args }}y 'a${{ run.args }}b' \"c${{ run.args }}d\"", [])).Output.ShouldBe("<xy><ab><cd>");
    }

    [Fact]
    public void Render_ChoosesTheReferenceByQuoting()
    {
        WorkflowTemplate.RenderCommand("echo ${{ run.args }} \"${{ run.args }}\" '${{run.args}}' ${{ run.name }}", "r1")
            .ShouldBe("echo \"$@\" \"${DSTACK_RUN_ARGS}\" ''\"${DSTACK_RUN_ARGS}\"'' r1");
    }

    [Fact]
    public void Preamble_SetsThePositionalParameters_AndTheirText() =>
        ShellArgs.Preamble(["--lr", "a b", "it's"]).ShouldBe("""set -- --lr 'a b' 'it'\''s'; DSTACK_RUN_ARGS='--lr '\''a b'\'' '\''it'\''\'\'''\''s'\'''""");

    private async Task<(int ExitCode, string Output)> RunAsync(string shell, string command, IReadOnlyList<string> args)
    {
        var script = Path.Combine(_dir, "job.sh");
        await File.WriteAllTextAsync(script, $"set -e\n{ShellArgs.Preamble(args)}\n{WorkflowTemplate.RenderCommand(command, "r")}\n");
        var psi = new ProcessStartInfo(shell, [script]) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var error = await stderr;
        return (process.ExitCode, process.ExitCode == 0 ? await stdout : $"{await stdout}\n{error}");
    }
}
