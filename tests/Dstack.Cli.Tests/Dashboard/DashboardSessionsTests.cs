using Dstack.Dashboard;

namespace Dstack.Cli.Tests.Dashboard;

public class DashboardSessionsTests
{
    [Fact]
    public void OnlyThePrintedToken_OpensASession_WithItsOwnCsrfToken()
    {
        var sessions = new DashboardSessions();
        sessions.IsToken(sessions.Token).ShouldBeTrue();
        sessions.IsToken(sessions.Token[..^1]).ShouldBeFalse();
        sessions.IsToken(null).ShouldBeFalse();

        var a = sessions.Open();
        var b = sessions.Open();
        a.ShouldNotBe(b);
        sessions.CsrfOf(a).ShouldNotBeNull();
        sessions.IsCsrf(a, sessions.CsrfOf(a)).ShouldBeTrue();
        sessions.IsCsrf(a, sessions.CsrfOf(b)).ShouldBeFalse("one session's CSRF token is no good for another");
        sessions.CsrfOf("made-up").ShouldBeNull();
        sessions.IsCsrf("made-up", "").ShouldBeFalse();
    }

    [Fact]
    public void EveryDashboard_HasItsOwnRandomToken()
    {
        new DashboardSessions().Token.ShouldNotBe(new DashboardSessions().Token);
        new DashboardSessions().Token.Length.ShouldBeGreaterThanOrEqualTo(32);
    }
}
