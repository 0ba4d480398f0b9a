using Dstack.Cli;
using System.Text.Json.Serialization;

namespace Dstack.Dashboard;

/// <summary>
/// Every JSON the dashboard's API writes, source-generated (Native AOT: no reflection). A new API group adds its
/// response types here.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunsResponse))]
[JsonSerializable(typeof(RunResponse))]
[JsonSerializable(typeof(LogWindowResponse))]
[JsonSerializable(typeof(ActionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class DashboardJson : JsonSerializerContext;
