namespace Dstack.Storage.S3.Tests;

public sealed class S3RangeStreamTests
{
    private static readonly byte[] Data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task Read_RangesFinishingNewestFirst_GiveTheBytesInOrder_WithAtMostAheadInFlight()
    {
        var fetches = new List<(long Start, long End, TaskCompletionSource<byte[]> Done)>();
        await using var stream = new S3RangeStream(Data.Length, rangeSize: 10, ahead: 3, (start, end, _) =>
        {
            var done = new TaskCompletionSource<byte[]>();
            fetches.Add((start, end, done));
            return done.Task;
        });
        using var read = new MemoryStream();
        var buffer = new byte[7]; // not a multiple of the range size: reads span ranges

        while (true)
        {
            var next = stream.ReadAsync(buffer).AsTask();
            while (!next.IsCompleted)
            {
                var inFlight = fetches.Where(f => !f.Done.Task.IsCompleted).ToList();
                inFlight.Count.ShouldBeInRange(1, 3);
                var newest = inFlight[^1];
                newest.Done.SetResult(Data[(int)newest.Start..((int)newest.End + 1)]);
            }
            var count = await next;
            if (count == 0) break;
            read.Write(buffer, 0, count);
        }

        read.ToArray().ShouldBe(Data);
        fetches.Select(f => f.Start).ShouldBe([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    }

    [Fact]
    public async Task Read_AnEmptyObject_EndsAtOnce_WithoutFetching()
    {
        var fetched = 0;
        await using var stream = new S3RangeStream(0, 10, 3, (_, _, _) => { fetched++; return Task.FromResult(Array.Empty<byte>()); });
        (await stream.ReadAsync(new byte[4])).ShouldBe(0);
        fetched.ShouldBe(0);
    }
}
