using Amazon.S3.Model;

namespace Dstack.Storage.S3;

public sealed partial class S3Storage
{
    public Task PutFileAsync(string key, string localPath, CancellationToken ct)
    {
        var size = new FileInfo(localPath).Length;
        return CallAsync(token => PutFileCoreAsync(key, localPath, size, token), ct, bytes: size);
    }

    private async Task PutFileCoreAsync(string key, string localPath, long size, CancellationToken ct)
    {
        if (size < options.MultipartThreshold)
        {
            var request = new PutObjectRequest { BucketName = Bucket, Key = key, FilePath = localPath, UseChunkEncoding = false };
            Encrypt(key, request);
            await client.PutObjectAsync(request, ct);
            return;
        }
        await PutMultipartAsync(key, localPath, size, ct);
    }

    /// <summary>Parts go up in parallel; on any failure the upload is aborted, so no part lingers and nothing becomes visible.</summary>
    private async Task PutMultipartAsync(string key, string localPath, long size, CancellationToken ct)
    {
        var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key }, ct);
        try
        {
            var parts = new PartETag[(int)((size + options.PartSize - 1) / options.PartSize)];
            await Parallel.ForEachAsync(Enumerable.Range(0, parts.Length), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (i, token) =>
            {
                var offset = i * options.PartSize;
                var response = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket, Key = key, UploadId = upload.UploadId, PartNumber = i + 1,
                    FilePath = localPath, FilePosition = offset, PartSize = Math.Min(options.PartSize, size - offset),
                    UseChunkEncoding = false,
                }, token);
                parts[i] = new PartETag(i + 1, response.ETag);
            });
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket, Key = key, UploadId = upload.UploadId, PartETags = [.. parts],
            }, ct);
        }
        catch
        {
            // Best effort: when the server is gone the abort fails too, and the failure to report is the upload's.
            try { await client.AbortMultipartUploadAsync(Bucket, key, upload.UploadId, CancellationToken.None); }
            catch (Exception) { /* the parts stay invisible; a lifecycle rule for incomplete uploads reclaims them */ }
            throw;
        }
    }

    /// <summary>
    /// A HEAD for the size, then ranges of <see cref="S3Options.PartSize"/>: one ahead of the reader for objects below
    /// <see cref="S3Options.MultipartThreshold"/>, <see cref="S3Options.Parallelism"/> ahead for larger ones.
    /// </summary>
    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        if (await HeadAsync(key, ct) is not { } head) return null;
        var size = head.Length;
        var ahead = size < options.MultipartThreshold ? 1 : options.Parallelism;
        return new S3RangeStream(size, options.PartSize, ahead, (start, end, token) => GetRangeAsync(key, start, end, token));
    }

    private Task<byte[]> GetRangeAsync(string key, long start, long end, CancellationToken ct) => CallAsync(async token =>
    {
        using var response = await client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = Bucket, Key = key, ByteRange = new ByteRange(start, end),
        }, token);
        var buffer = new byte[end - start + 1];
        await response.ResponseStream.ReadExactlyAsync(buffer, token);
        return buffer;
    }, ct, bytes: end - start + 1);
}
