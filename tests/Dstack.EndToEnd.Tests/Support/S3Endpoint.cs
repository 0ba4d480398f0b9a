using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The real S3 server the S3 tests use: Ceph's RADOS Gateway on loopback, started by the test script
/// (<c>scripts/s3-up.sh</c>). Endpoint and keys come from DSTACK_TEST_S3_* variables, with the script's defaults.
/// A second account (<see cref="OtherAccessKey"/>) owns buckets the first may not use. When the server does not
/// answer, tests fail with how to start it: never a silent skip.
/// </summary>
public static class S3Endpoint
{
    public static string Url => Environment.GetEnvironmentVariable("DSTACK_TEST_S3_ENDPOINT") ?? "http://127.0.0.1:7480";
    public static string AccessKey => Environment.GetEnvironmentVariable("DSTACK_TEST_S3_ACCESS_KEY") ?? "CIACCESSKEY";
    public static string SecretKey => Environment.GetEnvironmentVariable("DSTACK_TEST_S3_SECRET_KEY") ?? "CISECRETKEY";

    /// <summary>The KMS key the server's test KMS knows (SSE-S3 without a key is not supported by it).</summary>
    public const string KmsKeyId = "testkey-1";

    public const string OtherAccessKey = "OTHERKEY";
    public const string OtherSecretKey = "OTHERSECRET";

    public static int Port => new Uri(Url).Port;

    /// <summary>An SDK client for looking into buckets directly (never through dstack).</summary>
    public static IAmazonS3 Client(string? accessKey = null, string? secretKey = null) =>
        new AmazonS3Client(new BasicAWSCredentials(accessKey ?? AccessKey, secretKey ?? SecretKey), new AmazonS3Config
        {
            ServiceURL = Url,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public static string NewBucketName() => "e2e-" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Fails with how to start the server when none answers.</summary>
    public static async Task EnsureUpAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try { (await http.GetAsync(Url)).Dispose(); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"No S3 server answers at {Url} ({e.Message}). Start one with scripts/s3-up.sh (the test script does).", e);
        }
    }

    private static readonly Lazy<Task> OtherAccount = new(CreateOtherAccountAsync);

    /// <summary>Makes sure the second account exists (with <c>radosgw-admin</c>, as the server's admin would).</summary>
    public static Task EnsureOtherAccountAsync() => OtherAccount.Value;

    private static async Task CreateOtherAccountAsync()
    {
        if (await RadosgwAdminAsync("user", "info", "--uid=other") == 0) return;
        await RadosgwAdminAsync("user", "create", "--uid=other", "--display-name=other", $"--access-key={OtherAccessKey}", $"--secret-key={OtherSecretKey}");
        // Another test process may have created it at the same moment: what counts is that it exists now.
        if (await RadosgwAdminAsync("user", "info", "--uid=other") != 0)
            throw new InvalidOperationException("radosgw-admin could not create the second S3 account 'other'.");
    }

    private static async Task<int> RadosgwAdminAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("radosgw-admin", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["CEPH_CONF"] = Environment.GetEnvironmentVariable("DSTACK_TEST_CEPH_CONF") ?? "/tmp/ceph-rgw/ceph.conf";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        await Task.WhenAll(stdout, stderr);
        return process.ExitCode;
    }
}
