using System.Text;
using Amazon.S3;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// Secrets in the bucket: under <c>secrets/OWNER/REPO/</c> apart from run state, encrypted at rest (SSE-KMS with the
/// configured key), their values never in run records, specs or logs; every user of the repo sees the names.
/// </summary>
public sealed class S3SecretsTests
{
    private const string Show = """
        workflows:
          - name: show
            provider: bash
            commands:
              - echo "token=$API_TOKEN"
              - printf %s "$API_TOKEN" | base64
              - printf %s "$API_TOKEN" | sha256sum | cut -d' ' -f1
        """;

    [Fact]
    public async Task Secret_IsStoredUnderItsOwnPrefixWithKms_AndItsValueIsNowhereElseInTheBucket()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Show).Commit();
        var value = "tok-" + Guid.NewGuid().ToString("N");

        var add = await ada.DstackAsync(["secrets", "add", "API_TOKEN", "-"], stdin: value);
        var run = await ada.DstackAsync("run", "show");

        add.ExitCode.ShouldBe(0, add.ToString());
        (await bucket.KeysAsync("secrets/")).ShouldBe(["secrets/acme/widgets/API_TOKEN.json"]);
        var head = await bucket.HeadAsync("secrets/acme/widgets/API_TOKEN.json");
        head.ServerSideEncryptionMethod.ShouldBe(ServerSideEncryptionMethod.AWSKMS);
        head.ServerSideEncryptionKeyManagementServiceKeyId.ShouldBe(S3Endpoint.KmsKeyId);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.StdOut.ShouldBe($"token=***\n***\n{Sandbox.Sha256(Encoding.UTF8.GetBytes(value))}\n", "the job got the value; the log shows it masked");
        (await ada.DstackAsync("logs", run.SubmittedRun)).StdOut.ShouldBe(run.StdOut);
        var runKeys = await bucket.KeysAsync(S3Bucket.RunPrefix(run.SubmittedRun));
        runKeys.ShouldContain(k => k.Contains("/logs/"), "the scan below covers the run's logs");
        (await bucket.KeysContainingAsync(value, exceptPrefix: "secrets/")).ShouldBeEmpty("run records, specs, states and logs hold names only");
        (await bucket.KeysContainingAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), exceptPrefix: "secrets/")).ShouldBeEmpty();
        (await ada.DstackAsync("ps", "-a")).StdOut.ShouldNotContain(value);
    }

    [Fact]
    public async Task Teammate_ListsTheSecretNames_AndTheirJobsGetTheValueMasked()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Show).Commit();
        var value = "tok-" + Guid.NewGuid().ToString("N");
        (await ada.DstackAsync(["secrets", "add", "API_TOKEN", "-"], stdin: value)).ExitCode.ShouldBe(0);
        (await ada.DstackAsync(["secrets", "add", "OTHER_KEY", "-"], stdin: "other value")).ExitCode.ShouldBe(0);
        await using var bea = await bucket.NewTeammateAsync(ada);

        var list = await bea.DstackAsync("secrets", "list");
        var run = await bea.DstackAsync("run", "show");

        list.ExitCode.ShouldBe(0, list.ToString());
        TextTable.Parse(list.StdOut).Select(r => r["NAME"]).ShouldBe(["API_TOKEN", "OTHER_KEY"]);
        list.StdOut.ShouldNotContain(value);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.StdOut.ShouldBe($"token=***\n***\n{Sandbox.Sha256(Encoding.UTF8.GetBytes(value))}\n");
        (await ada.DstackAsync("logs", run.SubmittedRun)).StdOut.ShouldBe(run.StdOut, "the first user sees the teammate's run, masked the same");
    }

    /// <summary>This test server has no SSE-S3 backend, only KMS keys: it takes the SSE-S3 header and stores the object in the clear.</summary>
    [Fact]
    public async Task Secret_OnAServerThatIgnoresSseS3_IsRefusedWithOneErrorLine_AndNeverLeftUnencrypted()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = S3Bucket.WithCredentials(new Sandbox());
        (await ada.DstackAsync(bucket.ConfigArgsWithKms(null, "-y"))).ExitCode.ShouldBe(0);
        var value = "tok-" + Guid.NewGuid().ToString("N");

        var add = await ada.DstackAsync(["secrets", "add", "API_TOKEN", "-"], stdin: value);

        add.ShouldBeOneErrorLine($"Error: S3 at {S3Endpoint.Url} stored a secret without encryption (it ignores SSE-S3), so dstack removed it again. " +
                                 $"Name a KMS key the server can use: dstack config --backend s3 --bucket {bucket.Name} --endpoint-url {S3Endpoint.Url} --kms-key-id KEY");
        (await bucket.KeysAsync("secrets/")).ShouldBeEmpty();
        (await bucket.KeysContainingAsync(value)).ShouldBeEmpty("not even for a moment under another key");
        (await ada.DstackAsync("secrets", "list")).StdOut.ShouldNotContain("API_TOKEN");
    }

    [Fact]
    public async Task Secret_WithAKmsKeyTheServerDoesNotKnow_IsRefusedWithOneErrorLineNamingTheKey()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = S3Bucket.WithCredentials(new Sandbox());
        (await ada.DstackAsync(bucket.ConfigArgsWithKms("no-such-key", "-y"))).ExitCode.ShouldBe(0);

        var add = await ada.DstackAsync(["secrets", "add", "API_TOKEN", "-"], stdin: "some value");

        add.ShouldBeOneErrorLine($"Error: The KMS key 'no-such-key' cannot be used at {S3Endpoint.Url} (");
        add.StdErr.ShouldEndWith(". Check the key id and your access to it, or name another with `dstack config --kms-key-id`.\n", Case.Sensitive, add.ToString());
        (await bucket.KeysAsync("secrets/")).ShouldBeEmpty();
    }

    /// <summary>This test server does not encrypt with SSE-S3 (see above): <c>dstack config</c> finds out and asks for a KMS key.</summary>
    [Fact]
    public async Task Config_OnAServerWithoutSseS3_AsksForAKmsKey_AndSecretsAreThenStoredWithIt()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = S3Bucket.WithCredentials(new Sandbox());
        ada.WithWorkflows(Show).Commit();

        var config = await ada.DstackAsync(bucket.ConfigArgsWithKms(null), stdin: $"y\n{S3Endpoint.KmsKeyId}\n");

        config.ExitCode.ShouldBe(0, config.ToString());
        config.StdErr.ShouldContain($"S3 at {S3Endpoint.Url} does not encrypt secrets with SSE-S3. KMS key id for secrets (empty: none, and secrets are refused): ");
        config.StdErr.ShouldEndWith($"OK: runs are kept in s3://{bucket.Name} at {S3Endpoint.Url}, secrets encrypted with KMS key {S3Endpoint.KmsKeyId}\n");
        (await bucket.KeysAsync()).ShouldBeEmpty("the probes are removed");
        var add = await ada.DstackAsync(["secrets", "add", "API_TOKEN", "-"], stdin: "tok-1");
        add.ExitCode.ShouldBe(0, add.ToString());
        var head = await bucket.HeadAsync((await bucket.KeysAsync("secrets/")).ShouldHaveSingleItem());
        head.ServerSideEncryptionKeyManagementServiceKeyId.ShouldBe(S3Endpoint.KmsKeyId);
    }

    [Theory]
    [InlineData("y\n\n")]      // no key given
    [InlineData("y\n")]         // end of input
    public async Task Config_OnAServerWithoutSseS3_WithoutAKmsKey_SavesWithOneWarningLineNamingTheFix(string answers)
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = S3Bucket.WithCredentials(new Sandbox());

        var config = await ada.DstackAsync(bucket.ConfigArgsWithKms(null), stdin: answers);

        config.ExitCode.ShouldBe(0, config.ToString());
        // Typed input is not echoed here: the warning follows the question on its line.
        var at = config.StdErr.IndexOf("Warning: ", StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, config.ToString());
        config.StdErr.LastIndexOf("Warning: ", StringComparison.Ordinal).ShouldBe(at, "one warning");
        var warning = config.StdErr[at..].Split('\n')[0];
        warning.ShouldStartWith($"Warning: S3 at {S3Endpoint.Url} stored a secret without encryption (it ignores SSE-S3), so dstack removed it again. " +
                                $"Name a KMS key the server can use: dstack config --backend s3 --bucket {bucket.Name} --endpoint-url {S3Endpoint.Url} --kms-key-id KEY");
        File.ReadAllText(Path.Combine(ada.Home, "config.yaml")).ShouldNotContain("kms_key_id");
        (await bucket.KeysAsync()).ShouldBeEmpty();
    }
}
