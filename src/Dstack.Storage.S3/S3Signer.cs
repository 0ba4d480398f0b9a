using System.Globalization;
using System.Text;
using Dstack.Core.Storage;

namespace Dstack.Storage.S3;

/// <summary>
/// AWS Signature Version 4 for S3 requests (<see cref="S3Requests"/>): the canonical request, the string to sign and the
/// <c>Authorization</c> header, as https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html describes.
/// </summary>
internal static class S3Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// The <c>Authorization</c> header of a request. <paramref name="headers"/> are the headers signed (lower-case names,
    /// <c>host</c>, <c>x-amz-date</c> and <c>x-amz-content-sha256</c> among them); <paramref name="path"/> is already encoded.
    /// </summary>
    public static string Authorization(string method, string path, IReadOnlyList<(string Name, string Value)> query,
        SortedDictionary<string, string> headers, string payloadHash, S3StaticCredentials credentials, string region, DateTime utc)
    {
        var date = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{region}/s3/aws4_request";
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = new StringBuilder(method).Append('\n').Append(path).Append('\n')
            .Append(CanonicalQuery(query)).Append('\n');
        foreach (var (name, value) in headers) canonical.Append(name).Append(':').Append(value.Trim()).Append('\n');
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        var toSign = $"{Algorithm}\n{utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}\n{scope}\n{Hex(ManagedSha256.Hash(canonical.ToString()))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretKey), date);
        key = Hmac(Hmac(Hmac(key, region), "s3"), "aws4_request");
        return $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={Hex(Hmac(key, toSign))}";
    }

    /// <summary>Query parameters sorted by name, names and values encoded (a <c>/</c> too).</summary>
    public static string CanonicalQuery(IReadOnlyList<(string Name, string Value)> query) =>
        string.Join('&', query.Select(p => (Name: Encode(p.Name, keepSlash: false), Value: Encode(p.Value, keepSlash: false)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));

    /// <summary>URI encoding as SigV4 wants it: unreserved characters kept, every other UTF-8 byte as <c>%XX</c> (upper-case hex).</summary>
    public static string Encode(string value, bool keepSlash)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~' || (keepSlash && c == '/')) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Hashed as content is (<see cref="ContentHash"/>): a command of a few small requests does not load OpenSSL.</summary>
    public static string PayloadHash(ReadOnlySpan<byte> payload) => ContentHash.Of(payload);

    private static byte[] Hmac(byte[] key, string data) => ManagedSha256.Hmac(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
