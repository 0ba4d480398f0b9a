namespace Dstack.Core.Models;

/// <summary>A secret of a repo. Lives only in the secret store; specs, run records and logs carry names at most.</summary>
public sealed record SecretRecord(string Name, string Value, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
