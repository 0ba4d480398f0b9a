using System.Text.Json;
using System.Text.Json.Serialization;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>Source-generated JSON for every stored record: no reflection at start-up.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = false)]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(JobState))]
[JsonSerializable(typeof(StopRequest))]
[JsonSerializable(typeof(Heartbeat))]
[JsonSerializable(typeof(LaunchInfo))]
[JsonSerializable(typeof(SnapshotManifest))]
public sealed partial class StoreJson : JsonSerializerContext
{
    public static byte[] Serialize<T>(T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), Default);

    public static T Deserialize<T>(byte[] data) =>
        (T)(JsonSerializer.Deserialize(data, typeof(T), Default) ?? throw new JsonException($"Empty {typeof(T).Name} record."));
}
