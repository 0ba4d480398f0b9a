using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary><c>ps -a</c> on a fresh <c>DSTACK_HOME</c> reads the bucket's checkpoint of finished runs, not every run.</summary>
public sealed class S3PsColdTests
{
    [Fact]
    public async Task PsAll_OnAFreshHome_ShowsWhatAWarmOneShows_FromTheBucketsCheckpoint_WithoutRemovedRuns()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Workflows.HelloAndWait).Commit();
        var first = await ada.RunDoneAsync("hello");
        var copies = Enumerable.Range(0, 70).Select(i => $"{first}{i:D2}").ToList();
        await Task.WhenAll(copies.Select(copy => CopyRunAsync(bucket, first, copy)));
        await ada.PsAsync("-a"); // reads every run once, and leaves a checkpoint of the finished ones in the bucket
        (await bucket.KeysAsync("run-summaries/")).Count.ShouldBe(1);
        (await ada.DstackAsync("rm", "-y", copies[0])).ExitCode.ShouldBe(0);
        // A checkpointed run's records are not read again: damaged, they would be reported and the run left out.
        await bucket.OverwriteAsync(S3Bucket.RunPrefix(copies[1]) + "run.json", "{");
        var warm = await ada.PsAsync("-a");
        await using var bea = await bucket.NewTeammateAsync(ada);

        var cold = await bea.DstackAsync("ps", "-a");

        cold.ExitCode.ShouldBe(0, cold.ToString());
        cold.StdErr.ShouldBeEmpty();
        PsRow.Parse(cold.StdOut).ShouldBe(warm, ignoreOrder: true);
        warm.Count.ShouldBe(70);
        warm.Select(r => r.Run).ShouldNotContain(copies[0]);
    }

    /// <summary>A copy of a finished run's records under another name, as if dstack had named a later run so.</summary>
    private static async Task CopyRunAsync(S3Bucket bucket, string run, string copy)
    {
        foreach (var key in await bucket.KeysAsync(S3Bucket.RunPrefix(run)))
        {
            if (!key.EndsWith("run.json", StringComparison.Ordinal) && !key.EndsWith("state.json", StringComparison.Ordinal)) continue;
            var text = (await bucket.ReadTextAsync(key))!.Replace($"\"{run}\"", $"\"{copy}\"");
            await bucket.Client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
            {
                BucketName = bucket.Name, Key = S3Bucket.RunPrefix(copy) + key[S3Bucket.RunPrefix(run).Length..], ContentBody = text,
            });
        }
    }
}
