using System.Diagnostics;
using Dstack.Core.Git;

namespace Dstack.Core.Tests.Git;

/// <summary>The origin URL and user name read from git's config files agree with what git itself says, or defer to git.</summary>
public sealed class GitConfigFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dstack-gitconfig-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly Dictionary<string, string> _env = new(StringComparer.Ordinal);

    public GitConfigFilesTests()
    {
        Directory.CreateDirectory(Repo);
        Directory.CreateDirectory(Home);
        _env["HOME"] = Home;
        _env["GIT_CONFIG_NOSYSTEM"] = "1";
        Git("init", "-q");
    }

    private string Repo => Path.Combine(_root, "repo");
    private string Home => Path.Combine(_root, "home");

    private GitConfigFiles.Values? Read() => GitConfigFiles.TryRead(Repo, name => _env.GetValueOrDefault(name));

    [Fact]
    public void TheRepoWins_OverTheGlobalFiles_AsInGit()
    {
        Directory.CreateDirectory(Path.Combine(Home, ".config", "git"));
        File.WriteAllText(Path.Combine(Home, ".config", "git", "config"), "[user]\n\tname = Xdg\n");
        File.WriteAllText(Path.Combine(Home, ".gitconfig"), "[User]\n\tname = Global # a comment\n");
        Read().ShouldBe(new GitConfigFiles.Values(null, "Global"));
        Git("config", "user.name").ShouldBe("Global");

        Git("config", "user.name", "Ada");
        Git("remote", "add", "origin", "git@github.com:acme/widgets.git");

        Read().ShouldBe(new GitConfigFiles.Values(Git("config", "remote.origin.url"), Git("config", "user.name")));
        Read()!.UserName.ShouldBe("Ada");
    }

    [Fact]
    public void NoUserAnywhere_GivesNone()
    {
        Read().ShouldBe(new GitConfigFiles.Values(null, null));
    }

    [Theory]
    [InlineData("[include]\n\tpath = other\n")]
    [InlineData("[includeIf \"gitdir:~/work/\"]\n\tpath = other\n")]
    [InlineData("[user]\n\tname = \"Ada \\\"the\\\" first\"\n")]
    [InlineData("[user]\n\tname = Ada \\\n Lovelace\n")]
    public void WhatItDoesNotReadPlainly_DefersToGit(string global)
    {
        File.WriteAllText(Path.Combine(Home, ".gitconfig"), global);
        Read().ShouldBeNull();
    }

    [Theory]
    [InlineData("GIT_CONFIG_GLOBAL")]
    [InlineData("GIT_CONFIG_COUNT")]
    [InlineData("GIT_DIR")]
    public void AVariableThatMovesGitsConfig_DefersToGit(string variable)
    {
        _env[variable] = "1";
        Read().ShouldBeNull();
    }

    private string Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("XDG_CONFIG_HOME");
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
