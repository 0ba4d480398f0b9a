using System.Text.Json;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class WorkflowFileTests
{
    private const string Hello = """
        workflows:
          - name: hello
            provider: bash
            help: Says hello
            commands:
              - echo "hello from the root"
        """;

    [Fact]
    public async Task Run_FromASubfolder_FindsTheWorkflowsAtTheRepoRoot()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Hello).WriteFile("src/deep/model.py", "").Commit();

        var result = await sandbox.DstackAsync(["run", "hello"], cwd: Path.Combine(sandbox.Repo, "src", "deep"));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldContain("hello from the root");
    }

    [Fact]
    public async Task Run_WorkflowsInTheWorkflowsFolder_AreFoundInYamlAndYmlFilesNextToTheMainFile()
    {
        await using var sandbox = new Sandbox()
            .WithWorkflows(Hello)
            .WriteFile(".dstack/workflows/train.yaml", "workflows:\n  - name: train\n    provider: bash\n    help: Trains\n    commands: [echo training]\n")
            .WriteFile(".dstack/workflows/eval.yml", "workflows:\n  - name: eval\n    provider: bash\n    commands: [echo evaluating]\n")
            .WriteFile(".dstack/workflows/notes.txt", "not: [valid yaml")
            .Commit();

        var train = await sandbox.DstackAsync("run", "train");
        var eval = await sandbox.DstackAsync("run", "eval");
        var list = await sandbox.DstackAsync("run");

        train.ExitCode.ShouldBe(0, train.ToString());
        train.StdOut.ShouldContain("training");
        eval.ExitCode.ShouldBe(0, eval.ToString());
        eval.StdOut.ShouldContain("evaluating");
        list.StdOut.ShouldMatch(@"(?m)^\s+hello\s+Says hello$");
        list.StdOut.ShouldMatch(@"(?m)^\s+train\s+Trains$");
        list.StdOut.ShouldMatch(@"(?m)^\s+eval$");
    }

    [Fact]
    public async Task Run_SubstitutesRunNameAndArgs_AndLeavesShellAndJinjaLikeSyntaxAlone()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: template
                provider: bash
                commands:
                  - x=abcd; echo "len=${#x} home-set=${HOME:+yes}"
                  - echo 'jinja {% raw %} {#x#} {{ y }}'
                  - echo "name=${{ run.name }} env-name=$RUN_NAME"
                  - printf '[%s]' ${{ run.args }}; echo
            """).Commit();

        var result = await sandbox.DstackAsync("run", "template", "a", "b c", "$HOME");

        result.ExitCode.ShouldBe(0, result.ToString());
        var run = result.SubmittedRun;
        result.StdOut.ShouldContain("len=4 home-set=yes\n");
        result.StdOut.ShouldContain("jinja {% raw %} {#x#} {{ y }}\n");
        result.StdOut.ShouldContain($"name={run} env-name={run}\n");
        result.StdOut.ShouldContain("[a][b c][$HOME]\n");
    }

    [Fact]
    public async Task Run_UnknownProperty_IsRejectedWithFileLineAndColumnAndASuggestion()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                help: Says hello
                comands:
                  - echo hi
            """).Commit();

        await ShouldRejectAsync(sandbox, "Error: .dstack/workflows.yaml:5:5: unknown property 'comands' (did you mean 'commands'?)");
    }

    [Fact]
    public async Task Run_PropertyOfTheWrongType_IsRejectedWithFileLineAndColumn()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                commands: 5
            """).Commit();

        await ShouldRejectAsync(sandbox, "Error: .dstack/workflows.yaml:4:15: property 'commands' must be a list of strings or a multi-line string, got 5");
    }

    [Fact]
    public async Task Run_MissingRequiredProperty_IsRejectedWithFileLineAndColumn()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: hello
                commands:
                  - echo hi
            """).Commit();

        await ShouldRejectAsync(sandbox, "Error: .dstack/workflows.yaml:2:5: workflow 'hello' is missing required property 'provider'");
    }

    [Fact]
    public async Task Run_WorkflowNameDefinedInTwoFiles_IsRejectedNamingBothPlaces()
    {
        await using var sandbox = new Sandbox()
            .WithWorkflows(Hello)
            .WriteFile(".dstack/workflows/more.yml", """
                workflows:
                  - name: other
                    provider: bash
                    commands: [echo other]
                  - name: hello
                    provider: bash
                    commands: [echo again]
                """)
            .Commit();

        await ShouldRejectAsync(sandbox, "Error: .dstack/workflows/more.yml:5:5: workflow 'hello' is already defined at .dstack/workflows.yaml:2:5");
    }

    [Fact]
    public async Task Schema_PrintsAJsonSchemaOfTheWorkflowFile()
    {
        await using var sandbox = new Sandbox();

        var result = await sandbox.DstackAsync("schema");

        result.ExitCode.ShouldBe(0, result.ToString());
        using var schema = JsonDocument.Parse(result.StdOut);
        var root = schema.RootElement;
        root.GetProperty("$schema").GetString().ShouldStartWith("http://json-schema.org/");
        root.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldContain("workflows");
        root.GetProperty("properties").GetProperty("workflows").GetProperty("type").GetString().ShouldBe("array");
        var workflow = root.GetProperty("definitions").GetProperty("workflow");
        workflow.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldBe(["name", "provider"], ignoreOrder: true);
        workflow.GetProperty("properties").EnumerateObject().Select(p => p.Name)
            .ShouldBeSubsetOf(["name", "provider", "help", "deps", "commands", "before_run", "setup", "requirements", "python", "env",
                               "working_dir", "artifacts", "ports", "resources", "image", "version", "nodes", "script", "args", "nproc_per_node"]);
        workflow.GetProperty("properties").TryGetProperty("commands", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Run_WithoutAWorkflowName_ListsTheWorkflowsWithTheirHelp()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                help: Says hello
                commands: [echo hi]
              - name: train
                provider: bash
                help: Trains the model
                commands: [echo train]
            """).Commit();

        var result = await sandbox.DstackAsync("run");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldMatch(@"(?m)^\s+hello\s+Says hello$");
        result.StdOut.ShouldMatch(@"(?m)^\s+train\s+Trains the model$");
        Directory.Exists(sandbox.ReposDir).ShouldBeFalse("listing workflows must not submit a run");
    }

    /// <summary>The run is refused with one line on stderr that starts with <paramref name="expected"/>, and nothing is stored.</summary>
    private static async Task ShouldRejectAsync(Sandbox sandbox, string expected)
    {
        var result = await sandbox.DstackAsync("run", "hello");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldStartWith(expected, Case.Sensitive, result.ToString());
        result.StdErr.TrimEnd().ShouldNotContain("\n", customMessage: result.ToString());
        result.StdOut.ShouldBeEmpty();
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }
}
