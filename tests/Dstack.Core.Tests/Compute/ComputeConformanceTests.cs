using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute;

/// <summary>The contract of <see cref="ICompute"/>; every implementation (and every fake that stands in for one) runs it through a subclass.</summary>
public abstract class ComputeConformanceTests
{
    /// <summary>How long, in real time, a runner may take to be seen gone; only a broken compute gets near it.</summary>
    protected virtual TimeSpan Deadline => TimeSpan.FromSeconds(20);

    protected abstract ICompute Compute { get; }

    /// <summary>A target whose runner keeps running until it is killed or <see cref="EndByItselfAsync"/> ends it.</summary>
    protected abstract RunnerTarget Target(int job);

    /// <summary>Ends the runner from outside the compute, as a crash or a reboot would.</summary>
    protected abstract Task EndByItselfAsync(LaunchInfo launch);

    /// <summary>Polls until the compute says the runner is gone; fails after <see cref="Deadline"/>.</summary>
    private async Task WaitGoneAsync(LaunchInfo launch)
    {
        var until = DateTime.UtcNow + Deadline;
        while (await Compute.IsRunnerAliveAsync(launch, default) != false)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{Compute.Name} still says runner {launch.Handle} lives.");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Start_ReturnsALaunchOfThisCompute_WhoseRunnerLives()
    {
        var launch = await Compute.StartRunnerAsync(Target(0), default);
        try
        {
            launch.Compute.ShouldBe(Compute.Name);
            launch.Handle.ShouldNotBeNullOrWhiteSpace();
            (await Compute.IsRunnerAliveAsync(launch, default)).ShouldBe(true);
        }
        finally { await Compute.KillRunnerAsync(launch, default); }
    }

    [Fact]
    public async Task Start_Twice_GivesTwoRunners_KillingOneLeavesTheOther()
    {
        var first = await Compute.StartRunnerAsync(Target(0), default);
        var second = await Compute.StartRunnerAsync(Target(1), default);
        try
        {
            first.Handle.ShouldNotBe(second.Handle);
            await Compute.KillRunnerAsync(first, default);
            await WaitGoneAsync(first);
            (await Compute.IsRunnerAliveAsync(second, default)).ShouldBe(true);
        }
        finally { await Compute.KillRunnerAsync(second, default); }
    }

    [Fact]
    public async Task Kill_EndsTheRunner_AndAgainIsSilent()
    {
        var launch = await Compute.StartRunnerAsync(Target(0), default);
        await Compute.KillRunnerAsync(launch, default);
        await WaitGoneAsync(launch);
        await Compute.KillRunnerAsync(launch, default);
        (await Compute.IsRunnerAliveAsync(launch, default)).ShouldBe(false);
    }

    [Fact]
    public async Task RunnerEndingByItself_IsSeenGone_AndItsCleanUpIsIdempotent()
    {
        var launch = await Compute.StartRunnerAsync(Target(0), default);
        await EndByItselfAsync(launch);
        await WaitGoneAsync(launch);
        var beat = new Heartbeat(DateTimeOffset.UtcNow, 1, "another-host", JobPid: 1, JobStartTicks: 1);
        await Compute.CleanUpLostAsync(launch, beat, "owner.repo.run-1.0", default);
        await Compute.CleanUpLostAsync(launch, null, "owner.repo.run-1.0", default);
        await Compute.KillRunnerAsync(launch, default);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a handle of this compute")]
    [InlineData("999999999")]
    public async Task HandleItNeverGave_CannotTell_AndKillAndCleanUpAreSilent(string handle)
    {
        var stranger = new LaunchInfo(Compute.Name, handle, DateTimeOffset.UtcNow);
        (await Compute.IsRunnerAliveAsync(stranger, default)).ShouldNotBe(true);
        await Compute.KillRunnerAsync(stranger, default);
        await Compute.CleanUpLostAsync(stranger, null, "owner.repo.run-1.0", default);
    }

    [Fact]
    public async Task Capabilities_DescribeAtLeastOneHost_AndWhereAPortIsOpened()
    {
        var capabilities = await Compute.GetCapabilitiesAsync(default);
        capabilities.Hosts.ShouldNotBeEmpty();
        capabilities.Hosts.ShouldAllBe(h => h.Cpus > 0 && h.MemoryBytes > 0 && h.Description.Length > 0);
        capabilities.Ports.ShouldBe(Compute.Ports);
        capabilities.Ports.JobHostname.ShouldNotBeNullOrWhiteSpace();
        capabilities.Ports.Url(8123).ShouldStartWith("http://");
        capabilities.Ports.Url(8123).ShouldEndWith(":8123");
    }

    [Fact]
    public async Task Check_ARequestNoHostCanMeet_IsRefusedWithWhatThereIs_ASmallOneIsNot()
    {
        var capabilities = await Compute.GetCapabilitiesAsync(default);
        var most = capabilities.Hosts.Max(h => h.Cpus);
        var tooBig = new JobSpec { Commands = ["true"], Resources = new JobResources { Cpu = most + 1 } };

        var refusal = await Compute.CheckAsync(tooBig, default);

        refusal.ShouldNotBeNull();
        refusal.Sentence.ShouldContain($"needs {most + 1} CPUs");
        refusal.Sentence.ShouldContain($"has {most}");
        (await Compute.CheckAsync(new JobSpec { Commands = ["true"], Resources = new JobResources { Cpu = 1 } }, default)).ShouldBeNull();
    }

    [Fact]
    public async Task Check_APythonNoHostHas_IsRefusedOnThePythonProperty_NamingWhatIsInstalled()
    {
        var refusal = await Compute.CheckAsync(new JobSpec { Commands = ["true"], Python = "3.4" }, default);

        refusal.ShouldNotBeNull();
        refusal.Property.ShouldBe("python");
        refusal.Sentence.ShouldStartWith("Python 3.4 is not installed on ");
        refusal.Sentence.ShouldContain("installed: ");
    }
}
