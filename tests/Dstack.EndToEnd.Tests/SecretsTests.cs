using System.Text;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary><c>dstack secrets</c>: values every job of the repo gets as environment variables, stored apart and never shown.</summary>
public sealed class SecretsTests
{
    /// <summary>13 characters: its base64 form ends with padding, and URL encoding changes it (<c>@</c>, space, <c>/</c>, <c>+</c>, <c>!</c>).</summary>
    private const string Value = "p@ss w0rd/+x!";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static Sandbox NewSandbox() => new Sandbox().WriteFile("README.md", "widgets").Commit();

    [Fact]
    public async Task SecretsAdd_StoresTheSecretReadableByTheOwnerOnly_AndListShowsItsNameButNeverItsValue()
    {
        await using var sandbox = NewSandbox();

        var add = await sandbox.DstackAsync("secrets", "add", "WANDB_API_KEY", Value);

        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldBe("OK\n");
        add.StdOut.ShouldBeEmpty();
        var list = await sandbox.DstackAsync("secrets", "list");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.StdOut.ShouldNotContain(Value);
        TextTable.Parse(list.StdOut).ShouldBe([new Dictionary<string, string> { ["NAME"] = "WANDB_API_KEY", ["CREATED"] = "now", ["UPDATED"] = "now" }]);
        (await sandbox.DstackAsync("secrets")).StdOut.ShouldBe(list.StdOut, "`secrets` alone lists them");
        var file = sandbox.SecretFile("WANDB_API_KEY");
        File.GetUnixFileMode(file).ShouldBe(OwnerOnlyFile, file);
        foreach (var folder in new[] { sandbox.SecretsDir, Path.Combine(sandbox.SecretsDir, "acme"), Path.GetDirectoryName(file)! })
            File.GetUnixFileMode(folder).ShouldBe(OwnerOnlyFolder, folder);
        (await sandbox.SecretSeenByAJobAsync("WANDB_API_KEY")).ShouldBe(Sandbox.Sha256Of(Value));
    }

    [Fact]
    public async Task SecretsAdd_WithDash_ReadsTheValueFromStdin_WithoutTheTrailingNewline()
    {
        await using var sandbox = NewSandbox();

        var add = await sandbox.DstackAsync(["secrets", "add", "HF_TOKEN", "-"], stdin: Value + "\n");

        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldNotContain(Value);
        (await sandbox.SecretSeenByAJobAsync("HF_TOKEN")).ShouldBe(Sandbox.Sha256Of(Value));
    }

    [Fact]
    public async Task SecretsAdd_ExistingName_AsksBeforeOverriding_NoKeepsTheValue_YesOrDashYReplaceIt()
    {
        await using var sandbox = NewSandbox();
        (await sandbox.DstackAsync("secrets", "add", "TOKEN", "first-value")).ExitCode.ShouldBe(0);

        var no = await sandbox.DstackAsync(["secrets", "add", "TOKEN", "second-value"], stdin: "n\n");

        no.ExitCode.ShouldBe(1, no.ToString());
        no.StdErr.ShouldStartWith("The secret 'TOKEN' already exists. Override it? [y/N]", Case.Sensitive, no.ToString());
        (await sandbox.SecretSeenByAJobAsync("TOKEN")).ShouldBe(Sandbox.Sha256Of("first-value"));

        // The answer is the first line of stdin; the value (with '-') the rest.
        var yes = await sandbox.DstackAsync(["secrets", "add", "TOKEN", "-"], stdin: "y\nsecond-value\n");

        yes.ExitCode.ShouldBe(0, yes.ToString());
        (await sandbox.SecretSeenByAJobAsync("TOKEN")).ShouldBe(Sandbox.Sha256Of("second-value"));

        var dashY = await sandbox.DstackAsync("secrets", "add", "-y", "TOKEN", "third-value");

        dashY.ExitCode.ShouldBe(0, dashY.ToString());
        dashY.StdErr.ShouldNotContain("Override");
        (await sandbox.SecretSeenByAJobAsync("TOKEN")).ShouldBe(Sandbox.Sha256Of("third-value"));
        (await sandbox.SecretNamesAsync()).ShouldBe(["TOKEN"]);
    }

    [Fact]
    public async Task SecretsUpdate_ReplacesTheValueOfAnExistingSecret_AndRefusesOneThatDoesNotExist()
    {
        await using var sandbox = NewSandbox();

        var missing = await sandbox.DstackAsync("secrets", "update", "TOKEN", "new-value");

        missing.ShouldBeOneErrorLine("Error: Secret 'TOKEN' not found in acme/widgets.");
        (await sandbox.SecretNamesAsync()).ShouldBeEmpty();

        (await sandbox.DstackAsync("secrets", "add", "TOKEN", "old-value")).ExitCode.ShouldBe(0);
        var update = await sandbox.DstackAsync(["secrets", "update", "TOKEN", "-"], stdin: "new-value\n");

        update.ExitCode.ShouldBe(0, update.ToString());
        update.StdErr.ShouldBe("OK\n", "an update asks nothing");
        (await sandbox.SecretNamesAsync()).ShouldBe(["TOKEN"]);
        (await sandbox.SecretSeenByAJobAsync("TOKEN")).ShouldBe(Sandbox.Sha256Of("new-value"));
    }

    [Fact]
    public async Task SecretsDelete_AsksFirst_ThenJobsNoLongerGetTheSecret()
    {
        await using var sandbox = NewSandbox();
        (await sandbox.DstackAsync("secrets", "add", "TOKEN", "token-value")).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync("secrets", "add", "OTHER", "other-value")).ExitCode.ShouldBe(0);

        var no = await sandbox.DstackAsync(["secrets", "delete", "TOKEN"], stdin: "n\n");

        no.ExitCode.ShouldBe(1, no.ToString());
        no.StdErr.ShouldStartWith("Delete the secret 'TOKEN'? [y/N]", Case.Sensitive, no.ToString());
        (await sandbox.SecretNamesAsync()).ShouldBe(["OTHER", "TOKEN"]);

        var yes = await sandbox.DstackAsync(["secrets", "delete", "TOKEN"], stdin: "y\n");

        yes.ExitCode.ShouldBe(0, yes.ToString());
        (await sandbox.SecretNamesAsync()).ShouldBe(["OTHER"]);
        File.Exists(sandbox.SecretFile("TOKEN")).ShouldBeFalse();
        (await sandbox.SecretSeenByAJobAsync("TOKEN")).ShouldBe("unset");
        (await sandbox.SecretSeenByAJobAsync("OTHER")).ShouldBe(Sandbox.Sha256Of("other-value"));

        var dashY = await sandbox.DstackAsync("secrets", "delete", "-y", "OTHER");

        dashY.ExitCode.ShouldBe(0, dashY.ToString());
        dashY.StdErr.ShouldBe("OK\n");
        (await sandbox.SecretNamesAsync()).ShouldBeEmpty();
        (await sandbox.DstackAsync("secrets", "delete", "-y", "OTHER")).ShouldBeOneErrorLine("Error: Secret 'OTHER' not found in acme/widgets.");
    }

    [Theory]
    [InlineData("bad-name")]
    [InlineData("1X")]
    [InlineData("TWO WORDS")]
    public async Task SecretsAdd_NameThatIsNotAnEnvironmentVariableName_IsRefused(string name)
    {
        await using var sandbox = NewSandbox();

        var add = await sandbox.DstackAsync("secrets", "add", name, "some-value");

        add.ShouldBeOneErrorLine($"Error: Invalid secret name '{name}'");
        (Directory.Exists(sandbox.SecretsDir) ? Directory.GetFiles(sandbox.SecretsDir, "*", SearchOption.AllDirectories) : []).ShouldBeEmpty();
    }

    [Fact]
    public async Task Secrets_BelongToTheirRepo_ASiblingRepoSharingTheHomeNeitherListsNorGetsThem()
    {
        await using var sandbox = NewSandbox();
        var sibling = new SiblingRepo(sandbox, "gadgets", "https://github.com/acme/gadgets.git").WriteFile("README.md", "gadgets").Commit();
        (await sandbox.DstackAsync("secrets", "add", "TOKEN", "widgets-token")).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync("secrets", "add", "WIDGETS_ONLY", "widgets-only")).ExitCode.ShouldBe(0);

        (await sandbox.SecretNamesAsync(cwd: sibling.Path)).ShouldBeEmpty();
        (await sandbox.SecretSeenByAJobAsync("WIDGETS_ONLY", cwd: sibling.Path)).ShouldBe("unset");

        (await sibling.DstackAsync("secrets", "add", "TOKEN", "gadgets-token")).ExitCode.ShouldBe(0);

        (await sandbox.SecretSeenByAJobAsync("TOKEN", cwd: sibling.Path)).ShouldBe(Sandbox.Sha256Of("gadgets-token"));
        (await sandbox.SecretSeenByAJobAsync("TOKEN")).ShouldBe(Sandbox.Sha256Of("widgets-token"));
        (await sandbox.SecretNamesAsync()).ShouldBe(["TOKEN", "WIDGETS_ONLY"]);
        File.Exists(sandbox.SecretFile("TOKEN", "acme", "gadgets")).ShouldBeTrue();
    }

    [Fact]
    public async Task Run_PrintingASecret_ShowsItMaskedAsIsBase64AndUrlEncoded_AlsoWhenSplitAcrossTwoWrites()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: leak
                provider: bash
                commands:
                  - echo "plain=$TOKEN"
                  - echo "base64=$(printf %s "$TOKEN" | base64 -w0)"
                  - echo "base64-unpadded=$(printf %s "$TOKEN" | base64 -w0 | tr -d =)"
                  - python3 -c 'import os, urllib.parse as u; print("url=" + u.quote(os.environ["TOKEN"], safe=""))'
                  - python3 -c 'import os, urllib.parse as u; print("url-plus=" + u.quote_plus(os.environ["TOKEN"]))'
                  - printf 'split=%s' "${TOKEN:0:5}"; sleep 1; printf '%s\n' "${TOKEN:5}"
                  - echo "short=$SHORT"
            """).Commit();
        (await sandbox.DstackAsync("secrets", "add", "TOKEN", Value)).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync("secrets", "add", "SHORT", "ab")).ExitCode.ShouldBe(0);

        var run = await sandbox.DstackAsync("run", "leak");

        run.ExitCode.ShouldBe(0, run.ToString());
        const string masked = "plain=***\nbase64=***\nbase64-unpadded=***\nurl=***\nurl-plus=***\nsplit=***\nshort=ab\n";
        run.StdOut.ShouldBe(masked, "values shorter than 3 characters are not masked");
        (await sandbox.DstackAsync("logs", run.SubmittedRun)).StdOut.ShouldBe(masked);
        foreach (var form in Forms(Value)) sandbox.FilesOutsideTheSecretStoreContaining(form).ShouldBeEmpty(form);
    }

    [Fact]
    public async Task Run_PrintingALongSecretThroughBase64_MasksEveryWrappedLine()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: leak
                provider: bash
                commands:
                  - printf %s "$KEY" | base64
                  - printf %s "$KEY" | base64 -w 64
            """).Commit();
        var key = string.Concat(Enumerable.Range(0, 10).Select(i => $"pem-lines-{i:00}")); // 120 characters: 160 in base64
        (await sandbox.DstackAsync("secrets", "add", "KEY", key)).ExitCode.ShouldBe(0);

        var run = await sandbox.DstackAsync("run", "leak");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.StdOut.ShouldBe("***\n***\n***\n***\n***\n***\n", "76 + 76 + 8 and 64 + 64 + 32 columns");
    }

    [Fact]
    public async Task Run_SecretIsWrittenToNoStoreFileButTheSecretStore_WhileTheJobRunsNorAfterwards()
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - echo "token=$TOKEN"
                  - {Sandbox.SendSignal("started")}
                  - {Sandbox.AwaitSignal("go")}
            """).Commit();
        (await sandbox.DstackAsync(["secrets", "add", "TOKEN", "-"], stdin: Value)).ExitCode.ShouldBe(0);
        var run = await sandbox.RunDetachedAsync("train");
        await sandbox.WaitForSignalAsync("started");
        await Eventually.ReturnsAsync(() => sandbox.DstackAsync("logs", run), l => l.StdOut.Contains("token=***"), TimeSpan.FromSeconds(30), "the masked line in the logs");

        var whileRunning = sandbox.FilesOutsideTheSecretStoreContaining(Value);
        sandbox.Raise("go");
        (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");

        whileRunning.ShouldBeEmpty();
        foreach (var form in Forms(Value)) sandbox.FilesOutsideTheSecretStoreContaining(form).ShouldBeEmpty(form);
        sandbox.FilesOutsideTheSecretStoreContaining("token=").ShouldNotBeEmpty("the logs are among the files searched");
        var logs = await sandbox.DstackAsync("logs", run);
        logs.StdOut.ShouldBe("token=***\n");
    }

    [Fact]
    public async Task Run_PipErrorQuotingASecret_ShowsItMaskedInTheReason_AndStoresItNowhere()
    {
        // pip expands ${TOKEN} in a requirements file, so its error quotes the value.
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: train
                provider: bash
                requirements: requirements.txt
                env: [PIP_INDEX_URL, PIP_NO_CACHE_DIR]   # a job gets only what it names of the caller's environment
                commands: [echo never]
            """).WriteFile("requirements.txt", "e2e-${PKG_TOKEN}==1.0\n").Commit();
        sandbox.Env["PIP_INDEX_URL"] = $"http://127.0.0.1:{LoopbackPorts.Closed()}/simple";
        sandbox.Env["PIP_NO_CACHE_DIR"] = "1";
        (await sandbox.DstackAsync("secrets", "add", "PKG_TOKEN", "sekrit-pkg")).ExitCode.ShouldBe(0);

        var run = await sandbox.DstackAsync(["run", "train"], timeout: TimeSpan.FromSeconds(120));

        run.ExitCode.ShouldBe(1, run.ToString());
        run.StdErr.ShouldContain("failed: failed to start: pip install -r requirements.txt failed: ERROR: ");
        run.StdErr.ShouldContain("e2e-***==1.0");
        run.StdErr.ShouldNotContain("sekrit-pkg");
        run.StdOut.ShouldNotContain("sekrit-pkg");
        var row = await sandbox.RowAsync(run.SubmittedRun);
        row.Reason.ShouldStartWith("failed to start: pip install -r requirements.txt failed: ERROR: ", customMessage: row.ToString());
        row.Reason.ShouldContain("e2e-***==1.0");
        sandbox.FilesOutsideTheSecretStoreContaining("sekrit-pkg").ShouldBeEmpty();
    }

    /// <summary>How a job could print the value: as is, base64 (with and without padding), URL-encoded (%20 or + for spaces).</summary>
    private static IEnumerable<string> Forms(string value)
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        var url = Uri.EscapeDataString(value);
        return [value, base64, base64.TrimEnd('='), url, url.Replace("%20", "+"), System.Net.WebUtility.UrlEncode(value)];
    }
}
