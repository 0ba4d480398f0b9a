namespace Dstack.EndToEnd.Tests.Support;

/// <summary>Users of the bucket: each a <see cref="Sandbox"/> (own <c>DSTACK_HOME</c>, own repo) configured for it.</summary>
public sealed partial class S3Bucket
{
    /// <summary>The <c>dstack config</c> arguments that name this bucket, the endpoint and the KMS key.</summary>
    public string[] ConfigArgs(params string[] extra) => ConfigArgsWithKms(S3Endpoint.KmsKeyId, extra);

    /// <summary>As <see cref="ConfigArgs"/>, with another KMS key, or none.</summary>
    public string[] ConfigArgsWithKms(string? kmsKeyId, params string[] extra) =>
        ["config", "--backend", "s3", "--bucket", Name, "--endpoint-url", DstackEndpoint, .. kmsKeyId is null ? Array.Empty<string>() : ["--kms-key-id", kmsKeyId], .. extra];

    /// <summary>Gives a sandbox the test server's keys in the environment (the standard AWS chain, as a user would).</summary>
    public static Sandbox WithCredentials(Sandbox sandbox, string? accessKey = null, string? secretKey = null)
    {
        sandbox.Env["AWS_ACCESS_KEY_ID"] = accessKey ?? S3Endpoint.AccessKey;
        sandbox.Env["AWS_SECRET_ACCESS_KEY"] = secretKey ?? S3Endpoint.SecretKey;
        sandbox.Env["AWS_EC2_METADATA_DISABLED"] = "true";
        return sandbox;
    }

    /// <summary>
    /// The first user: a new sandbox (repo with origin acme/widgets) whose dstack is configured for this bucket with
    /// <c>dstack config … -y</c>, which creates the bucket when it is missing.
    /// </summary>
    public async Task<Sandbox> NewUserAsync()
    {
        var sandbox = WithCredentials(new Sandbox());
        await ConfigureAsync(sandbox);
        return sandbox;
    }

    /// <summary>
    /// A teammate of <paramref name="of"/>: another <c>DSTACK_HOME</c> configured for the same bucket, in their own
    /// clone of the repo (same origin URL, as a clone from GitHub has), as another git user.
    /// </summary>
    public async Task<Sandbox> NewTeammateAsync(Sandbox of, string userName = "Bea Teammate")
    {
        var sandbox = WithCredentials(new Sandbox(git: false));
        sandbox.Git("clone", "-q", of.Repo, ".");
        sandbox.Git("remote", "set-url", "origin", "https://github.com/acme/widgets.git");
        sandbox.Git("config", "user.name", userName);
        sandbox.Git("config", "user.email", "bea@example.com");
        await ConfigureAsync(sandbox);
        return sandbox;
    }

    private async Task ConfigureAsync(Sandbox sandbox)
    {
        var config = await sandbox.DstackAsync(ConfigArgs("-y"));
        if (config.ExitCode == 0) return;
        await sandbox.DisposeAsync();
        throw new InvalidOperationException($"dstack config for bucket {Name} failed: {config}");
    }
}
