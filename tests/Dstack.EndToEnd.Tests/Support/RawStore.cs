using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A sandbox's store reached directly, as whoever can write it would (files under <c>DSTACK_HOME</c>, or the bucket through
/// the SDK): to plant and edit objects behind dstack's back.
/// </summary>
public abstract class RawStore
{
    public abstract Task<byte[]?> ReadAsync(string key);
    public abstract Task WriteAsync(string key, byte[] data);
    public abstract Task<IReadOnlyList<string>> KeysAsync(string prefix);

    public static RawStore Local(Sandbox sandbox) => new LocalRaw(sandbox.Home);
    public static RawStore S3(S3Bucket bucket) => new S3Raw(bucket);

    public static string BlobKey(string content)
    {
        var hash = Sandbox.Sha256(Encoding.UTF8.GetBytes(content));
        return $"blobs/{hash[..2]}/{hash}";
    }

    public static string ArtifactKey(string run, string path) => S3Bucket.JobPrefix(run) + $"artifacts/{path}.json";

    /// <summary>Stores a manifest under its own hash (as dstack names manifests) and returns its id.</summary>
    public async Task<string> PutManifestAsync(JsonObject manifest)
    {
        var data = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var id = Sandbox.Sha256(data);
        await WriteAsync($"snapshots/{id}.json", data);
        return id;
    }

    public async Task<JsonObject> ReadJsonAsync(string key) =>
        JsonNode.Parse(await ReadAsync(key) ?? throw new InvalidOperationException($"{key} is missing"))!.AsObject();

    public Task WriteJsonAsync(string key, JsonObject value) => WriteAsync(key, Encoding.UTF8.GetBytes(value.ToJsonString()));

    private sealed class LocalRaw(string home) : RawStore
    {
        public override async Task<byte[]?> ReadAsync(string key) =>
            File.Exists(Path.Combine(home, key)) ? await File.ReadAllBytesAsync(Path.Combine(home, key)) : null;

        public override async Task WriteAsync(string key, byte[] data)
        {
            var path = Path.Combine(home, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, data);
        }

        public override Task<IReadOnlyList<string>> KeysAsync(string prefix)
        {
            var root = Path.Combine(home, prefix);
            IReadOnlyList<string> keys = Directory.Exists(root)
                ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(home, f)).ToList()
                : [];
            return Task.FromResult(keys);
        }
    }

    private sealed class S3Raw(S3Bucket bucket) : RawStore
    {
        public override Task<byte[]?> ReadAsync(string key) => bucket.ReadAsync(key);

        public override Task WriteAsync(string key, byte[] data) =>
            bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false });

        public override Task<IReadOnlyList<string>> KeysAsync(string prefix) => bucket.KeysAsync(prefix);
    }
}
