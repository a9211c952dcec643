// Shared helpers: JSON calls with the session's CSRF token, number formatting.
window.ext = {
  csrf: () => document.querySelector('meta[name="csrf-token"]').content,
  async call(method, url, body) {
    const opts = {method, headers: {'Accept': 'application/json'}, credentials: 'same-origin'};
    if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    if (method !== 'GET') opts.headers['X-CSRF-Token'] = ext.csrf();
    const r = await fetch(url, opts);
    const data = r.headers.get('content-type', '').includes('json') ? await r.json() : await r.text();
    if (!r.ok) { const e = new Error((data && data.message) || r.statusText); e.data = data; throw e; }
    return data;
  },
  esc(s) { return String(s ?? '').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c])); },
  num(n) { return (n ?? 0).toLocaleString('zh-CN'); },
  lang: document.documentElement.lang.startsWith('zh') ? 'zh' : 'en',
};
