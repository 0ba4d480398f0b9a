using Amazon.Runtime;
using Dstack.Core.Errors;

namespace Dstack.Storage.S3;

/// <summary>The secret parts of the credentials an S3 store is used with, so that a runner can mask them in its job's logs.</summary>
public static class S3CredentialValues
{
    /// <summary>Access key, secret key and session token, as the client resolves them; none when they cannot be resolved.</summary>
    public static IReadOnlyList<string> Of(S3Options options)
    {
        if (options.Credentials is { } given)
            return new[] { given.AccessKey, given.SecretKey, given.SessionToken }.OfType<string>().Where(v => v.Length > 0).ToList();
        try
        {
            var resolved = S3ClientFactory.Credentials(options.Profile).Credentials.GetCredentials();
            return new[] { resolved.AccessKey, resolved.SecretKey, resolved.Token }.Where(v => !string.IsNullOrEmpty(v)).ToList();
        }
        catch (Exception e) when (e is AmazonClientException or DstackException)
        {
            return [];
        }
    }
}
