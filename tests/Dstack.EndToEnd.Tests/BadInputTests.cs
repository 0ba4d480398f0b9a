using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>Input dstack refuses: one <c>Error:</c> line, exit 1, no stack trace, and nothing stored for a run.</summary>
public sealed class BadInputTests
{
    private const string TwoWorkflows = """
        workflows:
          - name: prepare
            provider: bash
            commands: [echo prepare]
          - name: train
            provider: bash
            commands: [echo train]
        """;

    [Fact]
    public async Task Run_UnknownWorkflow_NamesTheKnownOnes()
    {
        await using var sandbox = new Sandbox().WithWorkflows(TwoWorkflows).Commit();

        var result = await sandbox.DstackAsync("run", "trian");

        ShouldBeOneErrorLine(result);
        result.StdErr.ShouldStartWith("Error: No workflow or provider 'trian'", Case.Sensitive);
        result.StdErr.ShouldContain("Workflows: prepare, train.");
        ShouldHaveStoredNothing(sandbox);
    }

    [Fact]
    public async Task Run_YamlSyntaxError_PointsAtTheFileLineAndColumn()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows: [
              - name: train
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        ShouldBeOneErrorLine(result);
        result.StdErr.ShouldMatch(@"^Error: \.dstack/workflows\.yaml:\d+:\d+: invalid YAML: ");
        ShouldHaveStoredNothing(sandbox);
    }

    [Fact]
    public async Task Run_MissingRequirementsFile_NamesTheFileAndWhereItIsRequired()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: train
                provider: bash
                requirements: requirements.txt
                commands: [echo train]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        ShouldBeOneErrorLine(result);
        result.StdErr.ShouldStartWith("Error: .dstack/workflows.yaml:4:5: requirements file 'requirements.txt' not found", Case.Sensitive);
        ShouldHaveStoredNothing(sandbox);
    }

    [Fact]
    public async Task Run_UnknownProvider_SuggestsTheClosestAndListsTheSupportedOnes()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: train
                provider: bsh
                commands: [echo train]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        ShouldBeOneErrorLine(result);
        result.StdErr.ShouldStartWith("Error: .dstack/workflows.yaml:3:15: unknown provider 'bsh' (did you mean 'bash'?)", Case.Sensitive);
        result.StdErr.ShouldContain("supported providers: bash");
        ShouldHaveStoredNothing(sandbox);
    }

    [Fact]
    public async Task Run_BashProviderWithoutACommand_IsRefused()
    {
        await using var sandbox = new Sandbox().WithWorkflows(TwoWorkflows).Commit();

        var result = await sandbox.DstackAsync("run", "bash", "echo hi");

        ShouldBeOneErrorLine(result);
        result.StdErr.ShouldContain("dstack run bash -c");
        ShouldHaveStoredNothing(sandbox);
    }

    private static void ShouldBeOneErrorLine(CliResult result)
    {
        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldStartWith("Error: ", Case.Sensitive, result.ToString());
        result.StdErr.TrimEnd().ShouldNotContain("\n", customMessage: result.ToString());
        result.StdErr.ShouldNotContain("   at ", customMessage: result.ToString());
        result.StdOut.ShouldBeEmpty(result.ToString());
    }

    private static void ShouldHaveStoredNothing(Sandbox sandbox) =>
        sandbox.StoredRepoFiles().ShouldBeEmpty($"a rejected run must leave nothing under {sandbox.ReposDir}");
}
