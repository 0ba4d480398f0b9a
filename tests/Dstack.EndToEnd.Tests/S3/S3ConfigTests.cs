using System.Net;
using System.Net.Sockets;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// <c>dstack config --backend s3</c>: scriptable flags; the bucket is proven (created on request) before anything is
/// saved; each failure is one line naming the bucket and where the credentials came from; never a credential in a file.
/// </summary>
public sealed class S3ConfigTests
{
    [Fact]
    public async Task Config_MissingBucket_WithDashY_CreatesIt_SavesOnlyTheSettings_AndConfigShowsThem()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var sandbox = S3Bucket.WithCredentials(new Sandbox());

        var config = await sandbox.DstackAsync(bucket.ConfigArgs("-y"));

        config.ExitCode.ShouldBe(0, config.ToString());
        var described = $"s3://{bucket.Name} at {S3Endpoint.Url}, secrets encrypted with KMS key {S3Endpoint.KmsKeyId}";
        config.StdErr.ShouldBe($"OK: runs are kept in {described}\n");
        (await bucket.ExistsAsync()).ShouldBeTrue();
        (await bucket.KeysAsync()).ShouldBeEmpty("the probe object is removed after the check");
        var file = Path.Combine(sandbox.Home, "config.yaml");
        File.ReadAllLines(file).Where(l => !l.StartsWith('#')).ShouldBe([
            "backend: s3", $"bucket: {bucket.Name}", $"endpoint_url: {S3Endpoint.Url}", $"kms_key_id: {S3Endpoint.KmsKeyId}",
        ]);
        FilesContainingCredentials(sandbox).ShouldBeEmpty();
        var show = await sandbox.DstackAsync("config");
        show.ExitCode.ShouldBe(0, show.ToString());
        show.StdOut.ShouldBe($"backend: {described}\nfile:    {file}\n");
    }

    [Fact]
    public async Task Config_MissingBucket_AnsweredYes_CreatesIt()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var sandbox = S3Bucket.WithCredentials(new Sandbox());

        var config = await sandbox.DstackAsync(bucket.ConfigArgs(), stdin: "y\n");

        config.ExitCode.ShouldBe(0, config.ToString());
        config.StdErr.ShouldStartWith($"Bucket '{bucket.Name}' does not exist. Create it? [y/N] ", Case.Sensitive);
        (await bucket.ExistsAsync()).ShouldBeTrue();
        File.Exists(Path.Combine(sandbox.Home, "config.yaml")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("n\n")]
    [InlineData("")]
    public async Task Config_MissingBucket_NotAgreed_IsRefused_AndNothingIsCreatedOrSaved(string answer)
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var sandbox = S3Bucket.WithCredentials(new Sandbox());

        var config = await sandbox.DstackAsync(bucket.ConfigArgs(), stdin: answer);

        config.ExitCode.ShouldBe(1, config.ToString());
        config.StdErr.ShouldStartWith($"Bucket '{bucket.Name}' does not exist. Create it? [y/N] ", Case.Sensitive);
        config.StdErr.ShouldEndWith(
            $"Error: Bucket '{bucket.Name}' does not exist at {S3Endpoint.Url}. Create it, or run again with -y to let dstack create it.\n", Case.Sensitive);
        config.StdErr.ShouldNotContain("   at ");
        (await bucket.ExistsAsync()).ShouldBeFalse();
        File.Exists(Path.Combine(sandbox.Home, "config.yaml")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("CIACCESSKEY", "not-the-secret", "SignatureDoesNotMatch")]
    [InlineData("NOSUCHACCESSKEY", "whatever", "InvalidAccessKeyId")]
    public async Task Config_RejectedCredentials_IsOneErrorLine_AndKeepsThePreviousSettings(string accessKey, string secretKey, string code)
    {
        await using var working = await S3Bucket.NewAsync();
        await using var sandbox = await working.NewUserAsync();
        var before = File.ReadAllText(Path.Combine(sandbox.Home, "config.yaml"));
        await using var other = await S3Bucket.NewAsync();
        S3Bucket.WithCredentials(sandbox, accessKey, secretKey);

        var config = await sandbox.DstackAsync(other.ConfigArgs("-y"));

        config.ShouldBeOneErrorLine($"Error: The credentials from environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY were rejected by {S3Endpoint.Url} ({code}). Check them, or pick others with --profile.");
        File.ReadAllText(Path.Combine(sandbox.Home, "config.yaml")).ShouldBe(before);
        (await other.ExistsAsync()).ShouldBeFalse();
        FilesContainingCredentials(sandbox, accessKey, secretKey).ShouldBeEmpty();
    }

    [Fact]
    public async Task Config_BucketOfAnotherAccount_IsOneNoAccessErrorLine_AndNothingIsWrittenOrSaved()
    {
        await S3Endpoint.EnsureOtherAccountAsync();
        using var owner = S3Endpoint.Client(S3Endpoint.OtherAccessKey, S3Endpoint.OtherSecretKey);
        var name = S3Endpoint.NewBucketName();
        await owner.PutBucketAsync(name);
        try
        {
            await using var sandbox = S3Bucket.WithCredentials(new Sandbox());

            var config = await sandbox.DstackAsync("config", "--backend", "s3", "--bucket", name, "--endpoint-url", S3Endpoint.Url, "-y");

            config.ShouldBeOneErrorLine($"Error: No access to bucket '{name}' at {S3Endpoint.Url} with the credentials from environment variables " +
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (AccessDenied). Ask for access, or use another bucket or --profile.");
            File.Exists(Path.Combine(sandbox.Home, "config.yaml")).ShouldBeFalse();
            ((await owner.ListObjectsV2Async(new() { BucketName = name })).S3Objects ?? []).ShouldBeEmpty("nothing was written into someone else's bucket");
        }
        finally { await owner.DeleteBucketAsync(name); }
    }

    [Fact]
    public async Task Config_EndpointThatDoesNotAnswer_IsOneErrorLine_AndNothingIsSaved()
    {
        var closed = ClosedPort();
        await using var sandbox = S3Bucket.WithCredentials(new Sandbox());

        var config = await sandbox.DstackAsync(["config", "--backend", "s3", "--bucket", S3Endpoint.NewBucketName(), "--endpoint-url", $"http://127.0.0.1:{closed}", "-y"],
            timeout: TimeSpan.FromSeconds(150)); // the client retries with backoff before it gives up

        config.ShouldBeOneErrorLine($"Error: Cannot reach S3 at http://127.0.0.1:{closed}: Connection refused. Check --endpoint-url and the network.");
        File.Exists(Path.Combine(sandbox.Home, "config.yaml")).ShouldBeFalse();
    }

    [Fact]
    public async Task Config_EndpointThatIsNotS3_IsOneErrorLine_AndNothingIsSaved()
    {
        await using var website = new NotS3Server();
        await using var sandbox = S3Bucket.WithCredentials(new Sandbox());
        var bucket = S3Endpoint.NewBucketName();

        var config = await sandbox.DstackAsync("config", "--backend", "s3", "--bucket", bucket, "--endpoint-url", website.Url, "-y");

        config.ShouldBeOneErrorLine($"Error: S3 at {website.Url} answered 404 NotFound on bucket '{bucket}'. Check that --endpoint-url is an S3 server, or try again later.");
        File.Exists(Path.Combine(sandbox.Home, "config.yaml")).ShouldBeFalse();
    }

    /// <summary>A loopback port nothing listens on (it was free a moment ago).</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Files under the sandbox's <c>DSTACK_HOME</c> that hold one of the keys.</summary>
    private static IReadOnlyList<string> FilesContainingCredentials(Sandbox sandbox, params string[] more)
    {
        string[] secrets = [S3Endpoint.AccessKey, S3Endpoint.SecretKey, .. more];
        return Directory.EnumerateFiles(sandbox.Home, "*", SearchOption.AllDirectories)
            .Where(f => secrets.Any(File.ReadAllText(f).Contains))
            .ToList();
    }
}
