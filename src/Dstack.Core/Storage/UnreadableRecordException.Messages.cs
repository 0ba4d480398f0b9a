namespace Dstack.Core.Storage;

// Every sentence a user can see about an unreadable stored record, in one place.
public sealed partial class UnreadableRecordException
{
    internal static UnreadableRecordException Of(string key, Exception inner) =>
        new(key, $"The stored record '{key}' cannot be read: {Reason(inner)} (truncated or edited?). Restore or remove it: {HowToRemove(key)}.", inner);

    /// <summary>What a listing prints instead of failing: one line naming the key.</summary>
    public string SkippedWarning => $"Warning: skipped '{Key}': the record cannot be read (truncated or edited?).";

    /// <summary>Why <c>gc</c> stops: it cannot tell what the record references, so deleting anything could lose content.</summary>
    public UnreadableRecordException CollectionStopped() =>
        new(Key, $"gc stopped without deleting anything: the stored record '{Key}' cannot be read, so what it references is unknown. " +
                 $"Restore or remove it ({HowToRemove(Key)}), then run gc again.", this);

    /// <summary>What <c>rm</c> says when it removed the runs but could not tell which of their content is still used.</summary>
    public string ReclaimSkippedWarning =>
        $"Warning: their stored content was kept: the record '{Key}' cannot be read, so what it references is unknown. " +
        $"Restore or remove it ({HowToRemove(Key)}), then run `dstack gc`.";

    private static string HowToRemove(string key) =>
        key.StartsWith(StoreKeys.SnapshotsPrefix, StringComparison.Ordinal) ? "remove the runs and tags that use it: `dstack rm RUN`, `dstack tags delete TAG`"
        : key.StartsWith(StoreKeys.PrivatePrefix, StringComparison.Ordinal) ? "`dstack secrets delete NAME` removes a broken secret"
        : key.Contains("/tags/", StringComparison.Ordinal) ? "`dstack tags delete TAG` removes a broken tag"
        : "`dstack rm RUN` removes a broken run";

    // Not the parser's own words: a native build carries only resource keys ("ExpectedJsonTokens"), not sentences.
    private static string Reason(Exception inner) =>
        inner is System.Text.Json.JsonException ? "it is not valid JSON" : "it lacks the expected fields";
}
