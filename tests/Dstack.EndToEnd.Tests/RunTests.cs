using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class RunTests
{
    private const string Hello = """
        workflows:
          - name: hello
            provider: bash
            help: Says hello
            commands:
              - echo "hello from $RUN_NAME args=${{ run.args }}"
          - name: fail
            provider: bash
            commands:
              - echo before
              - exit 7
              - echo never
        """;

    [Fact]
    public async Task Run_Hello_StreamsLogsAndExitsZero()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Hello).Commit();

        var result = await sandbox.DstackAsync("run", "hello", "a", "b c");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldMatch(@"hello from [a-z]+-[a-z]+-\d+ args=a 'b c'\n");
    }

    [Fact]
    public async Task Run_FailingCommand_ExitsWithTheJobsCodeAndStopsAtTheFailure()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Hello).Commit();

        var result = await sandbox.DstackAsync("run", "fail");

        result.ExitCode.ShouldBe(7, result.ToString());
        result.StdOut.ShouldContain("before");
        result.StdOut.ShouldNotContain("never");
        result.StdErr.ShouldContain("exit code 7");
    }
}
