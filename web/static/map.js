// The topology map: vis-network with server-computed coordinates and physics off.
// window.__map = {network, nodes, edges, firstDraw} for tests and the benchmark.
(function () {
  const L = (zh, en) => (ext.lang === 'zh' ? zh : en);
  const CLS = {isolated: L('已断开', 'isolated'), 'single-path': L('单路径', 'single path'),
    'same-carrier-redundant': L('同运营商冗余', 'same-carrier redundant'), 'dual-carrier': L('双运营商', 'dual carrier'),
    'dual-carrier-room-diverse': L('双运营商+异机房', 'dual carrier, room-diverse')};
  const CARRIER = {unicom: L('联通', 'Unicom'), telecom: L('电信', 'Telecom')};
  const SOURCE = {declared: L('台账登记', 'declared'), lldp: L('LLDP 发现（未登记）', 'LLDP (not declared)'),
    subnet: L('同网段发现（未登记）', 'shared subnet (not declared)'), manual: L('手工', 'manual')};
  const ROLE = {primary: L('主用', 'primary'), backup: L('备用', 'backup'), uplink: L('上联', 'uplink'), internal: L('内部', 'internal')};

  function create(container, data, opts) {
    opts = opts || {};
    const physics = !!opts.physics;
    const nodesIn = data.nodes.map(n => physics ? Object.assign({}, n, {x: undefined, y: undefined}) : n);
    const nodes = new vis.DataSet(nodesIn);
    const edges = new vis.DataSet(data.edges);
    const options = {
      physics: physics ? {enabled: true, stabilization: {enabled: true, iterations: 1000}} : false,
      layout: {improvedLayout: false, randomSeed: 1},
      interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.nodes.length > 800,
                    multiselect: !!opts.multiselect},
      edges: {smooth: false, selectionWidth: 2},
      nodes: {font: {face: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif'}},
    };
    const network = new vis.Network(container, {nodes, edges}, options);
    const state = {network, nodes, edges, firstDraw: null, level: data.level};
    network.once('afterDrawing', () => { state.firstDraw = performance.now(); });
    window.__map = state;
    return state;
  }

  function panel(info) {
    const rows = [];
    const kv = (k, v) => rows.push(`<dt>${ext.esc(k)}</dt><dd>${v}</dd>`);
    if (info.kind === 'unit') {
      kv(L('单位', 'Unit'), `${ext.esc(info.name)} (${ext.esc(info.code)})`);
      kv(L('保护等级', 'Protection'), `<span class="badge cls-${info.cls}">${CLS[info.cls] || info.cls}</span>`);
      kv(L('终端数', 'Terminals'), ext.num(info.terminals));
      kv(L('主用机房', 'Primary room'), ext.esc(info.primary_room || '—'));
      kv(L('线路', 'Circuits'), info.access.map(a => `<span class="${a.carrier || ''}">${ext.esc(a.circuit)}</span> ${CARRIER[a.carrier] || L('自建', 'own')} ${ROLE[a.role] || a.role} ${a.bandwidth_mbps}M → ${ext.esc(a.far_room || a.far_device)}`).join('<br>') || '—');
      kv(L('共同风险点', 'Shared risks'), info.shared_risks.map(ext.esc).join('<br>') || L('无', 'none'));
    } else if (info.kind === 'room') {
      kv(L('机房', 'Room'), `${ext.esc(info.name)} (${ext.esc(info.code)})${info.is_core ? L('（核心）', ' (core)') : ''}`);
      kv(L('单位', 'Units'), info.units); kv(L('终端数', 'Terminals'), ext.num(info.terminals));
      kv(L('设备', 'Devices'), info.devices.map(d => `<a href="/devices/${encodeURIComponent(d)}">${ext.esc(d)}</a>`).join('<br>'));
      if (info.spof_terminals) kv('⚠', L(`单点故障：故障将中断 ${ext.num(info.spof_terminals)} 个终端`, `SPOF: failure cuts ${ext.num(info.spof_terminals)} terminals`));
    } else {
      kv(L('名称', 'Name'), ext.esc(info.name)); kv(L('角色', 'Role'), ext.esc(info.role || '—'));
      kv(L('平台', 'Platform'), ext.esc(info.platform || '—'));
      kv(L('机房/单位', 'Room/unit'), ext.esc(info.room || info.unit || '—'));
      if (info.terminals) kv(L('终端数', 'Terminals'), ext.num(info.terminals));
      if (info.edges) kv(L('线路', 'Circuits'), info.edges.map(e => `<span class="${e.carrier || ''}">${ext.esc(e.circuit)}</span> ${ROLE[e.role] || e.role} → ${ext.esc(e.to.split(':').pop())}`).join('<br>'));
      if (info.spof_terminals) kv('⚠', L(`单点故障：故障将中断 ${ext.num(info.spof_terminals)} 个终端`, `SPOF: failure cuts ${ext.num(info.spof_terminals)} terminals`));
    }
    const link = info.href ? `<p><a href="${info.href}">${L('打开详情页', 'Open page')} →</a></p>` : '';
    return `<h2>${ext.esc(info.name || info.code)}</h2><dl class="kv">${rows.join('')}</dl>${link}`;
  }

  function edgePanel(e) {
    const rows = [[L('线路', 'Circuit'), ext.esc(e.id)], [L('运营商', 'Carrier'), CARRIER[e.carrier] || L('自建', 'own')],
      [L('角色', 'Role'), ROLE[e.role] || e.role], [L('带宽', 'Bandwidth'), `${e.bandwidth} Mbps`],
      [L('共享风险组', 'Shared-risk group'), ext.esc(e.srlg || '—')],
      [L('依据', 'Evidence'), SOURCE[e.source] || ext.esc(e.source)],
      [L('两端', 'Ends'), `${ext.esc(e.from)}<br>${ext.esc(e.to)}`]];
    if (e.spof) rows.push(['⚠', L('单点故障：此线路故障将中断终端', 'SPOF: its failure cuts terminals')]);
    return `<h2>${ext.esc(e.id)}</h2><dl class="kv">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  }

  function wireSearch(state, input, list) {
    const all = state.nodes.get();
    list.innerHTML = all.map(n => `<option value="${ext.esc(n.name)}">${ext.esc(n.id)}</option>`).join('');
    let last = '';
    const go = async () => {
      const q = input.value.trim().toLowerCase();
      // Enter fires both keydown and change: answer each query once.
      if (!q || q === last) return;
      last = q;
      const hit = all.find(n => n.name.toLowerCase() === q || n.id.toLowerCase() === q)
        || all.find(n => n.name.toLowerCase().includes(q) || n.id.toLowerCase().includes(q));
      if (!hit) {
        // Not drawn at this level: a device hostname opens the device level focused on it.
        if (state.level !== 'devices') {
          try {
            const info = await ext.call('GET', '/ui/api/node?id=' + encodeURIComponent('device:' + input.value.trim()));
            location.href = '/map?level=devices&focus=' + encodeURIComponent('device:' + info.code); return;
          } catch (e) { /* not a device either */ }
        }
        input.classList.add('error'); last = ''; return;
      }
      input.classList.remove('error');
      state.network.selectNodes([hit.id]);
      state.network.focus(hit.id, {scale: 1.2, animation: false});
      state.network.emit('click', {nodes: [hit.id], edges: []});
    };
    input.addEventListener('input', () => { last = ''; });
    input.addEventListener('change', go);
    input.addEventListener('keydown', e => { if (e.key === 'Enter') go(); });
  }

  function page() {
    const el = document.getElementById('map');
    const data = JSON.parse(document.getElementById('mapdata').textContent);
    const state = create(el, data, {physics: el.dataset.physics === '1'});
    const side = document.getElementById('side');
    const status = document.getElementById('status');
    state.network.on('click', async (p) => {
      if (!p.nodes.length && p.edges.length) { side.innerHTML = edgePanel(state.edges.get(p.edges[0])); return; }
      if (!p.nodes.length) return;
      try { side.innerHTML = panel(await ext.call('GET', '/ui/api/node?id=' + encodeURIComponent(p.nodes[0]))); }
      catch (e) { side.innerHTML = `<p class="error">${ext.esc(e.message)}</p>`; }
    });
    wireSearch(state, document.getElementById('search'), document.getElementById('search-list'));
    // Drill down: double-click a room or unit to open the next level focused on it.
    state.network.on('doubleClick', async (p) => {
      if (!p.nodes.length) return;
      const id = p.nodes[0];
      if (state.level === 'rooms' && id.startsWith('room:')) { location.href = '/map?level=units&focus=' + encodeURIComponent(id); return; }
      if (state.level !== 'units' || !(id.startsWith('room:') || id.startsWith('unit:'))) return;
      const info = await ext.call('GET', '/ui/api/node?id=' + encodeURIComponent(id));
      const dev = id.startsWith('room:') ? (info.devices[0] && 'device:' + info.devices[0]) : (info.access[0] && info.access[0].unit_device);
      if (dev) location.href = '/map?level=devices&focus=' + encodeURIComponent(dev);
    });
    const focus = new URLSearchParams(location.search).get('focus');
    if (focus && state.nodes.get(focus)) {
      state.network.once('afterDrawing', () => {
        state.network.selectNodes([focus]);
        state.network.focus(focus, {scale: 1.5, animation: false});
        state.network.emit('click', {nodes: [focus], edges: []});
      });
    }
    const save = document.getElementById('save-layout');
    const moved = new Set();
    if (save) {
      state.network.on('dragEnd', p => { p.nodes.forEach(id => moved.add(id)); save.disabled = moved.size === 0; });
      save.addEventListener('click', async () => {
        const pos = state.network.getPositions([...moved]);
        const body = {level: state.level, positions: Object.fromEntries(Object.entries(pos).map(([k, v]) => [k, [v.x, v.y]]))};
        try { const r = await ext.call('POST', '/ui/api/map/positions', body); status.textContent = L('布局已保存', 'Layout saved') + ` (${r.saved})`; status.className = 'ok'; moved.clear(); save.disabled = true; }
        catch (e) { status.textContent = e.message; status.className = 'error'; }
      });
      document.getElementById('reset-layout').addEventListener('click', async () => {
        await ext.call('DELETE', '/ui/api/map/positions?level=' + state.level); location.reload();
      });
    }
  }
  window.ExtMap = {create, page, panel};
})();
