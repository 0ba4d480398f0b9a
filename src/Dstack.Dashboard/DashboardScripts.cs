using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>
/// The pages' plain JavaScript (no build step). It puts values in with <c>textContent</c>; the one HTML it inserts is the
/// log's, which the server built with every character encoded (<see cref="AnsiHtml"/>).
/// </summary>
public static class DashboardScripts
{
    /// <summary>On every page: <c>act(url, question)</c> asks, then POSTs with the session's CSRF token.</summary>
    public const string Common = """
        const csrf = document.querySelector('meta[name=csrf-token]').content;
        function el(tag, text, href) { const e = document.createElement(tag); if (href) { const a = document.createElement('a'); a.href = href; a.textContent = text; e.appendChild(a); } else e.textContent = text ?? ''; return e; }
        async function act(url, question) {
          if (!confirm(question)) return null;
          const r = await fetch(url, { method: 'POST', headers: { 'X-Dstack-Csrf': csrf, 'Content-Type': 'application/json' }, body: '{}' });
          const body = await r.json().catch(() => ({}));
          document.getElementById('message').textContent = r.ok ? body.message : (body.error || ('HTTP ' + r.status));
          return r.ok ? body : null;
        }
        """;

    /// <summary>The Runs page: the table is refreshed from <c>/api/runs</c> with the same filters every 2 s.</summary>
    public const string Runs = """
        async function refresh() {
          try {
            const r = await fetch('/api/runs' + location.search, { cache: 'no-store' });
            if (!r.ok) return;
            const page = await r.json();
            const body = document.createElement('tbody'); body.id = 'runs';
            for (const run of page.runs) {
              const tr = document.createElement('tr');
              tr.appendChild(el('td', run.run, '/runs/' + run.repo.split('/').map(encodeURIComponent).join('/') + '/' + encodeURIComponent(run.run)));
              for (const v of [run.repo, run.workflow ?? run.provider, new Date(run.submitted).toLocaleString(), run.user, run.status, run.reason]) tr.appendChild(el('td', v));
              tr.dataset.run = run.run;
              body.appendChild(tr);
            }
            document.getElementById('runs').replaceWith(body);
            document.getElementById('total').textContent = page.total;
          } finally { setTimeout(refresh, 2000); }
        }
        setTimeout(refresh, 2000);
        """;

    /// <summary>
    /// The Run page: its status every second from the run's API; its log opened at the end (<c>/log</c>), then followed
    /// (<c>?after=</c>, every 250 ms, at once while <c>more</c>), older lines paged in on demand (<c>?before=</c>); a position is
    /// a chunk and an entry in it (<see cref="LogWindowResponse"/>).
    /// </summary>
    public const string Run = """
        const api = document.getElementById('run').dataset.api;
        const log = document.getElementById('log');
        const older = document.getElementById('older');
        let job = log.dataset.job, first = -1, firstEntry = 0, last = -1, lastEntry = -1, open = null, finished = false, generation = 0;
        function pieces(list) {
          const frag = document.createDocumentFragment(); let line = null;
          for (const p of list) { if (!line) { line = document.createElement('div'); frag.appendChild(line); } line.insertAdjacentHTML('beforeend', p.html); if (p.endsLine) line = null; }
          return { frag, open: line };
        }
        function appendPieces(list) {
          if (list.length === 0) return;
          const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
          let rest = list;
          if (open) { while (rest.length > 0) { const p = rest[0]; rest = rest.slice(1); open.insertAdjacentHTML('beforeend', p.html); if (p.endsLine) { open = null; break; } } }
          const built = pieces(rest); log.appendChild(built.frag); if (rest.length > 0) open = built.open;
          if (atEnd) log.scrollTop = log.scrollHeight;
        }
        async function loadLog(query) {
          const r = await fetch(api + '/log?job=' + encodeURIComponent(job) + query, { cache: 'no-store' });
          return r.ok ? r.json() : null;
        }
        async function openLog() {
          const mine = ++generation; log.textContent = ''; open = null; first = last = lastEntry = -1; firstEntry = 0;
          const w = await loadLog('');
          if (w && mine === generation) { appendPieces(w.pieces); first = w.first; firstEntry = w.firstEntry; last = w.last; lastEntry = w.lastEntry; older.hidden = !w.older; log.scrollTop = log.scrollHeight; }
          follow(mine);
        }
        async function follow(mine) {
          let wait = 250;
          try {
            const wasFinished = finished;
            const w = await loadLog('&after=' + last + (lastEntry >= 0 ? '&entry=' + lastEntry : ''));
            if (mine !== generation) return;
            if (w) { appendPieces(w.pieces); if (w.last >= 0) { last = w.last; lastEntry = w.lastEntry; if (first < 0) { first = w.first; firstEntry = w.firstEntry; older.hidden = !w.older; } } if (w.more) wait = 0; else if (wasFinished) return; }
          } catch (e) { }
          if (mine === generation) setTimeout(() => follow(mine), wait);
        }
        older.onclick = async () => {
          const w = await loadLog('&before=' + first + '&entry=' + firstEntry);
          if (!w) return;
          const height = log.scrollHeight;
          const built = pieces(w.pieces);
          if (built.open && log.firstChild) { built.open.insertAdjacentHTML('beforeend', log.firstChild.innerHTML); log.firstChild.remove(); }
          log.insertBefore(built.frag, log.firstChild);
          log.scrollTop += log.scrollHeight - height;
          if (w.first >= 0) { first = w.first; firstEntry = w.firstEntry; } older.hidden = !w.older;
        };
        async function status() {
          try {
            const r = await fetch(api, { cache: 'no-store' });
            if (r.ok) {
              const d = await r.json();
              document.getElementById('status').textContent = d.run.status;
              document.getElementById('reason').textContent = d.run.reason;
              const body = document.createElement('tbody'); body.id = 'jobs';
              for (const j of d.jobs) { const tr = document.createElement('tr'); for (const v of [j.index, j.where, j.status, j.reason, j.ports.join(' ')]) tr.appendChild(el('td', String(v))); body.appendChild(tr); }
              document.getElementById('jobs').replaceWith(body);
              finished = d.run.finished;
            }
          } finally { if (!finished) setTimeout(status, 1000); }
        }
        const select = document.getElementById('job');
        if (select) select.onchange = () => { job = select.value; openLog(); };
        const run = document.getElementById('run').textContent;
        const questions = { stop: 'Stop the run ' + run + '?', abort: 'Abort the run ' + run + ' (kill at once)?', restart: 'Run ' + run + ' again under a new name?', rm: 'Delete the run ' + run + ' with its logs?' };
        for (const b of document.querySelectorAll('button[data-action]')) b.onclick = async () => {
          const done = await act(api + '/' + b.dataset.action, questions[b.dataset.action]);
          if (!done) return;
          if (b.dataset.action === 'restart' && done.url) location.href = done.url;
          else if (b.dataset.action === 'rm') location.href = '/';
          else if (finished) { finished = false; status(); }
        };
        status(); openLog();
        """;
}
