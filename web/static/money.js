// Money charts (Chart.js, vendored). Data comes embedded in the page.
window.ExtMoney = {
  draw(view) {
    const d = JSON.parse(document.getElementById('chartdata').textContent);
    const L = (zh, en) => (ext.lang === 'zh' ? zh : en);
    const colours = ['#d0021b', '#1565c0', '#8d8d8d', '#ffb300'];
    Chart.defaults.font.family = '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
    Chart.defaults.animation = false;
    window.__charts = [];
    const series = view === 'cash' ? d.cash : d.accrual;
    window.__charts.push(new Chart(document.getElementById('chart-ledger'), {type: 'bar',
      data: {labels: d.years, datasets: d.carriers.map((c, i) => ({label: c, data: series[i], backgroundColor: colours[i % 4]}))},
      options: {maintainAspectRatio: false, scales: {x: {stacked: true}, y: {stacked: true, title: {display: true, text: '万元'}}},
        plugins: {title: {display: true, text: view === 'cash' ? L('按支付年度（万元）', 'By paid year (万元)') : L('按服务年度（万元）', 'By service year (万元)')}}}}));
    window.__charts.push(new Chart(document.getElementById('chart-units'), {type: 'bar',
      data: {labels: d.units.labels, datasets: [{label: L('单位费用（万元）', 'Unit cost (万元)'), data: d.units.values, backgroundColor: '#0d3b66'}]},
      options: {indexAxis: 'y', maintainAspectRatio: false, plugins: {legend: {display: false}, title: {display: true, text: L('费用最高的 20 个单位（万元）', 'Top 20 units by cost (万元)')}}}}));
    window.__charts.push(new Chart(document.getElementById('chart-backup'), {type: 'bar',
      data: {labels: d.backup.labels, datasets: [
        {label: L('电信费用（万元）', 'Telecom fee (万元)'), data: d.backup.fee, backgroundColor: '#1565c0', yAxisID: 'y'},
        {label: L('受保护单位', 'Protected units'), data: d.backup.protected, type: 'line', borderColor: '#1b5e20', yAxisID: 'y1'},
        {label: L('切换次数', 'Failovers'), data: d.backup.failovers, type: 'line', borderColor: '#ff6d00', yAxisID: 'y1'}]},
      options: {maintainAspectRatio: false, scales: {y: {position: 'left', title: {display: true, text: '万元'}}, y1: {position: 'right', grid: {drawOnChartArea: false}}}}}));
  },
};
