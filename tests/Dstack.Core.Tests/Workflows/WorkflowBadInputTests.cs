using System.Diagnostics;
using System.Text;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

/// <summary>Hostile or broken workflow files: a one-line error at file:line, quickly, never a crash.</summary>
public sealed class WorkflowBadInputTests
{
    private const string File = ".dstack/workflows.yaml";

    private static WorkflowException LoadFails(string yaml) =>
        Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(File, yaml));

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public void Parse_100000NestedLevels_FailsAtTheLevelPastTheLimit_WithoutOverflowingTheStack(string open, string close)
    {
        var yaml = "workflows:\n  " + string.Concat(Enumerable.Repeat(open, 100_000)) + "x" + string.Concat(Enumerable.Repeat(close, 100_000));
        var clock = Stopwatch.StartNew();

        var error = LoadFails(yaml);

        error.Message.ShouldMatch($@"^{File.Replace(".", "\\.")}:2:\d+: lists and mappings nest deeper than 64 levels; a workflow needs only a few$");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Parse_NestingWithinTheLimit_IsNotRefused()
    {
        var error = LoadFails("workflows:\n  - name: a\n    provider: bash\n    commands: " + new string('[', 30) + new string(']', 30) + "\n");

        error.Message.ShouldNotContain("nest deeper");
    }

    [Theory]
    [InlineData("commands:\n      - echo ${{ run.args\n", 5, 9)]
    [InlineData("commands: |\n      echo start\n      python train.py ${{ run.args\n", 6, 1)]
    [InlineData("commands: [\"echo ${{ run.name }} ${{ run.args\"]\n", 4, 16)]
    [InlineData("env:\n      - A=${{ run.name\n", 5, 9)]
    public void Parse_AnUnclosedExpression_FailsAtItsLine(string property, int line, int column)
    {
        var error = LoadFails($"workflows:\n  - name: train\n    provider: bash\n    {property}");

        error.Message.ShouldStartWith($"{File}:{line}:{column}: unclosed expression '${{{{ run.");
        error.Message.ShouldContain("close it with '}}'");
    }

    [Fact]
    public void Parse_ClosedExpressions_AreNotUnclosed()
    {
        var set = WorkflowLoader.Parse(File, "workflows:\n  - name: train\n    provider: bash\n    commands: ['echo ${{ run.name }}${{run.args}} }} {{ ${x}']\n");

        set.Find("train")!.Commands.ShouldBe(["echo ${{ run.name }}${{run.args}} }} {{ ${x}"]);
    }

    [Fact]
    public void Parse_AFileThatIsOneHugeValue_QuotesAtMost80CharactersOfIt()
    {
        // /etc/passwd linked as the workflows file: one plain multi-line scalar.
        var passwd = string.Join('\n', Enumerable.Range(0, 500).Select(i => $"user{i}:x:{i}:{i}:User {i}:/home/user{i}:/bin/bash"));

        var error = LoadFails(passwd);

        error.Message.ShouldStartWith($"{File}:1:1: the file must be a mapping with a 'workflows' list at the root, got 'user0:x:0:0:User 0:");
        error.Message.Length.ShouldBeLessThan(200);
        error.Message.ShouldNotContain("\n");
    }

    [Theory]
    [InlineData("provider: {0}")]
    [InlineData("name: \"a {0}\"")]
    [InlineData("{0}: 1")]
    [InlineData("working_dir: /{0}")]
    [InlineData("env: ['{0}-=1']")]
    [InlineData("resources: {{memory: {0}}}")]
    public void Parse_AHugeValueInAnError_IsCutShort(string property)
    {
        var huge = new string('x', 10_000);

        var error = LoadFails("workflows:\n  - name: train\n    " + string.Format(property, huge) + "\n    commands: [x]\n    provider: bash\n");

        error.Message.Length.ShouldBeLessThan(400, error.Message[..Math.Min(400, error.Message.Length)]);
    }

    [Fact]
    public void Read_AFileOverTheLimit_FailsWithoutReadingItAll()
    {
        using var repo = new TempRepo();
        System.IO.File.CreateSymbolicLink(Path.Combine(repo.Root, "endless.yaml"), "/dev/zero");

        var error = Should.Throw<WorkflowException>(() => WorkflowFileReader.Read(repo.Root, "endless.yaml"));

        error.Message.ShouldBe("endless.yaml:1:1: the file is larger than 1 MB, the most a workflows file may be; is it the right file?");
    }

    [Fact]
    public void Read_BytesThatAreNotUtf8_FailAtTheirLineAndColumn()
    {
        using var repo = new TempRepo();
        var bytes = Encoding.UTF8.GetBytes("workflows:\n  - name: tr\u00e4in\n    provider: bash\n    commands: [echo caf").Concat(new byte[] { 0xE9, 0x0A }).ToArray();
        System.IO.File.WriteAllBytes(Path.Combine(repo.Root, "latin1.yaml"), bytes);

        var error = Should.Throw<WorkflowException>(() => WorkflowFileReader.Read(repo.Root, "latin1.yaml"));

        error.Message.ShouldBe("latin1.yaml:4:24: the byte 0xE9 is not UTF-8; save the file as UTF-8");
    }

    [Fact]
    public void Read_Utf8WithAByteOrderMark_ReadsTheTextWithoutIt()
    {
        using var repo = new TempRepo();
        System.IO.File.WriteAllBytes(Path.Combine(repo.Root, "bom.yaml"), [0xEF, 0xBB, 0xBF, .. "workflows: []\n"u8.ToArray()]);

        WorkflowFileReader.Read(repo.Root, "bom.yaml").ShouldBe("workflows: []\n");
    }
}
