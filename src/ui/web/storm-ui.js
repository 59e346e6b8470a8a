// storm-ui's pages: each polls the REST API (/api/v1/...) and renders it.
// Vanilla JS, no libraries; every value from the API is inserted as text.
'use strict';

const Ui = {
  param(name) { return new URLSearchParams(window.location.search).get(name) || ''; },

  async api(path, options) {
    const response = await fetch(path, options);
    const body = await response.json();
    if (!response.ok) {
      throw new Error((body && body.errorMessage) || (response.status + ' ' + response.statusText));
    }
    return body;
  },

  showError(error) {
    const banner = document.getElementById('error');
    banner.textContent = error ? String(error.message || error) : '';
    banner.classList.toggle('hidden', !error);
  },

  el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  },

  link(text, href) { return Ui.el('a', {href: href, text: String(text)}); },

  // columns: [[header, row => value or Node, className?], ...]
  table(containerId, columns, rows) {
    const head = Ui.el('tr', {}, columns.map(c => Ui.el('th', {text: c[0]})));
    const body = rows.map(row => Ui.el('tr', {}, columns.map(c => {
      const value = c[1](row);
      const cell = Ui.el('td', typeof value === 'number' ? {class: 'num'} : {});
      if (c[2]) cell.classList.add(...c[2](row).split(' ').filter(Boolean));
      cell.append(value instanceof Node ? value : String(value === null || value === undefined ? '' : value));
      return cell;
    })));
    const table = Ui.el('table', {}, [Ui.el('thead', {}, [head]), Ui.el('tbody', {}, body)]);
    document.getElementById(containerId).replaceChildren(table);
  },

  // Key/value pairs as a one-row table.
  summary(containerId, pairs) {
    Ui.table(containerId, pairs.map(p => [p[0], () => p[1]]), [{}]);
  },

  capacityClass(capacity) {
    const c = parseFloat(capacity) || 0;
    return c >= 0.8 ? 'cap-high' : c >= 0.5 ? 'cap-mid' : 'cap-low';
  },

  errorCell(row) {
    if (!row.lastError) return '';
    const a = Ui.link(row.lastError, row.errorWorkerLogLink);
    a.setAttribute('class', 'last-error');
    a.setAttribute('title', row.lastError + ' (' + row.errorLapsedSecs + 's ago on ' +
                   row.errorHost + ':' + row.errorPort + ')');
    return a;
  },

  // Runs `render` now and every `seconds`, showing failures in the banner.
  poll(render, seconds) {
    const run = async () => {
      try {
        await render();
        Ui.showError(null);
      } catch (error) {
        Ui.showError(error);
      }
    };
    run();
    window.setInterval(run, seconds * 1000);
  },
};

// ---- index.html: the cluster.
async function renderIndex() {
  const [cluster, nimbus, topologies, supervisors] = await Promise.all([
    Ui.api('/api/v1/cluster/summary'), Ui.api('/api/v1/nimbus/summary'),
    Ui.api('/api/v1/topology/summary'), Ui.api('/api/v1/supervisor/summary')]);
  Ui.summary('cluster-summary', [
    ['Version', cluster.stormVersion], ['Supervisors', cluster.supervisors],
    ['Used slots', cluster.slotsUsed], ['Free slots', cluster.slotsFree],
    ['Total slots', cluster.slotsTotal], ['Executors', cluster.executorsTotal],
    ['Tasks', cluster.tasksTotal]]);
  Ui.table('nimbus-summary', [
    ['Host', n => n.host], ['Port', n => n.port], ['Status', n => n.status],
    ['Version', n => n.version], ['Uptime', n => n.nimbusUpTime]], nimbus.nimbuses);
  Ui.table('topology-summary', [
    ['Name', t => Ui.link(t.name, 'topology.html?id=' + encodeURIComponent(t.id))],
    ['Id', t => t.id], ['Status', t => t.status], ['Uptime', t => t.uptime],
    ['Num workers', t => t.workersTotal], ['Num executors', t => t.executorsTotal],
    ['Num tasks', t => t.tasksTotal]], topologies.topologies);
  Ui.table('supervisor-summary', [
    ['Id', s => Ui.link(s.id, 'supervisor.html?id=' + encodeURIComponent(s.id))],
    ['Host', s => s.host], ['Uptime', s => s.uptime], ['Slots', s => s.slotsTotal],
    ['Used slots', s => s.slotsUsed]], supervisors.supervisors);
}

// ---- topology.html?id=: one topology, its DAG, a chart and actions.
const samples = [];  // {time, emitted, acked, failed, latency}: polled by this page
const kHistoryPoints = 60;

function recordHistory(topology) {
  const all = topology.topologyStats.find(s => s.window === ':all-time') || {};
  const recent = topology.topologyStats.find(s => s.window === '600') || {};
  const recentSecs = Math.min(600, Math.max(1, topology.uptimeSeconds || 1));
  samples.push({time: Date.now() / 1000, emitted: all.emitted || 0, acked: all.acked || 0,
                failed: all.failed || 0, latency: parseFloat(recent.completeLatency) || 0,
                averageAcked: (recent.acked || 0) / recentSecs});
  if (samples.length > kHistoryPoints) samples.shift();
}

function drawChart() {
  const width = 600, height = 160, pad = 30;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  // The first point, before two polls give a rate: the 10-minute average.
  const rates = samples.length ? [{acked: samples[0].averageAcked, latency: samples[0].latency}] : [];
  for (let i = 1; i < samples.length; i++) {
    const dt = Math.max(samples[i].time - samples[i - 1].time, 0.001);
    rates.push({acked: Math.max(0, samples[i].acked - samples[i - 1].acked) / dt,
                latency: samples[i].latency});
  }
  const line = (values, max, colour) => {
    if (values.length < 2) return;
    // The points so far fill the width; once there are kHistoryPoints, the
    // chart scrolls.
    const points = values.map((v, i) =>
      (pad + i * (width - 2 * pad) / (values.length - 1)).toFixed(1) + ',' +
      (height - pad - (max > 0 ? v / max : 0) * (height - 2 * pad)).toFixed(1));
    const path = document.createElementNS(ns, 'polyline');
    path.setAttribute('points', points.join(' '));
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', colour);
    svg.append(path);
  };
  for (const [x1, y1, x2, y2] of [[pad, height - pad, width - pad, height - pad],
                                  [pad, pad, pad, height - pad]]) {
    const axis = document.createElementNS(ns, 'line');
    for (const [k, v] of Object.entries({x1: x1, y1: y1, x2: x2, y2: y2, stroke: '#999'})) {
      axis.setAttribute(k, v);
    }
    svg.append(axis);
  }
  const maxRate = Math.max(1, ...rates.map(r => r.acked));
  const maxLatency = Math.max(1, ...rates.map(r => r.latency));
  line(rates.map(r => r.acked), maxRate, '#1565c0');
  line(rates.map(r => r.latency), maxLatency, '#c62828');
  const label = (text, x, y, colour) => {
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', x);
    t.setAttribute('y', y);
    t.setAttribute('fill', colour);
    t.textContent = text;
    svg.append(t);
  };
  const last = rates.length ? rates[rates.length - 1] : {acked: 0, latency: 0};
  label('acked/s: ' + last.acked.toFixed(1) + ' (max ' + maxRate.toFixed(1) + ')', pad, 14, '#1565c0');
  label('complete latency ms (10m): ' + last.latency.toFixed(3), 320, 14, '#c62828');
  const seconds = samples.length > 1 ? samples[samples.length - 1].time - samples[0].time : 0;
  label('last ' + Math.round(seconds) + ' s, one point per poll', pad, height - 10, '#555');
  document.getElementById('topology-chart').replaceChildren(svg);
}

// Each edge's tuples/s: between this poll and the last one when there was
// one, else the 10-minute average the server computed.
let lastEdges = null;  // {time, executed: {'from>stream>to': count}}

function edgeRates(graph) {
  const now = Date.now() / 1000;
  const executed = {}, rates = {};
  for (const [id, node] of Object.entries(graph)) {
    for (const input of node[':inputs'] || []) {
      const key = input[':component'] + '>' + input[':stream'] + '>' + id;
      executed[key] = input[':executed'] || 0;
      const before = lastEdges && lastEdges.executed[key];
      const dt = lastEdges ? now - lastEdges.time : 0;
      rates[key] = before !== undefined && dt > 0.5 && executed[key] >= before
          ? (executed[key] - before) / dt : input[':rate'] || 0;
    }
  }
  lastEdges = {time: now, executed: executed};
  return rates;
}

function formatRate(perSecond) {
  if (perSecond >= 1e6) return (perSecond / 1e6).toFixed(2) + 'M/s';
  if (perSecond >= 1e3) return (perSecond / 1e3).toFixed(1) + 'k/s';
  return perSecond.toFixed(perSecond >= 10 ? 0 : 1) + '/s';
}

// The DAG as layers: a component's layer is one past its deepest input.
function drawDag(graph, topologyId) {
  const rates = edgeRates(graph);
  const ids = Object.keys(graph);
  const depth = {};
  const depthOf = (id, seen) => {
    if (depth[id] !== undefined) return depth[id];
    if (seen.has(id)) return 0;  // a cycle: not in Storm, but never loop
    seen.add(id);
    const inputs = (graph[id][':inputs'] || []).filter(i => graph[i[':component']]);
    depth[id] = inputs.length ? 1 + Math.max(...inputs.map(i => depthOf(i[':component'], seen))) : 0;
    return depth[id];
  };
  ids.forEach(id => depthOf(id, new Set()));
  const layers = [];
  ids.forEach(id => { (layers[depth[id]] = layers[depth[id]] || []).push(id); });
  const pos = {};
  const boxW = 130, boxH = 44, gapX = 150, gapY = 24;
  layers.forEach((layer, x) => layer.forEach((id, y) => {
    pos[id] = {x: 20 + x * (boxW + gapX), y: 20 + y * (boxH + gapY)};
  }));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const tallest = Math.max(1, ...layers.map(l => l.length));
  svg.setAttribute('width', 40 + layers.length * (boxW + gapX));
  svg.setAttribute('height', 40 + tallest * (boxH + gapY));
  const add = (tag, attrs, text, parent) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    (parent || svg).append(node);
    return node;
  };
  const marker = add('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
                                markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse'},
                     undefined, add('defs', {}));
  add('path', {d: 'M 0 0 L 10 5 L 0 10 z', fill: '#777'}, undefined, marker);
  for (const id of ids) {
    for (const input of graph[id][':inputs'] || []) {
      const from = pos[input[':component']];
      if (!from) continue;
      const to = pos[id];
      const x1 = from.x + boxW, y1 = from.y + boxH / 2, x2 = to.x, y2 = to.y + boxH / 2;
      const key = input[':component'] + '>' + input[':stream'] + '>' + id;
      const edge = add('line', {x1: x1, y1: y1, x2: x2, y2: y2, stroke: '#777',
                                'marker-end': 'url(#arrow)'});
      edge.setAttribute('class', 'edge');
      const label = add('text', {x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 5, fill: '#444',
                                 'text-anchor': 'middle', 'font-size': '12'},
                        formatRate(rates[key]) + ' ' + input[':grouping']);
      label.setAttribute('class', 'edge-rate');
      label.setAttribute('data-stream', input[':stream']);
      const title = document.createElementNS(ns, 'title');
      title.textContent = input[':component'] + ' -> ' + id + ' on stream ' + input[':stream'] +
          ': ' + rates[key].toFixed(1) + ' tuples/s, ' + input[':executed'] + ' in all';
      edge.append(title);
    }
  }
  for (const id of ids) {
    const node = graph[id];
    const p = pos[id];
    const capacity = node[':capacity'] || 0;
    const fill = node[':type'] === 'spout' ? '#cfe3ff'
        : capacity >= 0.8 ? '#f8c0c0' : capacity >= 0.5 ? '#fff3b0' : '#d8f5d0';
    const a = document.createElementNS(ns, 'a');
    a.setAttribute('class', 'node');
    a.setAttribute('data-component', id);
    a.setAttribute('href', 'component.html?topology_id=' + encodeURIComponent(topologyId) +
                   '&id=' + encodeURIComponent(id));
    svg.append(a);
    const rect = document.createElementNS(ns, 'rect');
    for (const [k, v] of Object.entries({x: p.x, y: p.y, width: boxW, height: boxH, rx: 6,
                                          fill: fill, stroke: '#333'})) {
      rect.setAttribute(k, v);
    }
    const name = document.createElementNS(ns, 'text');
    name.setAttribute('x', p.x + 6);
    name.setAttribute('y', p.y + 16);
    name.textContent = id;
    const detail = document.createElementNS(ns, 'text');
    detail.setAttribute('x', p.x + 6);
    detail.setAttribute('y', p.y + 34);
    detail.textContent = node[':type'] === 'spout'
        ? 'latency ' + Number(node[':latency'] || 0).toFixed(1) + ' ms'
        : 'capacity ' + Number(capacity).toFixed(3);
    a.append(rect, name, detail);
  }
  document.getElementById('topology-dag').replaceChildren(svg);
}

async function topologyAction(id, name, action) {
  let path = '/api/v1/topology/' + encodeURIComponent(id) + '/' + action;
  if (action === 'debug') {
    // As Storm's UI: the percentage of emitted tuples each worker logs to
    // its events.log.
    const percent = window.prompt('Sampling percentage of the tuples of ' + name +
                                  ' to log (events.log of each worker)?', '10');
    if (percent === null) return;
    path += '/enable/' + encodeURIComponent(percent);
  } else if (action === 'stop-debug') {
    path = '/api/v1/topology/' + encodeURIComponent(id) + '/debug/disable/0';
  }
  if (action === 'kill' || action === 'rebalance') {
    const wait = window.prompt('Wait time in seconds before ' + action + ' of ' + name + '?', '30');
    if (wait === null) return;
    path += '/' + encodeURIComponent(wait);
  } else if (!window.confirm('Do you really want to ' + action + ' topology ' + name + '?')) {
    return;
  }
  if ((action === 'kill' || action === 'rebalance') &&
      !window.confirm('Do you really want to ' + action + ' topology ' + name + '?')) {
    return;
  }
  try {
    await Ui.api(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'});
    Ui.showError(null);
  } catch (error) {
    Ui.showError(error);
  }
}

function initTopology() {
  const id = Ui.param('id');
  const window_ = Ui.param('window') || ':all-time';
  const query = '?window=' + encodeURIComponent(window_) + (Ui.param('sys') ? '&sys=1' : '');
  let name = id;
  for (const action of ['activate', 'deactivate', 'rebalance', 'kill', 'debug', 'stop-debug']) {
    document.getElementById('btn-' + action)
        .addEventListener('click', () => topologyAction(id, name, action));
  }
  Ui.poll(async () => {
    if (!id) throw new Error('no topology id in the address (topology.html?id=...)');
    const base = '/api/v1/topology/' + encodeURIComponent(id);
    const [t, graph] = await Promise.all([Ui.api(base + query), Ui.api(base + '/visualization' + query)]);
    name = t.name;
    document.getElementById('page-title').textContent = t.name;
    document.getElementById('window-hint').textContent = t.windowHint;
    Ui.summary('topology-info', [
      ['Name', t.name], ['Id', t.id], ['Owner', t.owner], ['Status', t.status],
      ['Uptime', t.uptime], ['Num workers', t.workersTotal], ['Num executors', t.executorsTotal],
      ['Num tasks', t.tasksTotal], ['Message timeout (s)', t.msgTimeout],
      ['Debug', t.debug ? 'on, ' + t.samplingPct + '% sampled' : 'off']]);
    Ui.table('topology-stats', [
      ['Window', s => Ui.link(s.windowPretty, 'topology.html?id=' + encodeURIComponent(id) +
                                               '&window=' + encodeURIComponent(s.window))],
      ['Emitted', s => s.emitted], ['Transferred', s => s.transferred],
      ['Complete latency (ms)', s => s.completeLatency], ['Acked', s => s.acked],
      ['Failed', s => s.failed]], t.topologyStats);
    const componentLink = cid => Ui.link(cid, 'component.html?topology_id=' +
                                         encodeURIComponent(id) + '&id=' + encodeURIComponent(cid));
    Ui.table('spouts', [
      ['Id', s => componentLink(s.spoutId)], ['Executors', s => s.executors],
      ['Tasks', s => s.tasks], ['Emitted', s => s.emitted], ['Transferred', s => s.transferred],
      ['Complete latency (ms)', s => s.completeLatency], ['Acked', s => s.acked],
      ['Failed', s => s.failed], ['Last error', Ui.errorCell]], t.spouts);
    Ui.table('bolts', [
      ['Id', b => componentLink(b.boltId)], ['Executors', b => b.executors],
      ['Tasks', b => b.tasks], ['Emitted', b => b.emitted], ['Transferred', b => b.transferred],
      ['Capacity (last 10m)', b => b.capacity, b => Ui.capacityClass(b.capacity)],
      ['Execute latency (ms)', b => b.executeLatency], ['Executed', b => b.executed],
      ['Process latency (ms)', b => b.processLatency], ['Acked', b => b.acked],
      ['Failed', b => b.failed], ['Last error', Ui.errorCell]], t.bolts);
    Ui.table('workers', [
      ['Host', w => w.host], ['Port', w => Ui.link(w.port, w.workerLogLink)],
      ['Supervisor', w => Ui.link(w.supervisorId, 'supervisor.html?id=' + encodeURIComponent(w.supervisorId))],
      ['Uptime', w => w.uptime], ['Executors', w => w.executorsTotal],
      ['Components', w => Object.entries(w.componentNumTasks || {}).map(e => e[0] + ' (' + e[1] + ')').join(', ')]],
      t.workers);
    Ui.table('configuration', [['Key', e => e[0]], ['Value', e => JSON.stringify(e[1])]],
             Object.entries(t.configuration || {}).sort());
    drawDag(graph, id);
    recordHistory(t);
    drawChart();
  }, 5);
}

// ---- component.html?topology_id=&id=: one component's executors.
function initComponent() {
  const topologyId = Ui.param('topology_id');
  const id = Ui.param('id');
  const window_ = Ui.param('window') || ':all-time';
  Ui.poll(async () => {
    if (!topologyId || !id) throw new Error('no topology_id or id in the address');
    const c = await Ui.api('/api/v1/topology/' + encodeURIComponent(topologyId) + '/component/' +
                           encodeURIComponent(id) + '?window=' + encodeURIComponent(window_));
    document.getElementById('page-title').textContent = c.name + ' / ' + c.id;
    const spout = c.componentType === 'spout';
    Ui.summary('component-info', [
      ['Id', c.id], ['Topology', Ui.link(c.name, 'topology.html?id=' + encodeURIComponent(c.topologyId))],
      ['Type', c.componentType], ['Executors', c.executors], ['Tasks', c.tasks],
      ['Window', c.windowHint],
      ['Debug', c.debug ? 'on, ' + c.samplingPct + '% sampled' : 'off']]);
    const latency = spout ? [['Complete latency (ms)', s => s.completeLatency]]
        : [['Execute latency (ms)', s => s.executeLatency], ['Executed', s => s.executed],
           ['Process latency (ms)', s => s.processLatency]];
    Ui.table('component-stats', [['Window', s => s.windowPretty], ['Emitted', s => s.emitted],
      ['Transferred', s => s.transferred], ...latency, ['Acked', s => s.acked],
      ['Failed', s => s.failed]], spout ? c.spoutSummary : c.boltStats);
    Ui.table('input-stats', [['Component', s => s.component], ['Stream', s => s.stream],
      ['Execute latency (ms)', s => s.executeLatency], ['Executed', s => s.executed],
      ['Process latency (ms)', s => s.processLatency], ['Acked', s => s.acked],
      ['Failed', s => s.failed]], c.inputStats || []);
    Ui.table('output-stats', [['Stream', s => s.stream], ['Emitted', s => s.emitted],
      ['Transferred', s => s.transferred], ['Acked', s => s.acked], ['Failed', s => s.failed]],
      c.outputStats || []);
    const executorLatency = spout ? [['Complete latency (ms)', e => e.completeLatency]]
        : [['Capacity', e => e.capacity, e => Ui.capacityClass(e.capacity)],
           ['Execute latency (ms)', e => e.executeLatency], ['Executed', e => e.executed],
           ['Process latency (ms)', e => e.processLatency]];
    Ui.table('executor-stats', [['Id', e => e.id], ['Uptime', e => e.uptime],
      ['Host', e => e.host], ['Port', e => Ui.link(e.port, e.workerLogLink)],
      ['Emitted', e => e.emitted], ['Transferred', e => e.transferred], ...executorLatency,
      ['Acked', e => e.acked], ['Failed', e => e.failed],
      ['Events', e => Ui.link('events', e.eventLogLink)]], c.executorStats || []);
    Ui.table('component-errors', [['Time', e => new Date(e.errorTime * 1000).toISOString()],
      ['Host', e => e.errorHost], ['Port', e => Ui.link(e.errorPort, e.errorWorkerLogLink)],
      ['Error', e => e.error]], c.componentErrors || []);
  }, 5);
}

// ---- supervisor.html?id=: one supervisor and its workers.
function initSupervisor() {
  const id = Ui.param('id');
  const host = Ui.param('host');
  Ui.poll(async () => {
    if (!id && !host) throw new Error('no supervisor id or host in the address');
    const page = await Ui.api('/api/v1/supervisor?' +
                              (id ? 'id=' + encodeURIComponent(id) : 'host=' + encodeURIComponent(host)));
    document.getElementById('page-title').textContent = id || host;
    Ui.table('supervisor-info', [['Id', s => s.id], ['Host', s => s.host], ['Uptime', s => s.uptime],
      ['Slots', s => s.slotsTotal], ['Used slots', s => s.slotsUsed]], page.supervisors);
    Ui.table('supervisor-workers', [
      ['Topology', w => Ui.link(w.topologyName, 'topology.html?id=' + encodeURIComponent(w.topologyId))],
      ['Port', w => w.port], ['Uptime', w => w.uptime], ['Executors', w => w.executorsTotal],
      ['Log', w => Ui.link('worker.log', w.workerLogLink)]], page.workers);
  }, 10);
}

document.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  if (page === 'index') Ui.poll(renderIndex, 10);
  else if (page === 'topology') initTopology();
  else if (page === 'component') initComponent();
  else if (page === 'supervisor') initSupervisor();
});
