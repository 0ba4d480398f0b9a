using System.Text.Json;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

public class WorkflowSchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(WorkflowSchema.Json).RootElement;

    private static string[] Keys(JsonElement properties) =>
        properties.EnumerateObject().Select(p => p.Name).Order().ToArray();

    private static JsonElement Definition(string name) => Schema.GetProperty("definitions").GetProperty(name);

    [Fact]
    public void Schema_IsDraft07WithClosedRoot()
    {
        Schema.GetProperty("$schema").GetString().ShouldBe("http://json-schema.org/draft-07/schema#");
        Schema.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        Keys(Schema.GetProperty("properties")).ShouldBe(WorkflowFileParser.RootProperties.Order().ToArray());
    }

    [Fact]
    public void Schema_WorkflowProperties_EqualWhatTheValidatorAccepts()
    {
        var workflow = Definition("workflow");

        Keys(workflow.GetProperty("properties")).ShouldBe(WorkflowParser.Properties.Order().ToArray());
        workflow.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public void Schema_ResourcesAndGpuProperties_EqualWhatTheValidatorAccepts()
    {
        var resources = Definition("resources").GetProperty("properties");
        var gpuMapping = resources.GetProperty("gpu").GetProperty("oneOf")[1].GetProperty("properties");

        Keys(resources).ShouldBe(WorkflowParser.ResourcesProperties.Order().ToArray());
        Keys(gpuMapping).ShouldBe(WorkflowParser.GpuProperties.Order().ToArray());
    }

    [Fact]
    public void Schema_EveryWorkflowProperty_HasADescription()
    {
        var undocumented = Definition("workflow").GetProperty("properties").EnumerateObject()
            .Where(p => !p.Value.TryGetProperty("description", out var d) || string.IsNullOrWhiteSpace(d.GetString()))
            .Select(p => p.Name);

        undocumented.ShouldBeEmpty();
    }

    [Fact]
    public void Schema_Providers_EqualTheSupportedOnes() =>
        Definition("workflow").GetProperty("properties").GetProperty("provider").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()).ShouldBe(WorkflowProviders.Supported);
}
