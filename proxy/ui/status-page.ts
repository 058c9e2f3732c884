/** A stop-gap page until the React panel is served here: live sessions, refreshed every second. */
export const STATUS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sio-proxy</title>
<meta name="color-scheme" content="light dark">
<style>
body{font:13px system-ui,sans-serif;margin:1rem}
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #8884}
code{font:12px ui-monospace,monospace}
</style></head><body>
<h1>sio-proxy</h1>
<p>Target: <code id="target">…</code>. Live Engine.IO sessions (the full dashboard is coming):</p>
<table><thead><tr><th>sid</th><th>EIO</th><th>transport</th><th>state</th><th>packets c2s/s2c</th><th>bytes c2s/s2c</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
const token = new URLSearchParams(location.search).get('token');
async function refresh() {
  try {
    const r = await fetch('/api/sessions?token=' + encodeURIComponent(token));
    const { target, sessions } = await r.json();
    document.getElementById('target').textContent = target;
    const rows = document.getElementById('rows');
    rows.replaceChildren(...sessions.map((s) => {
      const tr = document.createElement('tr');
      for (const v of [s.sid, s.eio, s.transport, s.state, s.packets.c2s + ' / ' + s.packets.s2c, s.bytes.c2s + ' / ' + s.bytes.s2c]) {
        const td = document.createElement('td'); td.textContent = String(v); tr.append(td);
      }
      return tr;
    }));
  } catch {}
}
refresh(); setInterval(refresh, 1000);
</script></body></html>
`;
