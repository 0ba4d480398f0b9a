using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>A job of an S3 store never gets the store's credentials, and what it finds of them teammates see masked.</summary>
public sealed class S3JobEnvironmentTests
{
    [Fact]
    public async Task Run_WithAProfilesKeys_TheJobGetsNoCredentials_AndKeysItFindsAreMasked_ForTeammatesToo()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = new Sandbox().WriteFile("README.md", "widgets").Commit();
        // Ada's keys are in a profile, not in her environment: the runner resolves them as the store's client does.
        var credentials = Path.Combine(ada.Root, "aws-credentials");
        File.WriteAllText(credentials, $"[team]\naws_access_key_id = {S3Endpoint.AccessKey}\naws_secret_access_key = {S3Endpoint.SecretKey}\n");
        ada.Env["AWS_SHARED_CREDENTIALS_FILE"] = credentials;
        ada.Env["AWS_CONFIG_FILE"] = Path.Combine(ada.Root, "no-aws-config");
        ada.Env["AWS_EC2_METADATA_DISABLED"] = "true";
        var config = await ada.DstackAsync(bucket.ConfigArgs("--profile", "team", "-y"));
        config.ExitCode.ShouldBe(0, config.ToString());

        var result = await ada.DstackAsync("run", "bash", "-c", $"env | grep -c '^AWS_' || true; cat {credentials}");

        result.ExitCode.ShouldBe(0, result.ToString());
        const string Masked = "0\n[team]\naws_access_key_id = ***\naws_secret_access_key = ***\n";
        result.StdOut.ShouldBe(Masked);
        await using var bea = await bucket.NewTeammateAsync(ada);
        (await bea.DstackAsync("logs", result.SubmittedRun)).StdOut.ShouldBe(Masked);
        (await bucket.KeysContainingAsync(S3Endpoint.SecretKey, exceptPrefix: "secrets/")).ShouldBeEmpty();
    }
}
