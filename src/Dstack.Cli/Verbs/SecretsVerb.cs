using System.Text;
using Dstack.Cli.Output;
using Dstack.Core.Models;
using Dstack.Core.Secrets;

namespace Dstack.Cli.Verbs;

public static class SecretsVerb
{
    private static readonly VerbOption Yes = new(["-y", "--yes"], null, "Do not ask before overriding or deleting");

    public static readonly Verb Verb = new("secrets", "Manage the secrets every job of this repo gets as environment variables", Run)
    {
        Usage = ["secrets [list]", "secrets add [-y] NAME [VALUE | -]", "secrets update NAME [VALUE | -]", "secrets delete [-y] NAME"],
        About = "VALUE '-' reads the value from standard input, which keeps it out of your shell history; with no VALUE\n" +
                "it is asked for without echo. Values are never printed, and are masked as *** in logs.",
        Groups = Verb.OptionsGroup(Yes),
    };

    private static Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct) =>
        (args.Count == 0 ? "list" : args[0]) switch
        {
            "list" or "ls" => ListAsync(ctx, args.Skip(1).ToList(), ct),
            "add" => SetAsync(ctx, args.Skip(1).ToList(), update: false, ct),
            "update" => SetAsync(ctx, args.Skip(1).ToList(), update: true, ct),
            "delete" or "rm" => DeleteAsync(ctx, args.Skip(1).ToList(), ct),
            var other => throw UsageException.UnknownSubcommand("secrets", other, "list, add, update or delete"),
        };

    private static async Task<int> ListAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        new ArgReader(Verb, args, "list").Positionals(0);
        var table = new Table("NAME", "CREATED", "UPDATED");
        var now = ctx.Time.GetUtcNow();
        foreach (var secret in await new SecretStore(ctx.Storage).ListAsync(ctx.Repo.Repo, ct))
            table.Add(secret.Name, RelativeTime.Format(secret.CreatedAt, now), RelativeTime.Format(secret.UpdatedAt, now));
        ctx.Out.Write(table.ToString());
        return 0;
    }

    private static async Task<int> SetAsync(CliContext ctx, IReadOnlyList<string> args, bool update, CancellationToken ct)
    {
        var verb = update ? "update" : "add";
        var reader = new ArgReader(Verb, args, verb);
        var yes = reader.Flag(Yes);
        var positionals = reader.Positionals(2);
        if (positionals.Count == 0) throw UsageException.SecretsNeedsName(verb);
        var name = SecretName.Validate(positionals[0]);
        var store = new SecretStore(ctx.Storage);
        var repo = ctx.Repo.Repo;
        var existing = await store.GetAsync(repo, name, ct);
        if (update && existing is null)
            throw SecretException.NotFoundToUpdate(name, repo);
        if (!update && existing is not null && !yes && !Prompt.Confirm(ctx, $"The secret '{name}' already exists. Override it?")) return 1;
        var value = ReadValue(ctx, positionals.Count == 2 ? positionals[1] : null);
        await PutAsync(store, repo, name, value, existing, ctx.Time, ct);
        ctx.Err.WriteLine("OK");
        return 0;
    }

    /// <summary>Stores the value, keeping when <paramref name="existing"/> was created (the dashboard's add/update too).</summary>
    public static Task PutAsync(SecretStore store, RepoRef repo, string name, string value, SecretRecord? existing, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return store.PutAsync(repo, new SecretRecord(name, value, existing?.CreatedAt ?? now, now), ct);
    }

    /// <summary>The value given, or from standard input for <c>-</c> (or when none is given and input is not a terminal), or typed without echo.</summary>
    private static string ReadValue(CliContext ctx, string? given)
    {
        if (given is not null and not "-") return given;
        if (given == "-" || Console.IsInputRedirected)
            return Console.In.ReadToEnd().TrimEnd('\n', '\r');
        ctx.Err.Write("Value: ");
        var value = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (value.Length > 0) value.Length--; }
            else value.Append(key.KeyChar);
        }
        ctx.Err.WriteLine();
        return value.ToString();
    }

    private static async Task<int> DeleteAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args, "delete");
        var yes = reader.Flag(Yes);
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0) throw UsageException.SecretsDeleteNeedsName();
        var name = SecretName.Validate(positionals[0]);
        var store = new SecretStore(ctx.Storage);
        if (await store.GetAsync(ctx.Repo.Repo, name, ct) is null)
            throw SecretException.NotFound(name, ctx.Repo.Repo);
        if (!yes && !Prompt.Confirm(ctx, $"Delete the secret '{name}'?")) return 1;
        await store.DeleteAsync(ctx.Repo.Repo, name, ct);
        ctx.Err.WriteLine("OK");
        return 0;
    }
}
