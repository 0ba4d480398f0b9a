using Dstack.Core.Errors;
using Dstack.Core.Providers;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Providers;

public sealed class BashProviderEnvTests
{
    private static IReadOnlyList<string> EnvOf(string[] env, Dictionary<string, string> caller)
    {
        var workflow = new WorkflowSpec { Name = "w", Provider = "bash", Commands = ["true"], Env = env, Location = new SourceLocation("f", 1, 1) };
        return new BashProvider().BuildJobs(workflow, new ProviderContext("r", [], caller)).Single().Env;
    }

    [Fact]
    public void BareName_TakesTheCallersValueAsALiteral_OrIsSetEmptyWhenTheCallerHasNone() =>
        EnvOf(["TOKEN", "MISSING", "SET=x"], new() { ["TOKEN"] = "a$HOME" })
            .ShouldBe(["TOKEN=a$$HOME", "MISSING=", "SET=x"]);

    [Fact]
    public void DstackPassEnv_AddsBareNamesBeforeTheWorkflowsEnv() =>
        EnvOf(["B=from-workflow"], new() { ["DSTACK_PASS_ENV"] = "A, B", ["A"] = "1", ["B"] = "2" })
            .ShouldBe(["A=1", "B=2", "B=from-workflow"]);

    [Fact]
    public void DstackPassEnv_WithAnInvalidName_SaysHowToListNames() =>
        Should.Throw<DstackException>(() => EnvOf([], new() { ["DSTACK_PASS_ENV"] = "A;rm -rf" }))
            .Message.ShouldBe("DSTACK_PASS_ENV: 'A;rm -rf' is not a variable name. List names separated by commas, e.g. DSTACK_PASS_ENV=PIP_INDEX_URL,WANDB_MODE.");

    [Theory]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("AWS_SESSION_TOKEN")]
    public void BareCredentialName_IsRefused_PointingAtSecrets(string name) =>
        Should.Throw<DstackException>(() => EnvOf([name], new() { [name] = "s3cret" }))
            .Message.ShouldBe($"env: {name} is not taken from your shell: it would be written into the run's record, which everyone with access to the store can read. Give the job its own credentials as a secret: dstack secrets add {name} -");

    [Fact]
    public void Commands_UsingRunArgs_StartWithThePreamble()
    {
        var workflow = new WorkflowSpec { Name = "w", Provider = "bash", Commands = ["echo ${{ run.args }}"], Location = new SourceLocation("f", 1, 1) };

        new BashProvider().BuildJobs(workflow, new ProviderContext("r", ["a b"], new Dictionary<string, string>())).Single().Commands
            .ShouldBe(["set -- 'a b'; DSTACK_RUN_ARGS=''\\''a b'\\'''", "echo \"$@\""]);
    }
}
