using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>A secret's name and dates, never its value.</summary>
public sealed record SecretRow(string Repo, string Name, DateTimeOffset Created, DateTimeOffset Updated);
