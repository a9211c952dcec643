// Failure simulator: build a FailureSpec, run it, paint the impact on the map and in tables.
(function () {
  const L = (zh, en) => (ext.lang === 'zh' ? zh : en);
  const spec = {rooms: [], carriers: [], srlgs: [], devices: [], links: []};
  const data = JSON.parse(document.getElementById('mapdata').textContent);
  const state = ExtMap.create(document.getElementById('map'), data, {});
  const original = new Map(state.nodes.get().map(n => [n.id, {color: n.color, borderWidth: n.borderWidth}]));
  const originalEdges = new Map(state.edges.get().map(e => [e.id, {color: e.color, width: e.width}]));
  const KINDNAME = {rooms: L('机房', 'room'), carriers: L('运营商', 'carrier'), srlgs: L('共享风险组', 'SRLG'), devices: L('设备', 'device'), links: L('线路', 'link')};

  function renderSelected() {
    const ul = document.getElementById('selected');
    const items = [];
    for (const [k, vs] of Object.entries(spec)) vs.forEach(v => items.push(`<li>${KINDNAME[k]}：${ext.esc(v)} <a href="#" data-k="${k}" data-v="${ext.esc(v)}" class="rm">×</a></li>`));
    ul.innerHTML = items.join('') || `<li class="muted">${L('未选择', 'nothing yet')}</li>`;
  }
  function add(kind, value) {
    value = (value || '').trim();
    if (value && !spec[kind].includes(value)) spec[kind].push(value);
    renderSelected();
  }
  document.querySelectorAll('button.add').forEach(b => b.addEventListener('click', () => {
    const input = document.getElementById('pick-' + b.dataset.kind); add(b.dataset.kind, input.value); input.value = '';
  }));
  document.querySelectorAll('input[data-kind]').forEach(i => i.addEventListener('keydown', e => {
    if (e.key === 'Enter') { add(i.dataset.kind, i.value); i.value = ''; }
  }));
  document.getElementById('selected').addEventListener('click', e => {
    if (!e.target.classList.contains('rm')) return;
    e.preventDefault(); const k = e.target.dataset.k; spec[k] = spec[k].filter(v => v !== e.target.dataset.v); renderSelected();
  });
  document.getElementById('clear').addEventListener('click', () => { Object.keys(spec).forEach(k => spec[k] = []); renderSelected(); paint(null); document.getElementById('impact').innerHTML = ''; });
  // Clicking the map picks: a room node → the room; a device node → the device; an edge → the circuit.
  state.network.on('click', p => {
    if (p.nodes.length) {
      const id = p.nodes[0]; const [kind, name] = [id.split(':')[0], id.slice(id.indexOf(':') + 1)];
      if (kind === 'room') add('rooms', name); else if (kind === 'device') add('devices', name);
    } else if (p.edges.length) add('links', p.edges[0]);
  });

  function paint(r) {
    state.nodes.update([...original].map(([id, o]) => ({id, color: o.color, borderWidth: o.borderWidth})));
    state.edges.update([...originalEdges].map(([id, o]) => ({id, color: o.color, width: o.width})));
    if (!r) return;
    const upd = [];
    r.units_cut.forEach(u => upd.push({id: 'unit:' + u.unit, color: {background: '#000000', border: '#000000'}, borderWidth: 1}));
    r.units_degraded.forEach(u => upd.push({id: 'unit:' + u.unit, color: {background: '#757575', border: '#000000'}, borderWidth: 2}));
    r.units_failover.forEach(u => upd.push({id: 'unit:' + u.unit, color: {background: '#90caf9', border: '#0d47a1'}, borderWidth: 1}));
    state.nodes.update(upd.filter(x => state.nodes.get(x.id)));
    const dead = new Set(r.failed_links);
    state.edges.update(state.edges.get().filter(e => dead.has(e.id)).map(e => ({id: e.id, color: {color: '#000000'}, width: 3})));
    // Backup circuits that would carry more than their bandwidth: thick orange.
    state.edges.update(r.overloaded.filter(o => state.edges.get(o.circuit)).map(o => ({id: o.circuit, color: {color: '#ff6d00'}, width: 6})));
  }

  function table(title, rows, cols) {
    if (!rows.length) return `<h3>${title}：0</h3>`;
    return `<h3>${title}：${rows.length}</h3><table class="impact-table"><tr>${cols.map(c => `<th>${c[0]}</th>`).join('')}</tr>` +
      rows.map(r => `<tr>${cols.map(c => `<td>${c[1](r)}</td>`).join('')}</tr>`).join('') + '</table>';
  }
  function showImpact(r) {
    const unit = u => `<a href="/units/${encodeURIComponent(u.unit)}">${ext.esc(u.name)}</a> (${ext.esc(u.unit)})`;
    document.getElementById('impact').innerHTML =
      `<h2>${L('影响', 'Impact')}</h2><p id="impact-summary"><strong>${L('中断终端', 'Terminals lost')}：${ext.num(r.terminals_lost)}</strong>；` +
      `${L('中断单位', 'units cut')} ${r.units_cut.length}；${L('部分中断', 'partly cut')} ${r.units_degraded.length}；` +
      `${L('切换备用', 'on backup')} ${r.units_failover.length}（${ext.num(r.terminals_failover)} ${L('终端', 'terminals')}）；` +
      `${L('过载备用线路', 'overloaded backups')} ${r.overloaded.length}；${L('失效线路', 'failed circuits')} ${r.failed_links.length}，${L('失效设备', 'failed devices')} ${r.failed_devices.length}</p>` +
      table(L('中断单位', 'Units cut off'), r.units_cut, [[L('单位', 'Unit'), unit], [L('中断终端', 'Terminals lost'), u => ext.num(u.terminals)]]) +
      table(L('部分中断单位', 'Units partly cut'), r.units_degraded, [[L('单位', 'Unit'), unit], [L('中断终端', 'Terminals lost'), u => ext.num(u.terminals)]]) +
      table(L('切换到备用线路的单位', 'Units on backup'), r.units_failover, [[L('单位', 'Unit'), unit], [L('终端', 'Terminals'), u => ext.num(u.terminals)], [L('经由', 'Via'), u => u.via.map(ext.esc).join('、')]]) +
      table(L('过载的备用线路', 'Overloaded backups'), r.overloaded, [[L('线路', 'Circuit'), o => ext.esc(o.circuit)], [L('带宽', 'Bandwidth'), o => o.bandwidth_mbps + ' Mbps'], [L('需求', 'Demand'), o => o.demand_mbps.toFixed(1) + ' Mbps'], [L('单位', 'Units'), o => o.units.length]]);
  }
  async function run() {
    const err = document.getElementById('sim-error'); err.textContent = '';
    try { const r = await ext.call('POST', '/ui/api/simulate', spec); window.__lastResult = r; showImpact(r); paint(r); }
    catch (e) { err.textContent = e.message; }
  }
  document.getElementById('run').addEventListener('click', run);
  const KIND_OF = {room: 'rooms', device: 'devices', 'unit-device': 'devices', link: 'links', srlg: 'srlgs', carrier: 'carriers'};
  document.querySelectorAll('button.try').forEach(b => b.addEventListener('click', () => {
    Object.keys(spec).forEach(k => spec[k] = []); add(KIND_OF[b.dataset.kind], b.dataset.element); run();
  }));
  const save = document.getElementById('save');
  if (save) save.addEventListener('click', async () => {
    const st = document.getElementById('save-status');
    try { const r = await ext.call('POST', '/ui/api/scenarios', {name: document.getElementById('scenario-name').value, fail: spec});
      st.textContent = L('已保存：', 'Saved: ') + r.name; st.className = 'ok'; }
    catch (e) { st.textContent = e.message; st.className = 'error'; }
  });
  document.getElementById('scenarios').addEventListener('click', async e => {
    if (!e.target.classList.contains('compare')) return;
    const out = document.getElementById('compare-out');
    try { const c = await ext.call('GET', `/ui/api/scenarios/${encodeURIComponent(e.target.dataset.name)}/compare`);
      out.innerHTML = `<p>${L('保存时中断终端', 'Terminals lost when saved')}：${ext.num(c.saved.terminals_lost)}；${L('现在', 'now')}：${ext.num(c.now.terminals_lost)}（${c.terminals_lost_delta >= 0 ? '+' : ''}${c.terminals_lost_delta}）<br>` +
        `${L('新增中断', 'newly cut')}：${c.newly_cut.map(ext.esc).join('、') || L('无', 'none')}；${L('不再中断', 'no longer cut')}：${c.no_longer_cut.map(ext.esc).join('、') || L('无', 'none')}</p>`;
      showImpact(c.now); paint(c.now); }
    catch (err) { out.textContent = err.message; }
  });
  renderSelected();
  window.__sim = {spec, run};
})();
