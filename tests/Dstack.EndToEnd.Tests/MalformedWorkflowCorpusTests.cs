using System.Text;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A corpus of broken (and a few odd but valid) workflow files, each run as <c>dstack run train</c>: every case is a
/// one-line error at <c>file:line:col</c> naming the problem, or a correct run. Never a crash, a stack trace, a
/// "This is a bug", a hang or a page of the file quoted back. The files are <c>Corpus/Workflows/*.yaml</c>: the first line
/// says <c># expect: TEXT</c> (a part of the error) or <c># expect: run: TEXT</c> (a line the run prints); the cases
/// no text file can hold (huge, deep, links) are made here.
/// </summary>
public sealed partial class MalformedWorkflowCorpusTests
{
    private const string WorkflowsFile = ".dstack/workflows.yaml";

    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Corpus", "Workflows");

    public static TheoryData<string> Files() =>
        new(Directory.EnumerateFiles(Folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Run_CorpusFile_IsAOneLineErrorAtFileLine_OrACorrectRun(string name)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Folder, name + ".yaml"));
        var expect = Expectation().Match(Encoding.UTF8.GetString(bytes)) is { Success: true } m
            ? m.Groups[1].Value.TrimEnd('\r')
            : throw new InvalidDataException($"{name}.yaml must start with '# expect: ...'");
        await using var sandbox = new Sandbox().WriteFile("README.md", "corpus").Commit().WriteFile(WorkflowsFile, "");
        await File.WriteAllBytesAsync(Path.Combine(sandbox.Repo, WorkflowsFile), bytes);

        var result = await sandbox.DstackAsync("run", "train");

        if (expect.StartsWith("run: ", StringComparison.Ordinal))
        {
            result.ExitCode.ShouldBe(0, result.ToString());
            result.StdOut.ShouldContain(expect["run: ".Length..] + "\n", Case.Sensitive, result.ToString());
        }
        else ShouldBeOneErrorAtFileLine(result, expect);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public async Task Run_100000NestedLevels_IsAOneLineError_Quickly(string open, string close)
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "corpus").Commit();
        sandbox.WriteFile(WorkflowsFile, "workflows:\n  " + string.Concat(Enumerable.Repeat(open, 100_000)) + "x" + string.Concat(Enumerable.Repeat(close, 100_000)) + "\n");

        var result = await sandbox.DstackAsync(["run", "train"], timeout: TimeSpan.FromSeconds(15));

        ShouldBeOneErrorAtFileLine(result, "lists and mappings nest deeper than 64 levels");
    }

    [Fact]
    public async Task Run_AFileOfSeveralMegabytes_IsAOneLineError()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "corpus").Commit();
        sandbox.WriteFile(WorkflowsFile, "workflows:\n" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"  - {{name: w{i}, provider: bash, commands: [echo {i}]}}\n")));

        var result = await sandbox.DstackAsync(["run", "train"], timeout: TimeSpan.FromSeconds(15));

        ShouldBeOneErrorAtFileLine(result, "the file is larger than 1 MB");
    }

    [Theory]
    [InlineData("/dev/zero", "the file is larger than 1 MB")]
    [InlineData("/etc/passwd", "")]
    public async Task Run_AWorkflowsFileLinkedToASystemFile_IsAOneLineError_QuotingLittle(string target, string expect)
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "corpus").Commit();
        Directory.CreateDirectory(Path.Combine(sandbox.Repo, ".dstack"));
        File.CreateSymbolicLink(Path.Combine(sandbox.Repo, WorkflowsFile), target);

        var result = await sandbox.DstackAsync(["run", "train"], timeout: TimeSpan.FromSeconds(15));

        ShouldBeOneErrorAtFileLine(result, expect);
    }

    /// <summary>
    /// Exit 1; the problem on a line of its own that names the file, line and column; at most a warning or two besides
    /// (the workflow being run cannot be found when its file does not load); short lines; nothing of a crash.
    /// </summary>
    private static void ShouldBeOneErrorAtFileLine(CliResult result, string expect)
    {
        result.ExitCode.ShouldBe(1, result.ToString());
        var lines = result.StdErr.TrimEnd('\n').Split('\n');
        lines.Length.ShouldBeLessThanOrEqualTo(3, result.ToString());
        lines.ShouldContain(line => line.StartsWith("Error: ", StringComparison.Ordinal), result.ToString());
        lines.ShouldContain(line => AtFileLine().IsMatch(line) && line.Contains(expect, StringComparison.Ordinal), result.ToString());
        lines.ShouldAllBe(line => line.Length <= 300, result.ToString());
        result.StdErr.ShouldNotContain("This is a bug", Case.Sensitive, result.ToString());
        result.StdErr.ShouldNotContain("   at ", Case.Sensitive, result.ToString());
        result.StdOut.ShouldBeEmpty(result.ToString());
    }

    [GeneratedRegex(@"\.dstack/workflows\.yaml:\d+:\d+: ")]
    private static partial Regex AtFileLine();

    [GeneratedRegex(@"^\uFEFF?# expect: (.*)$", RegexOptions.Multiline)]
    private static partial Regex Expectation();
}
