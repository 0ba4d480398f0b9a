using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Dstack.Core.Artifacts;
using Dstack.Core.Models;

namespace Dstack.Cli.Tests.Dashboard;

/// <summary>The Artifacts API of a real dashboard over a local store: the tree, one file, a folder as a zip, traversal refused.</summary>
public sealed class DashboardArtifactsTests : IAsyncLifetime
{
    private const string Run = "wet-fox-1";
    private const string Api = "/api/runs/acme/widgets/wet-fox-1/artifacts";
    private TestDashboard _d = null!;
    private readonly string _work = Directory.CreateTempSubdirectory("dstack-dashpages-art-").FullName;

    public async Task InitializeAsync()
    {
        _d = await TestDashboard.StartAsync();
        var run = await _d.AddRunAsync(Run, JobStatus.Done);
        var folder = Path.Combine(_work, "made");
        Directory.CreateDirectory(Path.Combine(folder, "sub", "deeper"));
        Directory.CreateDirectory(Path.Combine(folder, "empty"));
        await File.WriteAllTextAsync(Path.Combine(folder, "a.txt"), "<script>alert(1)</script>\n");
        var big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(big);
        await File.WriteAllBytesAsync(Path.Combine(folder, "sub", "deeper", "model.bin"), big);
        File.CreateSymbolicLink(Path.Combine(folder, "latest"), "sub/deeper/model.bin");
        await new ArtifactStore(_d.Ctx.Storage).SaveAsync(run.Repo, Run, 0, "output", folder, _d.Clock.GetUtcNow(), default);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>What <c>dstack artifacts download</c> writes: the same core code, into a folder.</summary>
    private async Task<string> DownloadAsTheCliDoesAsync()
    {
        var dest = Path.Combine(_work, "cli");
        var run = (await _d.Ctx.Runs.GetAsync(TestDashboard.Repo, Run, default))!;
        var (versions, owner) = await ArtifactSource.OfRunAsync(_d.Ctx, run, default);
        var downloader = new ArtifactDownloader(new ArtifactStore(_d.Ctx.Storage));
        await downloader.ApplyAsync(await downloader.PlanAsync(versions, dest, force: false, owner, default), _ => { }, default);
        return dest;
    }

    [Fact]
    public async Task TheTree_ListsEveryPath_WithSizes_AsTheDownloadWritesThem()
    {
        using var json = JsonDocument.Parse(await _d.GetTextAsync(Api));
        json.RootElement.GetProperty("owner").GetString().ShouldBe("run wet-fox-1");
        var files = json.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => $"{f.GetProperty("path").GetString()} {f.GetProperty("kind").GetString()} {f.GetProperty("size").GetInt64()}").ToList();
        files.ShouldBe([
            "output dir 0", "output/a.txt file 26", "output/empty dir 0", "output/latest link 0", "output/sub dir 0", "output/sub/deeper dir 0",
            "output/sub/deeper/model.bin file 3145745",
        ]);
        var page = await _d.GetTextAsync("/runs/acme/widgets/wet-fox-1/artifacts");
        page.ShouldContain("model.bin");
        page.ShouldContain($"<td>{Output.Size.Format(3145745)}</td>", Case.Sensitive, "the size as artifacts list prints it");
        (await _d.GetTextAsync("/runs/acme/widgets/wet-fox-1")).ShouldContain("href=\"/runs/acme/widgets/wet-fox-1/artifacts\"");
    }

    [Fact]
    public async Task AFile_ComesDown_ByteForByte_AsDstackArtifactsDownloadWritesIt()
    {
        var cli = await DownloadAsTheCliDoesAsync();
        var response = await _d.GetAsync(Api + "/file?path=output%2Fsub%2Fdeeper%2Fmodel.bin");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.ShouldBe(3145745);
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(cli, "output", "sub", "deeper", "model.bin")));

        var text = await _d.GetAsync(Api + "/file?path=output/a.txt");
        text.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream", "never rendered as a page");
        (await text.Content.ReadAsStringAsync()).ShouldBe("<script>alert(1)</script>\n");
    }

    [Fact]
    public async Task AFolder_ComesDownAsAZip_Streamed_WithTheDownloadsBytes()
    {
        var cli = await DownloadAsTheCliDoesAsync();
        var response = await _d.GetAsync(Api + "/zip?path=output/sub", completion: HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentLength.ShouldBeNull("written as it is read, never sized first");
        response.Headers.TransferEncodingChunked.ShouldBe(true);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ShouldBe(["sub/", "sub/deeper/", "sub/deeper/model.bin"]);
        using var copy = new MemoryStream();
        await using (var entry = zip.GetEntry("sub/deeper/model.bin")!.Open()) await entry.CopyToAsync(copy);
        copy.ToArray().ShouldBe(await File.ReadAllBytesAsync(Path.Combine(cli, "output", "sub", "deeper", "model.bin")));

        using var all = new ZipArchive(new MemoryStream(await (await _d.GetAsync(Api + "/zip")).Content.ReadAsByteArrayAsync()));
        all.Entries.Select(e => e.FullName).ShouldContain("output/a.txt");
        var link = all.GetEntry("output/latest")!;
        (link.ExternalAttributes >> 16 & 0xF000).ShouldBe(0xA000, "a link stays a link");
    }

    [Theory]
    [InlineData("/file?path=../../../etc/passwd", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=output/../../../etc/passwd", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=%2e%2e%2F%2e%2e%2Fconfig.yml", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=output%5C..%5C..%5Cconfig.yml", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=output//a.txt", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=output/./a.txt", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=", HttpStatusCode.BadRequest)]
    [InlineData("/file?path=%252e%252e%252fconfig.yml", HttpStatusCode.NotFound)]
    [InlineData("/file?path=output/missing.txt", HttpStatusCode.NotFound)]
    [InlineData("/file?path=output/sub", HttpStatusCode.NotFound)]
    [InlineData("/file?path=output/latest", HttpStatusCode.NotFound)]
    [InlineData("/zip?path=..", HttpStatusCode.BadRequest)]
    [InlineData("/zip?path=/", HttpStatusCode.BadRequest)]
    [InlineData("/zip?path=output/a.txt", HttpStatusCode.NotFound)]
    public async Task APathOutsideTheTree_IsRefused(string query, HttpStatusCode status)
    {
        var response = await _d.GetAsync(Api + query);
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("root:");
    }

    [Theory]
    [InlineData("/api/runs/..%2F..%2Fx/widgets/wet-fox-1/artifacts")]
    [InlineData("/api/runs/acme/widgets/no-such-run-1/artifacts")]
    [InlineData("/api/tags/acme/widgets/nope/artifacts")]
    [InlineData("/api/tags/acme/widgets/..%2F..%2Fsecrets/artifacts")]
    public async Task AnUnknownOrUnsafeRunOrTag_Is404(string path) =>
        (await _d.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

    [Theory]
    [InlineData(Api)]
    [InlineData(Api + "/file?path=output/a.txt")]
    [InlineData(Api + "/zip")]
    [InlineData("/runs/acme/widgets/wet-fox-1/artifacts")]
    [InlineData("/tags")]
    [InlineData("/api/tags")]
    [InlineData("/secrets")]
    [InlineData("/api/secrets")]
    [InlineData("/compute")]
    [InlineData("/api/compute")]
    public async Task WithoutTheCookie_Answers401_WithNoData(string path)
    {
        var response = await _d.GetAsync(path, signedIn: false);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldStartWith("Not signed in");
    }
}
