namespace Dstack.Storage.S3;

/// <summary>
/// Store credentials handed to a runner on another host (over the SSH session's standard input, into a 0600 file it
/// reads and deletes). The file is <c>key=value</c> lines, as in <c>~/.aws/credentials</c>.
/// </summary>
public sealed record S3StaticCredentials(string AccessKey, string SecretKey, string? SessionToken)
{
    public string Format() =>
        $"aws_access_key_id={AccessKey}\naws_secret_access_key={SecretKey}\n" + (SessionToken is { Length: > 0 } t ? $"aws_session_token={t}\n" : "");

    /// <summary>Null when the text names no key pair.</summary>
    public static S3StaticCredentials? Parse(string text)
    {
        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        return values.GetValueOrDefault("aws_access_key_id") is { Length: > 0 } key && values.GetValueOrDefault("aws_secret_access_key") is { Length: > 0 } secret
            ? new S3StaticCredentials(key, secret, values.GetValueOrDefault("aws_session_token")) : null;
    }

    /// <summary>What this machine's S3 client would use (the AWS chain or the profile); null when nothing resolves.</summary>
    public static S3StaticCredentials? Resolve(S3Options options)
    {
        try
        {
            var resolved = S3ClientFactory.Credentials(options.Profile).Credentials.GetCredentials();
            return new S3StaticCredentials(resolved.AccessKey, resolved.SecretKey, resolved.Token);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonClientException or Core.Errors.DstackException)
        {
            return null;
        }
    }
}
