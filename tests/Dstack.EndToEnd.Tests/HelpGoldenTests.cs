using System.Runtime.CompilerServices;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// The published executable prints what the in-process golden tests of <c>tests/Dstack.Cli.Tests</c> check, byte for
/// byte: the console path (<c>CliOutput</c> over the real standard streams) adds and loses nothing.
/// </summary>
public class HelpGoldenTests
{
    private static readonly string GoldenFolder = Path.Combine(Folder(), "..", "Dstack.Cli.Tests", "Golden");

    [Theory]
    [InlineData("help", "--help")]
    [InlineData("help-logs", "logs", "--help")]
    [InlineData("help-run", "run", "-h")]
    public async Task Help_FromTheExecutable_MatchesTheGoldenFile(string golden, params string[] args)
    {
        await using var sandbox = new Sandbox();

        var result = await sandbox.DstackAsync(args);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdErr.ShouldBeEmpty();
        result.StdOut.ShouldBe(await File.ReadAllTextAsync(Path.Combine(GoldenFolder, golden + ".txt")));
    }

    [Fact]
    public async Task UnknownCommand_FromTheExecutable_PrintsTheGoldenError()
    {
        await using var sandbox = new Sandbox();

        var result = await sandbox.DstackAsync("frobnicate");

        var golden = await File.ReadAllTextAsync(Path.Combine(GoldenFolder, "error-unknown-command.txt"));
        golden.ShouldEndWith($"--- stdout\n{result.StdOut}--- stderr\n{result.StdErr}");
        result.ExitCode.ShouldBe(1);
    }

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
