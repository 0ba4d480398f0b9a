namespace Dstack.Storage.S3.Tests;

/// <summary>Signature Version 4 against the examples of AWS's documentation (sig-v4-header-based-auth, "Examples").</summary>
public sealed class S3SignerTests
{
    private static readonly S3StaticCredentials Example = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTime At = new(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc);
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Authorization_GetObjectExample_HasTheDocumentedSignature()
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = "examplebucket.s3.amazonaws.com", ["range"] = "bytes=0-9",
            ["x-amz-content-sha256"] = EmptyHash, ["x-amz-date"] = "20130524T000000Z",
        };

        S3Signer.Authorization("GET", "/test.txt", [], headers, EmptyHash, Example, "us-east-1", At).ShouldBe(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    [Fact]
    public void Authorization_ListObjectsExample_SortsTheQuery_AndHasTheDocumentedSignature()
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = "examplebucket.s3.amazonaws.com", ["x-amz-content-sha256"] = EmptyHash, ["x-amz-date"] = "20130524T000000Z",
        };

        S3Signer.Authorization("GET", "/", [("prefix", "J"), ("max-keys", "2")], headers, EmptyHash, Example, "us-east-1", At).ShouldEndWith(
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    [Fact]
    public void Encode_KeepsUnreservedCharacters_AndSlashesOnlyInPaths()
    {
        S3Signer.Encode("runs/a b+c~d_e.f-g/ü", keepSlash: true).ShouldBe("runs/a%20b%2Bc~d_e.f-g/%C3%BC");
        S3Signer.Encode("repos/x/", keepSlash: false).ShouldBe("repos%2Fx%2F");
    }
}
