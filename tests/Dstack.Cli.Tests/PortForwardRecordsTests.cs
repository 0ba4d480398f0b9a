using System.Diagnostics;
using Dstack.Cli;
using Dstack.Cli.Verbs;
using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Cli.Tests;

public sealed class PortForwardRecordsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dstack-forwards-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Find_AForwardOfThisProcess_GivesItsPorts_UntilRemoved()
    {
        var records = new PortForwardRecords(_folder);
        var path = records.Add("o.r.run-1.0", [new ForwardedPort(8000, 40001)]);

        records.Find("o.r.run-1.0").ShouldBe([(new ForwardedPort(8000, 40001), Environment.ProcessId)]);
        records.Find("o.r.run-1.1").ShouldBeEmpty("another job of the run");
        records.Find("o.r.run-1").ShouldBeEmpty("another run whose name is a prefix");
        PortForwardRecords.Remove(path);
        records.Find("o.r.run-1.0").ShouldBeEmpty();
    }

    [Fact]
    public void Find_AForwardWhoseCliIsGone_CountsForNothing_AndIsRemoved()
    {
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, $"o.r.run-1.0.{gone.Id}.12345"), "8000 8000\n");

        new PortForwardRecords(_folder).Find("o.r.run-1.0").ShouldBeEmpty();
        Directory.GetFiles(_folder).ShouldBeEmpty();
    }

    [Fact]
    public void PsPortsLine_ShowsTheHostsUrl_AndTheLocalOneWhileForwarded_ElseHowToGetOne()
    {
        var state = new JobState { Status = JobStatus.Running, Ports = [8000], PortUrls = ["http://h1:8000"] };

        PsVerb.PortsLine(state, [(new ForwardedPort(8000, 40001), 42)], "run-1")
            .ShouldBe("Ports:  http://h1:8000 -> http://127.0.0.1:40001 (forwarded by dstack pid 42)");
        PsVerb.PortsLine(state, [], "run-1")
            .ShouldBe("Ports:  http://h1:8000 (on the host; `dstack logs -a run-1` forwards them here while it follows the run)");
    }

    [Fact]
    public void AttachedLine_NamesTheLocalUrls_AndWhereTheyComeFrom()
    {
        JobPortForwards.Line([new ForwardedPort(8000, 8000), new ForwardedPort(8001, 40001)], new PortAccess("h1", PortRoute.Forwarded), null)
            .ShouldBe("Ports: http://127.0.0.1:8000 http://127.0.0.1:40001 (forwarded from h1:8000,8001)");
    }
}
