using Dstack.Core.Models;
using Dstack.Core.Runner;

namespace Dstack.Core.Tests.Runner;

public sealed class JobEnvironmentTests
{
    private static readonly RunRecord Run = new()
    {
        RunName = "wet-mangust-1", Repo = new RepoRef("acme", "widgets"), ProviderName = "bash", SubmittedAt = DateTimeOffset.UnixEpoch,
        Code = new RepoSnapshotInfo { Branch = "main", Commit = "abc123", SnapshotId = "s" },
        Jobs = [new JobSpec { Commands = ["true"] }],
    };

    [Fact]
    public void Build_SetsTheContractVariables()
    {
        var env = JobEnvironment.Build(new Dictionary<string, string>(), Run, Run.Jobs[0], [5000, 5001], new Dictionary<string, string>());
        env["RUN_NAME"].ShouldBe("wet-mangust-1");
        env["JOB_ID"].ShouldBe("wet-mangust-1-0");
        env["REPO_OWNER"].ShouldBe("acme");
        env["REPO_NAME"].ShouldBe("widgets");
        env["REPO_BRANCH"].ShouldBe("main");
        env["REPO_COMMIT"].ShouldBe("abc123");
        env["PYTHONUNBUFFERED"].ShouldBe("1");
        env["PORT_0"].ShouldBe("5000");
        env["PORT_1"].ShouldBe("5001");
    }

    [Fact]
    public void Build_Precedence_SystemThenWorkflowEnvThenSecrets()
    {
        var job = Run.Jobs[0] with { Env = ["PYTHONPATH=$PYTHONPATH:src", "TOKEN=from-workflow", "PLAIN=x"] };
        var env = JobEnvironment.Build(
            new Dictionary<string, string> { ["PYTHONPATH"] = "/lib", ["TOKEN"] = "system", ["PLAIN"] = "system" },
            Run, job, [], new Dictionary<string, string> { ["TOKEN"] = "secret" });
        env["PYTHONPATH"].ShouldBe("/lib:src");
        env["PLAIN"].ShouldBe("x");
        env["TOKEN"].ShouldBe("secret");
    }

    [Theory]
    [InlineData("${HOME}/x", "/home/ada/x")]
    [InlineData("$HOME$HOME", "/home/ada/home/ada")]
    [InlineData("$UNSET-y", "-y")]
    [InlineData("cost $$5", "cost $5")]
    [InlineData("no refs", "no refs")]
    public void Expand_ReplacesReferences(string value, string expected)
    {
        JobEnvironment.Expand(value, new Dictionary<string, string> { ["HOME"] = "/home/ada" }).ShouldBe(expected);
    }
}
