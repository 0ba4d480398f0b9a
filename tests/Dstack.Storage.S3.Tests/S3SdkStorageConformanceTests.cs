namespace Dstack.Storage.S3.Tests;

/// <summary>
/// The same conformance suite with every call through the SDK (<see cref="S3Options.DirectRequests"/> off): the path of
/// AWS's own endpoints, where the small calls are not sent as plain requests.
/// </summary>
public sealed class S3SdkStorageConformanceTests : S3StorageConformanceTests
{
    protected override S3Options Tuning => new() { Bucket = "-", DirectRequests = false };
}
