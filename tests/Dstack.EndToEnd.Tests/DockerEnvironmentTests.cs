using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>What a container job's environment carries, and how: secrets never in Docker's view of the container.</summary>
public sealed class DockerEnvironmentTests
{
    /// <summary>Several lines, quotes, and shell syntax: a PEM key or a JSON credential looks like this.</summary>
    private const string MultiLine = "-----BEGIN KEY-----\nline 'two' \"2\"\n$(touch /workflow/pwned) `x`\n-----END KEY-----\n";

    private static Sandbox NewSandbox(string commands) => new Sandbox().WithWorkflows($$"""
        workflows:
          - name: job
            provider: docker
            image: {{DockerImage.Busybox}}
            env:
              - FROM_WORKFLOW=line one
            commands:
        {{commands}}
        """).Commit();

    [Fact]
    public async Task MultiLineSecret_ArrivesWithItsNewlines_AndRunsNothing()
    {
        await using var sandbox = NewSandbox("""
                  - printf %s "$CERT" | sha256sum | cut -d' ' -f1
                  - if [ -e /workflow/pwned ]; then echo EXECUTED; fi
            """);
        (await sandbox.DstackAsync(["secrets", "add", "CERT", "-"], stdin: MultiLine + "\n")).ExitCode.ShouldBe(0);

        var result = await sandbox.DstackAsync("run", "job");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe(Sandbox.Sha256Of(MultiLine.TrimEnd('\n')) + "\n", "`secrets add NAME -` drops the one trailing newline");
    }

    [Fact]
    public async Task Secrets_AreNotInDockersViewOfTheContainer()
    {
        await using var sandbox = NewSandbox("""
                  - touch /workflow/started
                  - until [ -e /workflow/release ]; do sleep 0.05; done
                  - echo "token=$TOKEN workflow=$FROM_WORKFLOW"
            """);
        (await sandbox.DstackAsync("secrets", "add", "TOKEN", "e2e-inspect-me")).ExitCode.ShouldBe(0);
        var run = await sandbox.RunDetachedAsync("job");
        var workingCopy = DockerImage.WorkingCopy(sandbox, run);
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(workingCopy, "started")), TimeSpan.FromSeconds(30), "the job to start");

        var inspect = Docker("inspect", DockerImage.ContainerName(run));
        var processes = Docker("exec", DockerImage.ContainerName(run), "cat", "/proc/1/environ");
        File.WriteAllText(Path.Combine(workingCopy, "release"), "");
        await sandbox.WaitForStatusAsync(run, s => s == "Done");

        inspect.ShouldContain("dstack.run", customMessage: "it is the job's container");
        inspect.ShouldNotContain("e2e-inspect-me");
        processes.ShouldNotContain("e2e-inspect-me", customMessage: "the container's first process never has it");
        (await sandbox.DstackAsync("logs", run)).StdOut.ShouldBe("token=*** workflow=line one\n");
    }

    [Fact]
    public async Task StoredSecretWithAnInvalidName_IsIgnoredWithAWarning_AndOverridesNothing()
    {
        await using var sandbox = NewSandbox("""
                  - printf %s "$BAD" | sha256sum | cut -d' ' -f1
            """);
        (await sandbox.DstackAsync("secrets", "add", "BAD", "the-real-one")).ExitCode.ShouldBe(0);
        // Planted by someone who can write the store: a record whose name would have been an env-file line of its own.
        var now = DateTimeOffset.UtcNow;
        await new LocalStorage(sandbox.Home).PutAsync(StoreKeys.Secret(new RepoRef(Sandbox.Owner, Sandbox.RepoName), "X"),
            StoreJson.Serialize(new SecretRecord("X\nBAD=injected", "x", now, now)), default);

        var result = await sandbox.DstackAsync("run", "job");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe(
            "dstack: secret \"X\\nBAD=injected\" ignored: not a valid environment variable name (it was written to the store by other means than `dstack secrets add`).\n" +
            Sandbox.Sha256Of("the-real-one") + "\n");
    }

    [Fact]
    public async Task Status_IsRunningOnlyOnceTheContainerHasStarted()
    {
        await using var sandbox = NewSandbox("""
                  - until [ -e /workflow/release ]; do sleep 0.05; done
            """);
        // A docker command line that holds `docker run` back until the test lets it go: creating a container can take long.
        var bin = Path.Combine(sandbox.Root, "slow-docker");
        Directory.CreateDirectory(bin);
        var realDocker = Which("docker");
        File.WriteAllText(Path.Combine(bin, "docker"), $"""
            #!/bin/sh
            if [ "$1" = run ]; then
              touch "$E2E_SIGNALS/docker-run"
              until [ -e "$E2E_SIGNALS/create" ]; do sleep 0.05; done
            fi
            exec {realDocker} "$@"

            """);
        File.SetUnixFileMode(Path.Combine(bin, "docker"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        sandbox.Env["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        var run = await sandbox.RunDetachedAsync("job");

        await sandbox.WaitForSignalAsync("docker-run");
        var beforeCreate = await sandbox.StatusAsync(run);
        DockerImage.Containers(run).ShouldBeEmpty();
        sandbox.Raise("create");
        await sandbox.WaitForStatusAsync(run, s => s == "Running");
        var containers = DockerImage.Containers(run);
        File.WriteAllText(Path.Combine(DockerImage.WorkingCopy(sandbox, run), "release"), "");
        await sandbox.WaitForStatusAsync(run, s => s == "Done");

        beforeCreate.ShouldBe("Downloading", "no container exists yet");
        containers.ShouldBe([DockerImage.ContainerName(run)]);
    }

    private static string Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).First(File.Exists);

    private static string Docker(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("docker", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
