using System.Text;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Logs;

public sealed class SecretMaskerTests
{
    private static readonly SecretMasker Masker = new(["s3cr3t/va=lue", "ab"]);

    [Theory]
    [InlineData("token=s3cr3t/va=lue!", "token=***!")]
    [InlineData("czNjcjN0L3ZhPWx1ZQ==", "***")] // base64
    [InlineData("s3cr3t%2Fva%3Dlue", "***")]    // URL-encoded
    [InlineData("ab is too short to mask", "ab is too short to mask")]
    public void Apply_MasksEveryForm(string text, string expected) => Masker.Apply(text).ShouldBe(expected);

    [Theory]
    [InlineData("p%40ss%20w0rd%21")] // fully escaped (encodeURIComponent, Python's quote)
    [InlineData("p%40ss+w0rd%21")]   // form-encoded by Python's urlencode / quote_plus
    [InlineData("p%40ss+w0rd!")]     // form-encoded by .NET's WebUtility.UrlEncode
    public void Apply_MasksTheUrlEncodingsOfAValueWithSpacesAndPunctuation(string encoded) =>
        new SecretMasker(["p@ss w0rd!"]).Apply($"url={encoded}&x=1").ShouldBe("url=***&x=1");

    [Theory]
    [InlineData(76)] // coreutils base64
    [InlineData(64)] // openssl base64, PEM
    public void Apply_MasksEveryLineOfALongValueBase64EncodedAndWrapped(int width)
    {
        var secret = string.Concat(Enumerable.Range(0, 12).Select(i => $"key-part-{i}/"));
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
        var wrapped = string.Join('\n', base64.Chunk(width).Select(c => new string(c)));
        wrapped.Split('\n').Length.ShouldBeGreaterThan(1);

        new SecretMasker([secret]).Apply(wrapped + "\n").ShouldBe(string.Join('\n', wrapped.Split('\n').Select(_ => "***")) + "\n");
    }

    [Fact]
    public void PendingSuffix_IsTheLongestSecretStartAtTheEnd()
    {
        Masker.PendingSuffix("value: s3cr").ShouldBe(4);
        Masker.PendingSuffix("nothing here").ShouldBe(0);
    }

    [Fact]
    public async Task Writer_SecretSplitAcrossWritesAndFlushes_IsStillMasked()
    {
        var root = Path.Combine(Path.GetTempPath(), "dstack-mask-" + Guid.NewGuid().ToString("N"));
        var storage = new LocalStorage(root);
        var repo = new RepoRef("acme", "widgets");
        var time = new ManualTime();
        var writer = new LogWriter(storage, repo, "run-1", 0, time, Masker);

        writer.Append(Encoding.UTF8.GetBytes("key=s3cr3t"));
        time.Advance(TimeSpan.FromSeconds(1));                // the partial line is old enough to flush
        await writer.FlushAsync(final: false, default);
        writer.Append(Encoding.UTF8.GetBytes("/va=lue done\n"));
        await writer.FlushAsync(final: true, default);

        var text = string.Concat((await new LogReader(storage, repo, "run-1", 0).ReadNewAsync(default).ToListAsync()).Select(e => e.Text + (e.EndsLine ? "\n" : "")));
        text.ShouldBe("key=*** done\n");
        Directory.Delete(root, recursive: true);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch.AddYears(50);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
