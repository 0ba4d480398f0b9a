using Dstack.Cli;
using System.IO.Compression;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Dstack.Dashboard;

/// <summary>
/// Sends a file of an <see cref="ArtifactTree"/>, or a folder as a zip, straight from the store to the response: each
/// blob is checked against its hash as it passes, and the zip is written entry by entry to the (unseekable) response
/// stream, so neither is ever held whole in memory.
/// </summary>
public static class ArtifactDownload
{
    public static async Task FileAsync(HttpContext http, BlobStore blobs, ArtifactTree tree, SnapshotEntry entry, string path)
    {
        var ct = http.RequestAborted;
        await using var from = await blobs.OpenVerifiedAsync(entry.Blob!, entry.Size, tree.Owner, ct);
        http.Response.ContentType = "application/octet-stream";
        http.Response.ContentLength = entry.Size;
        Attach(http, path[(path.LastIndexOf('/') + 1)..]);
        await from.CopyToAsync(http.Response.Body, 1 << 16, ct);
    }

    public static async Task ZipAsync(HttpContext http, BlobStore blobs, ArtifactTree tree, IReadOnlyList<(string Name, SnapshotEntry Entry)> entries, string fileName)
    {
        var ct = http.RequestAborted;
        http.Response.ContentType = "application/zip";
        Attach(http, fileName);
        var body = new PipeWriterStream(http.Response.BodyWriter);
        var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        await using (zip)
        {
            foreach (var (name, entry) in entries)
            {
                var item = zip.CreateEntry(entry.IsDir ? name + "/" : name, CompressionLevel.Fastest);
                // Unix type and permission bits, as Info-ZIP keeps them: a link is an entry whose content is its target.
                var type = entry.IsDir ? 0x4000 : entry.LinkTarget is not null ? 0xA000 : 0x8000;
                item.ExternalAttributes = (type | (int)SnapshotStore.PermissionsOf(entry)) << 16;
                if (entry.IsDir) continue;
                await using var to = await item.OpenAsync(ct);
                if (entry.LinkTarget is { } target)
                {
                    await to.WriteAsync(System.Text.Encoding.UTF8.GetBytes(target), ct);
                    continue;
                }
                await using var from = await blobs.OpenVerifiedAsync(entry.Blob!, entry.Size, tree.Owner, ct);
                await from.CopyToAsync(to, 1 << 16, ct);
            }
        }
        await body.FlushAsync(ct);
    }

    private static void Attach(HttpContext http, string fileName)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
    }
}
