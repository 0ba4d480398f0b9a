using System.Text.Json;
using Dstack.Core.Models;

namespace Dstack.Cli.Tests.Dashboard;

/// <summary>The Compute API of a real dashboard: the hosts as <c>dstack hosts</c> finds them, probed once and on refresh, and what runs where.</summary>
public sealed class DashboardComputeTests : IAsyncLifetime
{
    private TestDashboard _d = null!;

    public async Task InitializeAsync() => _d = await TestDashboard.StartAsync();

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task TheHosts_AreProbedOnce_ThenOnlyOnRefresh_AndRunningJobsSayWhere()
    {
        await _d.AddRunAsync("busy-owl-2", JobStatus.Running);
        await _d.AddRunAsync("wet-fox-1", JobStatus.Done);
        var first = JsonDocument.Parse(await _d.GetTextAsync("/api/compute")).RootElement;
        var local = first.GetProperty("hosts").EnumerateArray().Single();
        (local.GetProperty("target").GetString(), local.GetProperty("status").GetString()).ShouldBe(("local", "up"));
        local.GetProperty("cpus").GetString().ShouldBe((await Verbs.HostsVerb.LinesAsync(_d.Ctx, null, default)).Single().Cpus);
        var jobs = first.GetProperty("jobs").EnumerateArray().Select(j => $"{j.GetProperty("run").GetString()} {j.GetProperty("where").GetString()}").ToList();
        jobs.ShouldBe(["busy-owl-2 local"]);
        var probedAt = first.GetProperty("probedAt").GetDateTimeOffset();

        _d.Clock.Advance(TimeSpan.FromSeconds(30)); // within the launch timeout: the run still runs
        JsonDocument.Parse(await _d.GetTextAsync("/api/compute")).RootElement.GetProperty("probedAt").GetDateTimeOffset().ShouldBe(probedAt, "a page load shows the last probe");
        (await _d.GetTextAsync("/compute")).ShouldContain("href=\"/runs/acme/widgets/busy-owl-2\"");
        var refreshed = await _d.PostAsync("/api/compute/refresh");
        JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement.GetProperty("probedAt").GetDateTimeOffset().ShouldBe(probedAt.AddSeconds(30));
        (await _d.PostAsync("/api/compute/refresh", withCsrf: false)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
    }
}
