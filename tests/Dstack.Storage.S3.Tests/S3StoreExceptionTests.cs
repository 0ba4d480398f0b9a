using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Dstack.Storage.S3.Tests;

/// <summary>A server that refuses SSE-S3 (Ceph RGW until an SSE-S3 backend is configured) is told apart from other refusals.</summary>
public sealed class S3StoreExceptionTests
{
    private static readonly S3Options Options = new() { Bucket = "team", EndpointUrl = "http://127.0.0.1:7480" };

    private static AmazonS3Exception Answer(HttpStatusCode status, string code, string message = "") =>
        new(message, ErrorType.Sender, code, "req-1", status);

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "InvalidArgument", "")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidRequest", "")]
    [InlineData(HttpStatusCode.NotImplemented, "NotImplemented", "")]
    [InlineData(HttpStatusCode.BadRequest, "SomethingElse", "Server side encryption is not configured")]
    public void IsSseS3Refusal_ABadRequestAboutEncryption_IsOne(HttpStatusCode status, string code, string message) =>
        S3StoreException.IsSseS3Refusal(Options, Answer(status, code, message)).ShouldBeTrue();

    [Fact]
    public void IsSseS3Refusal_OtherAnswers_OrAKmsKeyInUse_AreNot()
    {
        S3StoreException.IsSseS3Refusal(Options, Answer(HttpStatusCode.Forbidden, "AccessDenied")).ShouldBeFalse();
        S3StoreException.IsSseS3Refusal(Options, Answer(HttpStatusCode.BadRequest, "EntityTooLarge")).ShouldBeFalse();
        S3StoreException.IsSseS3Refusal(Options with { KmsKeyId = "k" }, Answer(HttpStatusCode.BadRequest, "InvalidArgument")).ShouldBeFalse();
    }

    [Fact]
    public void SseS3Refused_NamesTheServerTheAnswerAndTheConfigCommandThatFixesIt()
    {
        var error = S3StoreException.SseS3Refused(Options, Answer(HttpStatusCode.BadRequest, "InvalidArgument", "SSE-S3 is not configured."));

        error.IsAboutSecretEncryption.ShouldBeTrue();
        error.Message.ShouldStartWith(
            "S3 at http://127.0.0.1:7480 refuses to encrypt secrets with SSE-S3 (InvalidArgument: SSE-S3 is not configured), so no secret was stored. " +
            "Name a KMS key the server can use: dstack config --backend s3 --bucket team --endpoint-url http://127.0.0.1:7480 --kms-key-id KEY");
    }
}
