using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>
/// The Tags, Secrets and Compute pages' plain JavaScript (no build step). Every action asks first, then POSTs JSON with
/// the session's CSRF token (<c>csrf</c>, from <see cref="DashboardScripts.Common"/>); values go in with <c>textContent</c>.
/// </summary>
public static class PagesScripts
{
    /// <summary>
    /// <c>action(kind, repo, name, verb)</c>: <c>/api/{kind}/{owner}/{repo}/{name}/{verb}</c> (<see cref="PagesRoutes.MapAction"/>);
    /// <c>send(url, question, body)</c>; buttons with <c>data-post</c> and <c>data-question</c> send and reload.
    /// </summary>
    public const string Common = """
        function action(kind, repo, name, verb) { return '/api/' + kind + '/' + [...repo.split('/'), name].map(encodeURIComponent).join('/') + '/' + verb; }
        async function send(url, question, body) {
          if (!confirm(question)) return null;
          const r = await fetch(url, { method: 'POST', headers: { 'X-Dstack-Csrf': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
          const answer = await r.json().catch(() => ({}));
          document.getElementById('message').textContent = r.ok ? answer.message : (answer.error || ('HTTP ' + r.status));
          return r.ok ? answer : null;
        }
        for (const b of document.querySelectorAll('button[data-post]')) b.onclick = async () => { if (await send(b.dataset.post, b.dataset.question)) location.reload(); };
        """;

    /// <summary>The Tags page's form: tag a run of a repo.</summary>
    public const string Tags = Common + """
        document.getElementById('add').onsubmit = async (e) => {
          e.preventDefault();
          const f = e.target, repo = f.repo.value.trim(), name = f.name.value.trim(), run = f.run.value.trim();
          if (await send(action('tags', repo, name, 'add'), 'Tag the run ' + run + ' of ' + repo + ' as ' + name + '?', { run, override: f.override.checked })) location.reload();
        };
        """;

    /// <summary>The Secrets page's form: the value goes out in the POST body and is cleared from the page at once.</summary>
    public const string Secrets = Common + """
        document.getElementById('add').onsubmit = async (e) => {
          e.preventDefault();
          const f = e.target, repo = f.repo.value.trim(), name = f.name.value.trim(), value = f.value.value;
          f.value.value = '';
          if (await send(action('secrets', repo, name, 'add'), 'Set the secret ' + name + ' of ' + repo + '?', { value })) location.reload();
        };
        """;

    /// <summary>The Compute page's refresh: probes the hosts again (as <c>dstack hosts</c>) and shows the answer.</summary>
    public const string Compute = """
        document.getElementById('refresh').onclick = async () => {
          const b = document.getElementById('refresh'); b.disabled = true;
          document.getElementById('message').textContent = 'Probing…';
          const r = await fetch('/api/compute/refresh', { method: 'POST', headers: { 'X-Dstack-Csrf': csrf, 'Content-Type': 'application/json' }, body: '{}' });
          if (r.ok) location.reload(); else { b.disabled = false; document.getElementById('message').textContent = 'HTTP ' + r.status; }
        };
        """;
}
