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
        var env = JobEnvironment.Build(new Dictionary<string, string>(), Run, Run.Jobs[0], [5000, 5001], new Dictionary<string, string>(), "127.0.0.1");
        env["RUN_NAME"].ShouldBe("wet-mangust-1");
        env["JOB_ID"].ShouldBe("wet-mangust-1-0");
        env["REPO_OWNER"].ShouldBe("acme");
        env["REPO_NAME"].ShouldBe("widgets");
        env["REPO_BRANCH"].ShouldBe("main");
        env["REPO_COMMIT"].ShouldBe("abc123");
        env["PYTHONUNBUFFERED"].ShouldBe("1");
        env["PORT_0"].ShouldBe("5000");
        env["PORT_1"].ShouldBe("5001");
        env["HOSTNAME"].ShouldBe("127.0.0.1");
    }

    [Fact]
    public void Build_HostnameIsTheHosts_NotAFixedAddress()
    {
        var env = JobEnvironment.Build(new Dictionary<string, string>(), Run, Run.Jobs[0], [5000], new Dictionary<string, string>(), "10.1.2.3");
        env["HOSTNAME"].ShouldBe("10.1.2.3");
        env["JOB_HOSTNAME"].ShouldBe("10.1.2.3");
    }

    [Fact]
    public void Build_AlsoSetsThe00xNames_JobPortAndJobHostname()
    {
        var env = JobEnvironment.Build(new Dictionary<string, string>(), Run, Run.Jobs[0], [5000, 5001], new Dictionary<string, string>(), "127.0.0.1");
        env["JOB_PORT_0"].ShouldBe("5000");
        env["JOB_PORT_1"].ShouldBe("5001");
        env["JOB_HOSTNAME"].ShouldBe("127.0.0.1");
    }

    [Fact]
    public void HostBase_KeepsOnlyTheDocumentedVariablesOfTheCaller_NeverItsCredentials()
    {
        var caller = new Dictionary<string, string>
        {
            ["PATH"] = "/opt/bin:/usr/bin", ["HOME"] = "/home/ada", ["USER"] = "ada", ["LANG"] = "de_DE.UTF-8", ["LC_TIME"] = "C",
            ["TERM"] = "xterm", ["TZ"] = "UTC", ["https_proxy"] = "http://proxy:3128",
            ["AWS_ACCESS_KEY_ID"] = "AKIA", ["AWS_SECRET_ACCESS_KEY"] = "s3cret", ["AWS_SESSION_TOKEN"] = "tok", ["AWS_PROFILE"] = "team",
            ["GITHUB_TOKEN"] = "ghp", ["DSTACK_HOME"] = "/home/ada/.dstack", ["SSH_AUTH_SOCK"] = "/tmp/agent", ["OLDPWD"] = "/x",
            ["SLURM_JOB_ID"] = "7", ["SLURMD_NODENAME"] = "n1", ["XSLURM"] = "no",
        };

        var env = JobEnvironment.HostBase(caller);

        env.Keys.Order(StringComparer.Ordinal).ShouldBe(
            ["HOME", "LANG", "LC_TIME", "LOGNAME", "PATH", "SHELL", "SLURMD_NODENAME", "SLURM_JOB_ID", "TERM", "TZ", "USER", "https_proxy"]);
        env["PATH"].ShouldBe("/opt/bin:/usr/bin");
        env["LOGNAME"].ShouldBe("ada", "LOGNAME defaults to USER");
        env["SHELL"].ShouldBe("/bin/bash");
    }

    [Fact]
    public void HostBase_OfAnEmptyEnvironment_HasUsableDefaults()
    {
        var env = JobEnvironment.HostBase(new Dictionary<string, string>());

        env["PATH"].ShouldBe("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env["LANG"].ShouldBe("C.UTF-8");
        env["HOME"].ShouldNotBeNullOrEmpty();
        env["USER"].ShouldBe(Environment.UserName);
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("dash")]
    public async Task Exports_ReadByAShell_GiveEveryValueExactly_AndLeaveOutNamesThatAreNotVariableNames(string shell)
    {
        var env = new Dictionary<string, string>
        {
            ["MULTI"] = "line 1\nline 2\n", ["QUOTES"] = "it's \"$(touch pwned)\" `x` \\", ["EMPTY"] = "",
            ["X\nBAD"] = "injected", ["TRAIL\n"] = "injected", ["A=B"] = "c", ["1X"] = "d",
        };
        var dir = Directory.CreateTempSubdirectory("dstack-exports-").FullName;
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo(shell, ["-c", "eval \"$(cat)\" && env"])
            {
                WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
            };
            psi.Environment.Clear();
            using var process = System.Diagnostics.Process.Start(psi)!;
            await process.StandardInput.WriteAsync(JobEnvironment.Exports(env));
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();

            output.ShouldContain("MULTI=line 1\nline 2\n\n");
            output.ShouldContain("QUOTES=it's \"$(touch pwned)\" `x` \\\n");
            output.ShouldContain("EMPTY=\n");
            output.ShouldNotContain("BAD");
            output.ShouldNotContain("TRAIL");
            output.ShouldNotContain("injected");
            File.Exists(Path.Combine(dir, "pwned")).ShouldBeFalse();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Build_Precedence_SystemThenWorkflowEnvThenSecrets()
    {
        var job = Run.Jobs[0] with { Env = ["PYTHONPATH=$PYTHONPATH:src", "TOKEN=from-workflow", "PLAIN=x"] };
        var env = JobEnvironment.Build(
            new Dictionary<string, string> { ["PYTHONPATH"] = "/lib", ["TOKEN"] = "system", ["PLAIN"] = "system" },
            Run, job, [], new Dictionary<string, string> { ["TOKEN"] = "secret" }, "127.0.0.1");
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

    [Fact]
    public void AContainersBase_IsTheImagesEnvironment_PlusTheRunnersSlurmVariables_OnlyThose()
    {
        var env = JobEnvironment.ContainerBase(
            new Dictionary<string, string> { ["PATH"] = "/image/bin", ["SLURM_JOB_ID"] = "image's" },
            new Dictionary<string, string> { ["PATH"] = "/runner/bin", ["SLURMD_NODENAME"] = "n2", ["SLURM_JOB_ID"] = "7", ["SECRET"] = "x" });

        env.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")
            .ShouldBe(["PATH=/image/bin", "SLURMD_NODENAME=n2", "SLURM_JOB_ID=image's"]);
    }
}
