using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

/// <summary>The contract of <see cref="IStorage"/>; every implementation runs it through a subclass.</summary>
public abstract class StorageConformanceTests
{
    protected abstract IStorage Storage { get; }

    private static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Get_MissingKey_ReturnsNull()
    {
        (await Storage.GetAsync("nothing/here.json", default)).ShouldBeNull();
        (await Storage.ExistsAsync("nothing/here.json", default)).ShouldBeFalse();
    }

    [Fact]
    public async Task Put_ThenGet_ReturnsTheSameBytes_AndPutReplaces()
    {
        await Storage.PutAsync("a/b/c.json", Bytes("one"), default);
        await Storage.PutAsync("a/b/c.json", Bytes("two"), default);
        (await Storage.GetAsync("a/b/c.json", default)).ShouldBe(Bytes("two"));
    }

    [Fact]
    public async Task PutIfAbsent_SecondWriter_LosesAndDoesNotChangeTheObject()
    {
        (await Storage.PutIfAbsentAsync("names/x", Bytes("first"), default)).ShouldBeTrue();
        (await Storage.PutIfAbsentAsync("names/x", Bytes("second"), default)).ShouldBeFalse();
        (await Storage.GetAsync("names/x", default)).ShouldBe(Bytes("first"));
    }

    [Fact]
    public async Task PutIfAbsent_ManyConcurrentWriters_ExactlyOneWins_AndItsContentStays()
    {
        for (var round = 0; round < 8; round++)
        {
            var key = $"race/key-{round}";
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return (Writer: i, Won: await Storage.PutIfAbsentAsync(key, Bytes($"writer {i}"), default));
            })).ToList();
            start.SetResult();
            var results = await Task.WhenAll(racers);
            var winners = results.Where(r => r.Won).ToList();
            winners.Count.ShouldBe(1, $"round {round}");
            System.Text.Encoding.UTF8.GetString((await Storage.GetAsync(key, default))!).ShouldBe($"writer {winners[0].Writer}");
        }
    }

    [Fact]
    public async Task Touch_RenewsTheModifiedTime_AndSaysWhetherTheObjectExists()
    {
        (await Storage.TouchAsync("touch/missing", default)).ShouldBeFalse();
        await Storage.PutAsync("touch/k", Bytes("x"), default);
        var before = await Storage.GetModifiedAsync("touch/k", default);
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // S3 keeps modified times to the second
        (await Storage.TouchAsync("touch/k", default)).ShouldBeTrue();
        (await Storage.GetModifiedAsync("touch/k", default))!.Value.ShouldBeGreaterThan(before!.Value);
        (await Storage.GetAsync("touch/k", default)).ShouldBe(Bytes("x"));
    }

    [Fact]
    public async Task Delete_MissingKey_ReturnsSilently_AndDeleteRemoves()
    {
        await Storage.DeleteAsync("never/was", default);
        await Storage.PutAsync("d/k", Bytes("x"), default);
        await Storage.DeleteAsync("d/k", default);
        (await Storage.GetAsync("d/k", default)).ShouldBeNull();
    }

    [Fact]
    public async Task List_ReturnsEveryKeyUnderThePrefix_InOrdinalOrder_PastOneThousand()
    {
        for (var i = 0; i < 1100; i++) await Storage.PutAsync($"many/{i:D5}", Bytes("x"), default);
        await Storage.PutAsync("manyother/0", Bytes("x"), default);
        var keys = new List<string>();
        await foreach (var key in Storage.ListAsync("many/", default)) keys.Add(key);
        keys.Count.ShouldBe(1100);
        keys.ShouldBe(keys.OrderBy(k => k, StringComparer.Ordinal).ToList());
    }

    /// <summary>A time-ordered folder (the run log) is listed from a point on: only what sorts after it, past a page of 1,000.</summary>
    [Fact]
    public async Task ListAfter_GivesOnlyTheKeysAfterTheStart_InOrdinalOrder()
    {
        for (var i = 0; i < 1100; i++) await Storage.PutAsync($"log/{i:D5}.run", Bytes("x"), default);
        await Storage.PutAsync("logother/00002.run", Bytes("x"), default);
        var keys = new List<string>();
        await foreach (var key in Storage.ListAfterAsync("log/", "log/00002/", default)) keys.Add(key);
        keys.Count.ShouldBe(1100 - 3); // 00000 to 00002: "." sorts before "/"
        keys[0].ShouldBe("log/00003.run");
        keys.ShouldBe(keys.OrderBy(k => k, StringComparer.Ordinal).ToList());
        var none = new List<string>();
        await foreach (var key in Storage.ListAfterAsync("log/", "log/99999", default)) none.Add(key);
        none.ShouldBeEmpty();
    }

    [Fact]
    public async Task List_ByPartialName_MatchesOnlyThatPrefix()
    {
        await Storage.PutAsync("runs/wet-fox-1", Bytes("x"), default);
        await Storage.PutAsync("runs/wet-fox-10", Bytes("x"), default);
        await Storage.PutAsync("runs/dry-fox-1", Bytes("x"), default);
        var keys = new List<string>();
        await foreach (var key in Storage.ListAsync("runs/wet-fox-", default)) keys.Add(key);
        keys.ShouldBe(["runs/wet-fox-1", "runs/wet-fox-10"]);
    }

    [Fact]
    public async Task ListChildren_ReturnsFilesAndFoldersOneLevelDown()
    {
        await Storage.PutAsync("tree/a.json", Bytes("x"), default);
        await Storage.PutAsync("tree/sub/b.json", Bytes("x"), default);
        var names = new List<string>();
        await foreach (var name in Storage.ListChildrenAsync("tree/", default)) names.Add(name);
        names.ShouldBe(["a.json", "sub/"]);
    }

    [Fact]
    public async Task PutFile_ThenOpenRead_ReadsTheContent_AndAMissingKeyOpensNothing()
    {
        var src = Path.GetTempFileName();
        await File.WriteAllTextAsync(src, "payload");
        await Storage.PutFileAsync("files/p", src, default);
        await using (var stream = await Storage.OpenReadAsync("files/p", default))
        {
            stream.ShouldNotBeNull();
            (await new StreamReader(stream).ReadToEndAsync()).ShouldBe("payload");
        }
        (await Storage.OpenReadAsync("files/missing", default)).ShouldBeNull();
        File.Delete(src);
    }
}
