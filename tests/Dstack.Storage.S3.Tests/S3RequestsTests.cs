using System.Text;
using Dstack.Core.Storage;

namespace Dstack.Storage.S3.Tests;

/// <summary>The small calls as plain signed requests (<see cref="S3Requests"/>) against the real server: no SDK client, the same errors.</summary>
public sealed class S3RequestsTests
{
    [Fact]
    public async Task SmallCalls_ToAnEndpoint_BuildNoSdkClient()
    {
        var (_, client, bucket) = await S3Server.NewBucketAsync();
        try
        {
            var storage = new S3Storage(new S3Options { Bucket = bucket, EndpointUrl = S3Server.Endpoint, Region = "us-east-1" });
            await storage.PutAsync("runs/a b/run.json", Encoding.UTF8.GetBytes("{}"), CancellationToken.None);
            (await storage.PutIfAbsentAsync("runs/a b/run.json", Encoding.UTF8.GetBytes("{}"), CancellationToken.None)).ShouldBeFalse();
            (await storage.GetAsync("runs/a b/run.json", CancellationToken.None)).ShouldBe(Encoding.UTF8.GetBytes("{}"));
            (await storage.GetModifiedAsync("runs/a b/run.json", CancellationToken.None)).ShouldNotBeNull();
            (await storage.ListChildrenAsync("runs/", CancellationToken.None).ToListAsync()).ShouldBe(["a b/"]);
            await storage.DeleteAsync("runs/a b/run.json", CancellationToken.None);
            (await storage.ExistsAsync("runs/a b/run.json", CancellationToken.None)).ShouldBeFalse();

            storage.SdkClientBuilt.ShouldBeFalse();
        }
        finally { await S3Server.DeleteBucketAsync(client, bucket); }
    }

    [Fact]
    public async Task AMissingBucket_IsSaidAsTheSdksWas()
    {
        S3Server.UseCredentials(); // else it passed only after a test that made a bucket
        var storage = new S3Storage(new S3Options { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8], EndpointUrl = S3Server.Endpoint });

        var error = await Should.ThrowAsync<S3StoreException>(() => storage.GetAsync("x", CancellationToken.None));

        error.Message.ShouldContain("does not exist at " + S3Server.Endpoint);
    }

    [Fact]
    public async Task AWrongSecret_IsSaidAsRejectedCredentials()
    {
        var (_, client, bucket) = await S3Server.NewBucketAsync();
        try
        {
            var storage = new S3Storage(new S3Options
            {
                Bucket = bucket, EndpointUrl = S3Server.Endpoint, Credentials = new S3StaticCredentials(S3Server.AccessKey, "wrong-secret", null),
            });

            var error = await Should.ThrowAsync<S3StoreException>(() => storage.ListAsync("runs/", CancellationToken.None).ToListAsync().AsTask());

            error.Message.ShouldContain("were rejected by " + S3Server.Endpoint + " (SignatureDoesNotMatch)");
        }
        finally { await S3Server.DeleteBucketAsync(client, bucket); }
    }

    [Fact]
    public async Task AnAnswerCutOffInItsBody_IsAskedAgain()
    {
        // A server of our own on loopback: the first answer promises 100 bytes and closes after 5, the second is whole.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var served = 0;
        var server = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var connection = await listener.AcceptTcpClientAsync();
                var stream = connection.GetStream();
                var request = new byte[8192];
                var read = 0;
                while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n")) read += await stream.ReadAsync(request.AsMemory(read));
                served++;
                var answer = i == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort" : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
            }
        });
        var storage = new S3Storage(new S3Options
        {
            Bucket = "b", EndpointUrl = $"http://127.0.0.1:{port}", Credentials = new S3StaticCredentials("key", "secret", null),
        });

        var body = await storage.GetAsync("runs/x/run.json", CancellationToken.None);

        Encoding.ASCII.GetString(body!).ShouldBe("{}");
        await server.WaitAsync(TimeSpan.FromSeconds(30));
        served.ShouldBe(2);
    }
}
