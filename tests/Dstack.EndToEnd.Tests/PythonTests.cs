using System.Diagnostics;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary><c>python: 3.X</c> and <c>requirements</c>: a virtualenv of the run's own, from the interpreter asked for.</summary>
public sealed class PythonTests
{
    /// <summary>The oldest and the newest version this machine has (what a user can pick from).</summary>
    public static TheoryData<string> InstalledVersions()
    {
        var versions = LocalPythons.Versions();
        var data = new TheoryData<string>();
        foreach (var version in versions.Count == 0 ? ["(no python3.X on this machine)"] : new[] { versions[0], versions[^1] }.Distinct())
            data.Add(version);
        return data;
    }

    [Theory]
    [MemberData(nameof(InstalledVersions))]
    public async Task Run_PythonVersion_RunsInAVirtualenvOfTheRun_MadeWithThatInterpreter(string version)
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: py
                provider: bash
                python: {version}
                commands:
                  - python --version
                  - python -c 'import os, sys; print(sys.prefix); print(os.environ["VIRTUAL_ENV"] == sys.prefix, sys.prefix != sys.base_prefix)'
                  - command -v python
            """).Commit();

        var result = await sandbox.DstackAsync("run", "py");

        result.ExitCode.ShouldBe(0, result.ToString());
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4, result.ToString());
        lines[0].ShouldStartWith($"Python {version}.", Case.Sensitive, result.ToString());
        var prefix = lines[1];
        prefix.ShouldStartWith(Path.Combine(sandbox.Home, "tmp", "work") + "/", Case.Sensitive, result.ToString());
        prefix.ShouldContain(result.SubmittedRun);
        prefix.ShouldEndWith("venv");
        lines[2].ShouldBe("True True", "VIRTUAL_ENV is the venv, and it is not the interpreter's own prefix");
        lines[3].ShouldBe(Path.Combine(prefix, "bin", "python"), "the venv comes first on PATH");
    }

    [Fact]
    public async Task Run_TwoRunsWithTheSameVersion_GetVirtualenvsOfTheirOwn()
    {
        var version = LocalPythons.Versions().LastOrDefault() ?? "3";
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: py
                provider: bash
                python: {version}
                commands:
                  - python -c 'import sys; print(sys.prefix)'
            """).Commit();

        var first = await sandbox.DstackAsync("run", "py");
        var second = await sandbox.DstackAsync("run", "py");

        first.ExitCode.ShouldBe(0, first.ToString());
        second.ExitCode.ShouldBe(0, second.ToString());
        first.StdOut.ShouldNotBe(second.StdOut);
    }

    [Fact]
    public async Task Run_PythonVersionNotInstalled_FailsAtSubmit_NamingTheInstalledVersions()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: py
                provider: bash
                python: 3.4
                commands: [python --version]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "py");

        result.ShouldBeOneErrorLine("Error: .dstack/workflows.yaml:4:5: Python 3.4 is not installed on this machine; installed: ");
        result.StdErr.TrimEnd().ShouldEndWith($"installed: {string.Join(", ", LocalPythons.Versions())}");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Run_Requirements_AreInstalledIntoTheRunsVirtualenv_WithPipsOutputInTheLogs()
    {
        await using var sandbox = new Sandbox();
        var wheel = Wheel.Build(Path.Combine(sandbox.Root, "wheels"), "e2e_greeting", "1.0", "GREETING = 'hello from a wheel'\n");
        sandbox.WriteFile("requirements.txt", wheel + "\n").WithWorkflows("""
            workflows:
              - name: py
                provider: bash
                requirements: requirements.txt
                env: [PIP_INDEX_URL, PIP_NO_CACHE_DIR]   # a job gets only what it names of the caller's environment
                commands:
                  - python -c 'import sys, e2e_greeting; print(e2e_greeting.GREETING, e2e_greeting.__file__.startswith(sys.prefix + "/"))'
            """).Commit();
        sandbox.Env["PIP_INDEX_URL"] = $"http://127.0.0.1:{LoopbackPorts.Closed()}/simple"; // a local wheel needs no index
        sandbox.Env["PIP_NO_CACHE_DIR"] = "1";

        var result = await sandbox.DstackAsync(["run", "py"], timeout: TimeSpan.FromSeconds(120));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldMatch(@"(?m)^Successfully installed e2e[-_]greeting-1\.0$");
        result.StdOut.ShouldEndWith("hello from a wheel True\n");
        (await sandbox.DstackAsync("logs", result.SubmittedRun)).StdOut.ShouldBe(result.StdOut);
        SystemPythonCanImport("e2e_greeting").ShouldBeFalse("the package went into the run's virtualenv only");
    }

    [Fact]
    public async Task Run_RequirementsWithTheIndexUnreachable_FailsToStartWithPipsError()
    {
        await using var sandbox = new Sandbox().WriteFile("requirements.txt", "e2e-not-a-package==1.0\n").WithWorkflows("""
            workflows:
              - name: py
                provider: bash
                requirements: requirements.txt
                env: [PIP_INDEX_URL, PIP_NO_CACHE_DIR]   # a job gets only what it names of the caller's environment
                commands: [echo never]
            """).Commit();
        var index = $"http://127.0.0.1:{LoopbackPorts.Closed()}/simple";
        sandbox.Env["PIP_INDEX_URL"] = index;
        sandbox.Env["PIP_NO_CACHE_DIR"] = "1";

        var clock = Stopwatch.StartNew();
        var result = await sandbox.DstackAsync(["run", "py"], timeout: TimeSpan.FromSeconds(120));
        clock.Stop();

        result.ExitCode.ShouldBe(1, result.ToString());
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), "pip gives up quickly on an index it cannot reach");
        result.StdOut.ShouldContain($"Looking in indexes: {index}");
        result.StdOut.ShouldNotContain("never");
        const string reason = "failed to start: pip install -r requirements.txt failed: ERROR: No matching distribution found for e2e-not-a-package==1.0";
        result.StdErr.ShouldContain($"Run {result.SubmittedRun} failed: {reason}");
        var row = await sandbox.RowAsync(result.SubmittedRun);
        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe(reason);
    }

    private static bool SystemPythonCanImport(string module)
    {
        var psi = new ProcessStartInfo("python3", ["-c", $"import {module}"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(psi)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
