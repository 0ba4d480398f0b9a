using Dstack.Cli;
using System.Text.Json.Serialization;

namespace Dstack.Dashboard;

/// <summary>
/// The JSON of the Artifacts, Tags, Secrets and Compute APIs, source-generated (Native AOT). Apart from
/// <see cref="DashboardJson"/> so each group's types stay together; errors and actions answer with that one's types.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ArtifactsResponse))]
[JsonSerializable(typeof(TagsResponse))]
[JsonSerializable(typeof(TagRequest))]
[JsonSerializable(typeof(SecretsResponse))]
[JsonSerializable(typeof(SecretRequest))]
[JsonSerializable(typeof(ComputeResponse))]
public sealed partial class DashboardPagesJson : JsonSerializerContext;
