using Dstack.Cli.Tests.Support;
using Dstack.Cli.Verbs;

namespace Dstack.Cli.Tests;

/// <summary><c>dstack --help</c> and each verb's <c>--help</c>, as printed, against <c>Golden/help*.txt</c>.</summary>
public class HelpGoldenTests
{
    public static TheoryData<string> VerbNames() => new(Commands.All.Select(v => v.Name));

    [Fact]
    public async Task Help_OfDstack_MatchesTheGoldenFile()
    {
        using var cli = new InProcessCli();

        var (code, stdout, stderr) = await cli.RunAsync("--help");

        code.ShouldBe(0);
        stderr.ShouldBeEmpty();
        Golden.Check("help", stdout);
    }

    [Theory]
    [MemberData(nameof(VerbNames))]
    public async Task Help_OfEachVerb_MatchesTheGoldenFile(string verb)
    {
        using var cli = new InProcessCli();

        var (code, stdout, stderr) = await cli.RunAsync(verb, "--help");

        code.ShouldBe(0);
        stderr.ShouldBeEmpty();
        Golden.Check($"help-{verb}", stdout);
    }

    [Fact]
    public async Task Help_AskedThreeWays_PrintsTheSameText()
    {
        using var cli = new InProcessCli();

        var texts = new[] { await cli.RunAsync("logs", "--help"), await cli.RunAsync("logs", "-h"), await cli.RunAsync("help", "logs") };

        texts.Select(t => t.StdOut).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public void Check_TextThatDiffersFromTheGoldenFile_Fails()
    {
        if (Golden.Updating) return;

        Should.Throw<ShouldAssertException>(() => Golden.Check("ps-empty", "RUN  WORKFLOW\n")).Message.ShouldContain("UPDATE_GOLDEN=1");
    }

    [Fact]
    public void GoldenFolder_HoldsOnlyFilesThatATestChecks()
    {
        if (Golden.Updating) return; // the other tests are writing the files now
        var expected = new[] { "help" }.Concat(Commands.All.Select(v => $"help-{v.Name}"))
            .Concat(PsTableGoldenTests.Names).Concat(ErrorGoldenTests.Cases.Keys.Select(k => $"error-{k}"));

        Directory.EnumerateFiles(Golden.Folder, "*.txt").Select(Path.GetFileNameWithoutExtension).Order()
            .ShouldBe(expected.Order(), "a golden file no test checks is stale: remove it");
    }
}
