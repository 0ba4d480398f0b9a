using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Dstack.Core.Errors;

namespace Dstack.Storage.S3;

/// <summary>Builds the S3 client: credentials from the standard AWS chain (never from dstack's files), retries with backoff.</summary>
public static class S3ClientFactory
{
    public static (IAmazonS3 Client, string CredentialSource) Create(S3Options options)
    {
        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,  // exponential backoff with jitter on throttling, 5xx and timeouts
            MaxErrorRetry = 6,
            Timeout = TimeSpan.FromSeconds(60),
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.EndpointUrl is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region ?? FallbackRegion());
        }
        var (credentials, source) = options.Credentials is { } given
            ? (given.SessionToken is { Length: > 0 } token ? (AWSCredentials)new SessionAWSCredentials(given.AccessKey, given.SecretKey, token) : new BasicAWSCredentials(given.AccessKey, given.SecretKey),
                "credentials handed to this runner")
            : Credentials(options.Profile);
        return (new AmazonS3Client(credentials, config), source);
    }

    internal static (AWSCredentials Credentials, string Source) Credentials(string? profile)
    {
        if (profile is not null)
        {
            if (!new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile))
                throw S3StoreException.ProfileNotFound(profile);
            return (fromProfile, $"AWS profile '{profile}'");
        }
        if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 })
            return (DefaultAWSCredentialsIdentityResolver.GetCredentials(), EnvironmentSource);
        var name = Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } p ? p : "default";
        if (new CredentialProfileStoreChain().TryGetAWSCredentials(name, out var fromDefault))
            return (fromDefault, $"AWS profile '{name}'");
        try { return (DefaultAWSCredentialsIdentityResolver.GetCredentials(), "the default AWS credential chain"); }
        catch (AmazonClientException)
        {
            throw S3StoreException.NoCredentials();
        }
    }

    /// <summary>
    /// The credentials of plain requests (<see cref="S3Requests"/>), the same as <see cref="Create"/>'s: the ones handed over, or the
    /// key pair of the environment variables, read directly (the SDK's chain is not built for them); else the SDK's provider,
    /// asked at each request, so that temporary credentials are renewed as the SDK's client renews them.
    /// </summary>
    internal static Func<S3StaticCredentials> CredentialsFor(S3Options options)
    {
        if (options.Credentials is { } given) return () => given;
        if (options.Profile is null && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } key
            && Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret)
        {
            var fromEnvironment = new S3StaticCredentials(key, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"));
            return () => fromEnvironment;
        }
        var provider = new Lazy<AWSCredentials>(() => Credentials(options.Profile).Credentials);
        return () =>
        {
            var current = provider.Value.GetCredentials();
            return new S3StaticCredentials(current.AccessKey, current.SecretKey, current.Token);
        };
    }

    /// <summary>Where <see cref="Create"/> takes the credentials from, in words, without resolving them.</summary>
    public static string CredentialSource(string? profile)
    {
        if (profile is not null) return $"AWS profile '{profile}'";
        if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 }) return EnvironmentSource;
        var name = Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } p ? p : "default";
        return new CredentialProfileStoreChain().TryGetAWSCredentials(name, out _) ? $"AWS profile '{name}'" : "the default AWS credential chain";
    }

    private const string EnvironmentSource = "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

    private static string FallbackRegion() =>
        Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
}
