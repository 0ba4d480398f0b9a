using System.Text.Json;

namespace Dstack.Core.Storage;

/// <summary>Lenient readers for stored records: a missing property reads as null, false or empty.</summary>
internal static class JsonElementExtensions
{
    public static string? Str(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Bool(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static int Int(this JsonElement e, string name) => e.IntOrNull(name) ?? 0;

    public static int? IntOrNull(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public static long Long(this JsonElement e, string name) => e.LongOrNull(name) ?? 0;

    public static long? LongOrNull(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    public static DateTimeOffset Time(this JsonElement e, string name) => e.TimeOrNull(name) ?? DateTimeOffset.UnixEpoch;

    public static DateTimeOffset? TimeOrNull(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetDateTimeOffset() : null;

    public static IEnumerable<JsonElement> Array(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    // Loops, not LINQ: LINQ over JsonElement (a struct from another assembly) is compiled at run time.
    public static IReadOnlyList<string> Strings(this JsonElement e, string name)
    {
        var list = new List<string>();
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
            foreach (var x in v.EnumerateArray()) list.Add(x.GetString() ?? "");
        return list;
    }

    public static IReadOnlyList<int> Ints(this JsonElement e, string name)
    {
        var list = new List<int>();
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
            foreach (var x in v.EnumerateArray()) list.Add(x.GetInt32());
        return list;
    }

    public static void WriteStrings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    public static void WriteInts(this Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
