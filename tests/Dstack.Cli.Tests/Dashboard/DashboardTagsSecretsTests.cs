using System.Net;
using System.Text.Json;
using Dstack.Core.Models;
using Dstack.Core.Secrets;
using Dstack.Core.Tags;

namespace Dstack.Cli.Tests.Dashboard;

/// <summary>The Tags and Secrets APIs of a real dashboard over a local store: what they write is what the CLI's verbs write, and no value ever comes back.</summary>
public sealed class DashboardTagsSecretsTests : IAsyncLifetime
{
    private const string Planted = "pl4nted-S3CRET-value-7c1e";
    private TestDashboard _d = null!;

    public async Task InitializeAsync() => _d = await TestDashboard.StartAsync();

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task ATag_IsMadeFromAFinishedRun_Listed_AndDeleted_ThroughTheStoreTheCliReads()
    {
        await _d.AddRunAsync("wet-fox-1", JobStatus.Done);
        await _d.AddRunAsync("busy-owl-2", JobStatus.Running);
        var tags = new TagStore(_d.Ctx.Storage);

        var made = await _d.PostAsync("/api/tags/acme/widgets/best/add", """{"run":"wet-fox-1"}""");
        made.StatusCode.ShouldBe(HttpStatusCode.OK, await made.Content.ReadAsStringAsync());
        (await tags.GetAsync(TestDashboard.Repo, "best", default))!.RunName.ShouldBe("wet-fox-1");
        (await _d.GetTextAsync("/api/tags")).ShouldContain("\"name\":\"best\",\"run\":\"wet-fox-1\",\"workflow\":\"train\"");
        (await _d.GetTextAsync("/tags")).ShouldContain("href=\"/tags/acme/widgets/best/artifacts\"");
        (await _d.GetTextAsync("/api/tags/acme/widgets/best/artifacts")).ShouldBe("{\"owner\":\"run wet-fox-1\",\"files\":[]}");

        var again = await _d.PostAsync("/api/tags/acme/widgets/best/add", """{"run":"wet-fox-1"}""");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("already exists");
        (await _d.PostAsync("/api/tags/acme/widgets/best/add", """{"run":"wet-fox-1","override":true}""")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var running = await _d.PostAsync("/api/tags/acme/widgets/now/add", """{"run":"busy-owl-2"}""");
        running.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        JsonDocument.Parse(await running.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().ShouldBe(TagException.RunNotFinished("busy-owl-2", "now").Message);
        (await _d.PostAsync("/api/tags/acme/widgets/..%2Fx/add", """{"run":"wet-fox-1"}""")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _d.PostAsync("/api/tags/acme/widgets/t/add", "not json")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _d.PostAsync("/api/tags/acme/widgets/t/add", """{"run":"wet-fox-1"}""", withCsrf: false)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await tags.ExistsAsync(TestDashboard.Repo, "t", default)).ShouldBeFalse();

        (await _d.PostAsync("/api/tags/acme/widgets/best/delete", withCsrf: false)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _d.PostAsync("/api/tags/acme/widgets/best/delete")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await tags.ExistsAsync(TestDashboard.Repo, "best", default)).ShouldBeFalse();
        (await _d.PostAsync("/api/tags/acme/widgets/best/delete")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ASecret_IsStoredAsTheCliStoresIt_ButNoPageOrAnswerEverCarriesItsValue()
    {
        var store = new SecretStore(_d.Ctx.Storage);
        await store.PutAsync(new RepoRef("other", "repo"), new SecretRecord("HF_TOKEN", Planted + "-cli", _d.Clock.GetUtcNow(), _d.Clock.GetUtcNow()), default);
        var answers = new List<string>();

        var added = await _d.PostAsync("/api/secrets/acme/widgets/WANDB_KEY/add", JsonSerializer.Serialize(new Dictionary<string, string> { ["value"] = Planted }));
        added.StatusCode.ShouldBe(HttpStatusCode.OK);
        answers.Add(await added.Content.ReadAsStringAsync());
        var first = (await store.GetAsync(TestDashboard.Repo, "WANDB_KEY", default))!;
        first.Value.ShouldBe(Planted);

        _d.Clock.Advance(TimeSpan.FromHours(1));
        var updated = await _d.PostAsync("/api/secrets/acme/widgets/WANDB_KEY/add", JsonSerializer.Serialize(new Dictionary<string, string> { ["value"] = Planted + "-2" }));
        answers.Add(await updated.Content.ReadAsStringAsync());
        answers[^1].ShouldContain("Updated the secret WANDB_KEY");
        var second = (await store.GetAsync(TestDashboard.Repo, "WANDB_KEY", default))!;
        (second.Value, second.CreatedAt, second.UpdatedAt).ShouldBe((Planted + "-2", first.CreatedAt, _d.Clock.GetUtcNow()));

        answers.Add(await _d.GetTextAsync("/api/secrets"));
        answers.Add(await _d.GetTextAsync("/secrets"));
        answers[^2].ShouldContain("\"repo\":\"acme/widgets\",\"name\":\"WANDB_KEY\"");
        answers[^2].ShouldContain("\"repo\":\"other/repo\",\"name\":\"HF_TOKEN\"");
        answers[^1].ShouldContain("<td>WANDB_KEY</td>");
        answers[^1].ShouldContain("<td>HF_TOKEN</td>");
        foreach (var path in new[] { "/", "/tags", "/compute", "/api/runs", "/api/tags", "/api/compute" }) answers.Add(await _d.GetTextAsync(path));
        foreach (var answer in answers) answer.ShouldNotContain(Planted, Case.Insensitive);

        (await _d.PostAsync("/api/secrets/acme/widgets/BAD%20NAME/add", """{"value":"x"}""")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _d.PostAsync("/api/secrets/acme/widgets/NO_VALUE/add", "{}")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _d.PostAsync("/api/secrets/..%2F..%2Fx/widgets/A/add", """{"value":"x"}""")).StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        (await _d.PostAsync("/api/secrets/acme/widgets/WANDB_KEY/delete", withCsrf: false)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _d.PostAsync("/api/secrets/acme/widgets/WANDB_KEY/delete")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await store.GetAsync(TestDashboard.Repo, "WANDB_KEY", default)).ShouldBeNull();
    }
}
