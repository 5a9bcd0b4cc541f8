// hark timeline: connections, packets and HTTP exchanges on one time axis.
// Hand-written, no dependencies (npm is not available, and the page must open offline). All capture text
// goes into the page through textContent / canvas fillText, never as markup.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };

  // ---- Data ---------------------------------------------------------------------------------------
  const embedded = JSON.parse($('hark-data').textContent || 'null');
  const token = new URLSearchParams(location.search).get('token') || '';
  const isServed = embedded === null;
  const api = (path, params) => {
    const query = new URLSearchParams(params || {});
    query.set('token', token);
    return path + '?' + query.toString();
  };

  // Packet facts are a flat array, STRIDE numbers per packet: time (µs from origin), direction and TCP
  // flags (flags | 4096 for server→client), analysis kinds (bits), payload length, relative sequence,
  // relative acknowledgment (-1 when unknown), window (scaled when known).
  const STRIDE = 7;
  // Aggregated packets: from, to, client packets, server packets, client bytes, server bytes, flags, kinds,
  // packets with a kind.
  const BUCKET = 9;
  const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, DOWN = 4096;
  const K_RETX = 1, K_OOO = 2, K_ZW = 4, K_WFULL = 8, K_KA = 16, K_GAP = 32, K_DUPACK = 64, K_SYNRETX = 256;
  const KIND_NAMES = [[1, 'retransmission'], [2, 'out-of-order'], [4, 'zero window'], [8, 'window full'],
    [16, 'keep-alive'], [32, 'gap before it'], [64, 'duplicate ACK'], [128, 'overlap conflict'],
    [256, 'SYN retransmission'], [512, 'handshake complete']];
  const TICK = { syn: '#f9a825', data: '#43a047', psh: '#1b5e20', ack: '#b0bec5', fin: '#8e24aa', rst: '#1e88e5',
    retx: '#e53935', ooo: '#fb8c00', zw: '#000000', gap: '#d81b60' };

  const state = {
    doc: null,
    connections: new Map(), // id → connection
    exchanges: [],          // rows, by id
    exchangeById: new Map(),
    byConnection: new Map(), // connection id → exchange rows (sorted by start) with .lane
    layout: [],             // rows of the timeline: {type:'group'|'conn', y, h, name, conn}
    height: 0,
    t0: 0, t1: 1, min: 0, max: 1,
    follow: true,
    showAcks: true,
    matches: null,          // null = no filter; else {exchanges:Set, connections:Set}
    selected: null,         // {type:'exchange'|'packet'|'connection', ...}
    hits: [],               // drawn exchange bars for hit testing
    markHits: [],           // drawn message marks for hit testing
    details: null,          // a report's exchange details by id (a served page asks the server)
    dirty: true,
  };
  window.hark = state; // for tests and the console

  function kindOf(flags, kinds, len) {
    if (flags & RST) return 'rst';
    if (kinds & (K_RETX | K_SYNRETX)) return 'retx';
    if (kinds & K_OOO) return 'ooo';
    if (kinds & K_ZW) return 'zw';
    if (kinds & K_GAP) return 'gap';
    if (flags & SYN) return 'syn';
    if (flags & FIN) return 'fin';
    if (len > 0) return flags & PSH ? 'psh' : 'data';
    return 'ack';
  }
  const PRIORITY = { ack: 0, data: 1, psh: 2, fin: 3, syn: 4, gap: 5, ooo: 6, zw: 7, retx: 8, rst: 9 };

  function load(doc) {
    state.doc = doc;
    state.connections = new Map();
    state.exchanges = [];
    state.exchangeById = new Map();
    state.details = window.harkModel.details(doc.details, addDocument(doc), doc.strings);
    relayout();
    fit();
    showHeader();
  }

  // The connections and exchanges of a document or an update, expanded (model.js); returns the rows.
  function addDocument(doc) {
    for (const c of doc.connections) state.connections.set(c.id, window.harkModel.connection(c, doc.strings));
    const rows = window.harkModel.exchanges(doc.exchanges, doc.strings);
    const marks = window.harkModel.grpcMarks(doc.grpcMessages);
    for (const x of rows) {
      x.marks = marks.get(x.id) || null;
      addExchange(x);
    }
    return rows;
  }

  function addExchange(x) {
    if (state.exchangeById.has(x.id)) return;
    state.exchangeById.set(x.id, x);
    state.exchanges.push(x);
  }

  function connectionName(c) {
    if (c.tls && c.tls.serverName) return c.tls.serverName;
    const list = state.byConnection.get(c.id);
    if (list && list.length && list[0].host) return list[0].host;
    return hostOf(c.server);
  }
  function hostOf(endpoint) {
    const i = endpoint.lastIndexOf(':');
    return i > 0 ? endpoint.slice(0, i) : endpoint;
  }
  function connectionEnd(c) {
    let end = c.end;
    const p = c.packets;
    if (p && p.length) end = Math.max(end, p[p.length - STRIDE]);
    const b = c.buckets;
    if (b && b.length) end = Math.max(end, b[b.length - BUCKET + 1]);
    return end;
  }

  // Rows: connections grouped by server name, groups in order of their first connection, connections in
  // order of start. HTTP/2 streams that overlap in time go on sub-lanes.
  function relayout() {
    state.byConnection = new Map();
    for (const x of state.exchanges) {
      let list = state.byConnection.get(x.conn);
      if (!list) state.byConnection.set(x.conn, list = []);
      list.push(x);
    }
    for (const list of state.byConnection.values()) {
      list.sort((a, b) => a.start - b.start || a.id - b.id);
      const laneEnds = [];
      for (const x of list) {
        const end = x.respEnd ?? x.reqEnd;
        let lane = laneEnds.findIndex((e) => e <= x.reqStart);
        if (lane < 0) { lane = laneEnds.length; laneEnds.push(end); } else laneEnds[lane] = end;
        x.lane = lane;
      }
      list.lanes = Math.max(1, laneEnds.length);
    }
    const groups = new Map();
    const conns = [...state.connections.values()].sort((a, b) => a.start - b.start || a.id - b.id);
    let min = Infinity, max = -Infinity;
    for (const c of conns) {
      min = Math.min(min, c.start);
      max = Math.max(max, connectionEnd(c));
      if (state.matches && !state.matches.connections.has(c.id)) continue;
      const name = connectionName(c);
      let g = groups.get(name);
      if (!g) groups.set(name, g = []);
      g.push(c);
    }
    for (const x of state.exchanges) max = Math.max(max, x.respEnd ?? x.reqEnd);
    if (!isFinite(min)) { min = 0; max = 1e6; }
    if (max <= min) max = min + 1000;
    state.min = min; state.max = max;
    const layout = [];
    let y = 0;
    for (const [name, list] of groups) {
      layout.push({ type: 'group', y, h: 16, name, count: list.length });
      y += 16;
      for (const c of list) {
        const lanes = state.byConnection.get(c.id)?.lanes ?? 1;
        const h = 30 + (lanes - 1) * 7;
        layout.push({ type: 'conn', y, h, conn: c, lanes });
        y += h;
      }
    }
    state.layout = layout;
    state.height = y;
    state.dataVersion = (state.dataVersion || 0) + 1;
    renderLabels();
    state.dirty = true;
  }

  function renderLabels() {
    const labels = $('labels');
    labels.replaceChildren();
    for (const row of state.layout) {
      let node;
      if (row.type === 'group') {
        node = el('div', 'group-label', row.name + (row.count > 1 ? ` (${row.count})` : ''));
      } else {
        const c = row.conn;
        node = el('div', 'conn-label', `#${c.id} ${c.client} ${c.protocol}${c.open ? ' (open)' : ''}`);
        node.dataset.conn = c.id;
        if (state.selected && state.selected.conn === c.id) node.classList.add('selected');
      }
      node.style.top = row.y + 'px';
      node.style.height = row.h + 'px';
      node.style.lineHeight = (row.type === 'group' ? 16 : row.h) + 'px';
      labels.appendChild(node);
    }
    $('rows-spacer').style.height = Math.max(state.height, 1) + 'px';
  }

  // ---- Time axis ------------------------------------------------------------------------------------
  const LABEL_W = 150;
  function plotWidth() { return Math.max(50, $('rows-scroll').clientWidth - LABEL_W); }
  function xOf(t) { return LABEL_W + (t - state.t0) * plotWidth() / (state.t1 - state.t0); }
  function tOf(x) { return state.t0 + (x - LABEL_W) * (state.t1 - state.t0) / plotWidth(); }

  function fit() {
    const pad = (state.max - state.min) * 0.01;
    setView(state.min - pad, state.max + pad);
    state.follow = true;
  }
  function setView(t0, t1) {
    const span = Math.max(10, t1 - t0); // 10 µs at the deepest zoom
    const full = (state.max - state.min) * 1.02 + 10;
    state.t0 = t0; state.t1 = t0 + Math.min(span, Math.max(full, 10));
    const zoom = Math.log(full / (state.t1 - state.t0)) / Math.log(full / 10);
    $('zoom').value = String(Math.round(Math.max(0, Math.min(1, zoom)) * 1000));
    state.follow = state.t1 >= state.max;
    state.dirty = true;
  }
  function zoomAround(t, factor) {
    setView(t - (t - state.t0) * factor, t + (state.t1 - t) * factor);
  }

  function formatSpan(us) {
    const a = Math.abs(us);
    if (a >= 60e6) return (us / 60e6).toFixed(a >= 600e6 ? 0 : 1) + ' min';
    if (a >= 1e6) return (us / 1e6).toFixed(a >= 10e6 ? 1 : 2) + ' s';
    if (a >= 1e3) return (us / 1e3).toFixed(a >= 10e3 ? 1 : 2) + ' ms';
    return Math.round(us) + ' µs';
  }
  function formatClock(t) {
    const d = new Date((state.doc.origin + t) / 1000);
    const pad = (n, w) => String(n).padStart(w, '0');
    const us = pad(Math.floor((((state.doc.origin + t) % 1e6) + 1e6) % 1e6), 6);
    return `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${us}`;
  }
  function formatBytes(n) {
    if (n === null || n === undefined) return '';
    if (n < 1000) return n + ' B';
    if (n < 1e6) return (n / 1e3).toFixed(1) + ' kB';
    return (n / 1e6).toFixed(1) + ' MB';
  }
  function niceStep(span, pixels) {
    const raw = span / Math.max(1, pixels / 90);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  function sizeCanvas(canvas, w, h) {
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
      canvas.style.width = w + 'px'; canvas.style.height = h + 'px';
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }

  function drawAxis() {
    const canvas = $('axis');
    const w = $('timeline-pane').clientWidth;
    const ctx = sizeCanvas(canvas, w, 30);
    ctx.clearRect(0, 0, w, 30);
    ctx.fillStyle = '#f7f8fa'; ctx.fillRect(0, 0, w, 30);
    const step = niceStep(state.t1 - state.t0, plotWidth());
    ctx.fillStyle = '#37474f'; ctx.strokeStyle = '#b0bec5'; ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(formatClock(state.t0) + ' UTC', 4, 12);
    ctx.fillText('+' + formatSpan(state.t1 - state.t0), 4, 25);
    for (let t = Math.ceil(state.t0 / step) * step; t <= state.t1; t += step) {
      const x = xOf(t);
      if (x < LABEL_W) continue;
      ctx.beginPath(); ctx.moveTo(x + 0.5, 18); ctx.lineTo(x + 0.5, 30); ctx.stroke();
      ctx.fillText(formatSpan(t - state.min), x + 3, 26);
    }
    if (axisDrag && axisDrag.moved) {
      ctx.fillStyle = 'rgba(26,115,232,0.25)';
      const a = Math.min(axisDrag.x0, axisDrag.x1), b = Math.max(axisDrag.x0, axisDrag.x1);
      ctx.fillRect(a, 0, b - a, 30);
    }
  }

  // ---- Overview ------------------------------------------------------------------------------------
  function renderOverview(w) {
    const image = document.createElement('canvas');
    const ctx = sizeCanvas(image, w, 44);
    ctx.fillStyle = '#fafbfc'; ctx.fillRect(0, 0, w, 44);
    const span = state.max - state.min || 1;
    const bins = new Float64Array(w);
    for (const c of state.connections.values()) {
      const p = c.packets || [];
      for (let i = 0; i < p.length; i += STRIDE) {
        const x = Math.floor((p[i] - state.min) / span * (w - 1));
        if (x >= 0 && x < w) bins[x] += 1;
      }
      const b = c.buckets || [];
      for (let i = 0; i < b.length; i += BUCKET) {
        const x0 = Math.max(0, Math.floor((b[i] - state.min) / span * (w - 1)));
        const x1 = Math.min(w - 1, Math.floor((b[i + 1] - state.min) / span * (w - 1)));
        const n = b[i + 2] + b[i + 3];
        for (let x = x0; x <= x1; x++) bins[x] += n / (x1 - x0 + 1);
      }
    }
    let peak = 1;
    for (const v of bins) peak = Math.max(peak, v);
    ctx.fillStyle = '#90a4ae';
    for (let x = 0; x < w; x++) {
      if (!bins[x]) continue;
      const h = Math.max(1, Math.log1p(bins[x]) / Math.log1p(peak) * 24);
      ctx.fillRect(x, 26 - h, 1, h);
    }
    ctx.fillStyle = '#1a73e8';
    for (const x of state.exchanges) {
      if (state.matches && !state.matches.exchanges.has(x.id)) continue;
      const a = (x.reqStart - state.min) / span * (w - 1);
      const b = ((x.respEnd ?? x.reqEnd) - state.min) / span * (w - 1);
      ctx.fillRect(a, 30 + (x.id % 3) * 4, Math.max(1, b - a), 3);
    }
    return image;
  }

  // The overview's density is drawn once per data change into an offscreen canvas; each frame only
  // copies it and draws the view's window.
  let overviewCache = null;
  function drawOverview() {
    const canvas = $('overview');
    const w = canvas.clientWidth || document.body.clientWidth;
    const ctx = sizeCanvas(canvas, w, 44);
    const key = `${w}:${state.dataVersion}:${state.matches ? state.matches.exchanges.size : -1}:${state.min}:${state.max}`;
    if (!overviewCache || overviewCache.key !== key) overviewCache = { key, image: renderOverview(w) };
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(overviewCache.image, 0, 0);
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const span = state.max - state.min || 1;
    const v0 = (state.t0 - state.min) / span * (w - 1), v1 = (state.t1 - state.min) / span * (w - 1);
    ctx.fillStyle = 'rgba(26,115,232,0.12)'; ctx.fillRect(v0, 0, Math.max(2, v1 - v0), 44);
    ctx.strokeStyle = '#1a73e8'; ctx.strokeRect(v0 + 0.5, 0.5, Math.max(2, v1 - v0), 43);
  }

  // ---- Rows ----------------------------------------------------------------------------------------
  function lowerBound(array, stride, t) {
    let lo = 0, hi = array.length / stride;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (array[mid * stride] < t) lo = mid + 1; else hi = mid;
    }
    return lo * stride;
  }

  function exchangeColor(x) {
    const type = (x.type || '').toLowerCase();
    if (type.includes('html')) return '#1565c0';
    if (type.includes('javascript') || type.includes('ecmascript')) return '#f9a825';
    if (type.includes('css')) return '#8e24aa';
    if (type.startsWith('image/')) return '#00897b';
    if (type.includes('json') || type.includes('xml')) return '#5e35b1';
    if (type.includes('grpc')) return '#3949ab';
    if (type.includes('font')) return '#6d4c41';
    return '#607d8b';
  }

  function drawRows() {
    const scroll = $('rows-scroll');
    const w = scroll.clientWidth, h = scroll.clientHeight;
    const canvas = $('rows');
    canvas.style.top = scroll.scrollTop + 'px';
    const ctx = sizeCanvas(canvas, w, h);
    ctx.clearRect(0, 0, w, h);
    const top = scroll.scrollTop;
    state.hits = [];
    state.markHits = [];
    let drawnBars = 0, drawnRows = 0, drawnMarks = 0;
    const pw = plotWidth();
    const perPixel = (state.t1 - state.t0) / pw;
    // grid
    const step = niceStep(state.t1 - state.t0, pw);
    ctx.strokeStyle = '#eceff1';
    for (let t = Math.ceil(state.t0 / step) * step; t <= state.t1; t += step) {
      const x = Math.round(xOf(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, h); ctx.stroke();
    }
    for (const row of state.layout) {
      if (row.y + row.h < top || row.y > top + h) continue;
      const y = row.y - top;
      if (row.type === 'group') {
        ctx.fillStyle = '#f2f4f7'; ctx.fillRect(0, y, w, row.h);
        continue;
      }
      drawnRows++;
      const c = row.conn;
      const mid = y + 15;
      const selected = state.selected && state.selected.conn === c.id;
      if (selected) { ctx.fillStyle = '#eef4fb'; ctx.fillRect(LABEL_W, y, w, row.h); }
      // the connection's life, with its phases shaded
      const start = Math.max(LABEL_W, xOf(c.start)), end = Math.min(w, xOf(connectionEnd(c)));
      if (end >= LABEL_W && start <= w) {
        ctx.fillStyle = '#cfd8dc'; ctx.fillRect(start, mid - 2, Math.max(1, end - start), 4);
        const shade = (a, b, color) => {
          if (a === null || a === undefined || b === null || b === undefined) return;
          const x0 = Math.max(LABEL_W, xOf(a)), x1 = Math.min(w, xOf(b));
          if (x1 >= x0) { ctx.fillStyle = color; ctx.fillRect(x0, mid - 3, Math.max(1, x1 - x0), 6); }
        };
        if (c.handshake) shade(c.handshake.syn, c.handshake.done, '#ffe082');
        if (c.tls) shade(c.tls.start, c.tls.end, '#d1c4e9');
        if (c.closing !== null && c.closing !== undefined) shade(c.closing, connectionEnd(c), '#90a4ae');
      }
      drawPackets(ctx, c, y, w, perPixel);
      drawnMarks += drawMessages(ctx, c, row, y, w);
      // exchanges
      const list = state.byConnection.get(c.id) || [];
      for (const x of list) {
        const xEnd = x.respEnd ?? x.reqEnd;
        if (xEnd < state.t0 - perPixel * 2 || x.reqStart > state.t1) continue;
        if (state.matches && !state.matches.exchanges.has(x.id)) continue;
        const laneY = mid - 5 + x.lane * 7;
        const a = xOf(x.reqStart), b = xOf(xEnd);
        const x0 = Math.max(LABEL_W, a), x1 = Math.min(w, Math.max(b, a + 2));
        if (x1 < LABEL_W) continue;
        const color = exchangeColor(x);
        // request (sent) part, waiting part, response part
        ctx.fillStyle = color;
        ctx.globalAlpha = 0.45;
        ctx.fillRect(x0, laneY, Math.max(2, x1 - x0), 10);
        ctx.globalAlpha = 1;
        if (x.respStart !== null && x.respStart !== undefined) {
          const r0 = Math.max(LABEL_W, xOf(x.respStart));
          ctx.fillRect(r0, laneY, Math.max(2, x1 - r0), 10);
        }
        const rq1 = Math.max(LABEL_W, Math.min(x1, xOf(x.reqEnd)));
        ctx.fillStyle = '#1a73e8'; ctx.fillRect(x0, laneY + 3, Math.max(1, rq1 - x0), 4);
        if (x.status === null || x.status >= 400 || x.problems > 0) {
          ctx.strokeStyle = '#c62828'; ctx.lineWidth = 1.5;
          ctx.strokeRect(x0 + 0.5, laneY + 0.5, Math.max(2, x1 - x0) - 1, 9);
          ctx.lineWidth = 1;
        }
        if (state.selected && state.selected.type === 'exchange' && state.selected.id === x.id) {
          ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
          ctx.strokeRect(x0 - 1, laneY - 1, Math.max(2, x1 - x0) + 2, 12);
          ctx.lineWidth = 1;
        }
        if (x1 - x0 > 60) {
          ctx.fillStyle = '#fff'; ctx.font = '9px system-ui, sans-serif';
          ctx.save(); ctx.beginPath(); ctx.rect(x0, laneY, x1 - x0, 10); ctx.clip();
          ctx.fillText(`${x.status ?? '—'} ${x.method} ${pathOf(x.url)}`, x0 + 3, laneY + 8);
          ctx.restore();
        }
        drawnMarks += drawGRPCMarks(ctx, x, laneY, x0, x1);
        drawnBars++;
        state.hits.push({ id: x.id, x0: x0 - 2, x1: Math.max(x1, x0 + 2) + 2, y0: row.y + (laneY - y), y1: row.y + (laneY - y) + 10 });
      }
    }
    canvas.dataset.drawnExchanges = String(drawnBars);
    canvas.dataset.drawnMarks = String(drawnMarks);
    canvas.dataset.drawnConnections = String(drawnRows);
  }

  // Messages after an upgrade (WebSocket) as triangles on the connection's line: pointing up above it
  // for client→server, down below it for server→client, coloured by type; one per pixel column and way.
  const MESSAGE_COLOR = { 1: '#00897b', 2: '#5e35b1', 8: '#c62828', 9: '#9e9e9e', 10: '#9e9e9e' };
  function drawMessages(ctx, c, row, y, w) {
    const mid = y + 15;
    const seen = new Set();
    let drawn = 0;
    c.messages.forEach((m, index) => {
      const x = Math.round(xOf(m.start));
      if (x < LABEL_W || x > w || seen.has(m.down ? -x - 1 : x)) return;
      seen.add(m.down ? -x - 1 : x);
      ctx.fillStyle = MESSAGE_COLOR[m.opcode] || '#455a64';
      ctx.beginPath();
      if (m.down) { ctx.moveTo(x - 3, mid + 1); ctx.lineTo(x + 3, mid + 1); ctx.lineTo(x, mid + 5); }
      else { ctx.moveTo(x - 3, mid - 1); ctx.lineTo(x + 3, mid - 1); ctx.lineTo(x, mid - 5); }
      ctx.fill();
      state.markHits.push({ conn: c.id, index, x, y: row.y + 15 + (m.down ? 3 : -3) });
      drawn++;
    });
    return drawn;
  }

  // gRPC messages as white ticks inside their call's bar: requests in the upper half, responses in the
  // lower half (placed by their offset in the body: the capture does not time each message).
  function drawGRPCMarks(ctx, x, laneY, x0, x1) {
    if (!x.marks) return 0;
    let drawn = 0;
    ctx.fillStyle = '#ffffff';
    for (const m of x.marks) {
      const at = Math.max(x0, Math.min(x1 - 1, xOf(m.time)));
      ctx.fillRect(at, laneY + (m.down ? 5 : 0), 1.5, 5);
      drawn++;
    }
    return drawn;
  }

  function pathOf(url) {
    const m = /^[a-z]+:\/\/[^/]*(.*)$/i.exec(url || '');
    return m ? (m[1] || '/') : (url || '');
  }

  // Packets as ticks above (client→server) and below (server→client) the row. Several packets on one
  // pixel column become one taller tick (log of the count), coloured by the most notable kind.
  function drawPackets(ctx, c, y, w, perPixel) {
    const p = c.packets || [];
    const mid = y + 15;
    const columns = new Map();
    const begin = lowerBound(p, STRIDE, state.t0 - perPixel);
    for (let i = begin; i < p.length; i += STRIDE) {
      const t = p[i];
      if (t > state.t1 + perPixel) break;
      const flags = p[i + 1], kinds = p[i + 2], len = p[i + 3];
      const kind = kindOf(flags, kinds, len);
      if (kind === 'ack' && !state.showAcks) continue;
      const x = Math.round(xOf(t));
      if (x < LABEL_W || x > w) continue;
      const key = (flags & DOWN ? -1 : 1) * (x + 1);
      const cell = columns.get(key);
      if (cell) {
        cell.n++;
        if (PRIORITY[kind] > PRIORITY[cell.kind]) cell.kind = kind;
      } else columns.set(key, { x, down: (flags & DOWN) !== 0, n: 1, kind });
    }
    for (const cell of columns.values()) {
      const len = Math.min(10, 4 + Math.log2(cell.n) * 2);
      ctx.fillStyle = TICK[cell.kind];
      if (cell.down) ctx.fillRect(cell.x, mid + 6, 1, len);
      else ctx.fillRect(cell.x, mid - 6 - len, 1, len);
    }
    // aggregated packets: a band whose darkness says how many per pixel
    const b = c.buckets || [];
    for (let i = 0; i < b.length; i += BUCKET) {
      const x0 = Math.max(LABEL_W, xOf(b[i])), x1 = Math.min(w, xOf(b[i + 1]) + 1);
      if (x1 < LABEL_W || x0 > w) continue;
      const width = Math.max(1, x1 - x0);
      const up = b[i + 2], down = b[i + 3];
      const problem = b[i + 8] > 0;
      ctx.fillStyle = problem ? 'rgba(229,57,53,' : 'rgba(67,160,71,';
      if (up) { ctx.fillStyle += Math.min(0.9, 0.2 + Math.log1p(up / width) / 4) + ')'; ctx.fillRect(x0, mid - 14, width, 8); }
      ctx.fillStyle = problem ? 'rgba(229,57,53,' : 'rgba(67,160,71,';
      if (down) { ctx.fillStyle += Math.min(0.9, 0.2 + Math.log1p(down / width) / 4) + ')'; ctx.fillRect(x0, mid + 6, width, 8); }
    }
  }

  // ---- Waterfall list ------------------------------------------------------------------------------
  const WF_ROW = 20;
  let wfRows = [];
  function visibleExchanges() {
    const list = state.matches ? state.exchanges.filter((x) => state.matches.exchanges.has(x.id)) : state.exchanges.slice();
    return list.sort((a, b) => a.reqStart - b.reqStart || a.id - b.id);
  }
  function refreshWaterfallList() {
    wfRows = visibleExchanges();
    $('waterfall-spacer').style.height = wfRows.length * WF_ROW + 'px';
    drawWaterfall();
  }
  function drawWaterfall() {
    const scroll = $('waterfall-scroll');
    const first = Math.max(0, Math.floor(scroll.scrollTop / WF_ROW) - 5);
    const last = Math.min(wfRows.length, first + Math.ceil(scroll.clientHeight / WF_ROW) + 10);
    const box = $('waterfall');
    box.style.top = first * WF_ROW + 'px';
    box.replaceChildren();
    const span = state.t1 - state.t0;
    for (let i = first; i < last; i++) {
      const x = wfRows[i];
      const row = el('div', 'wf-row');
      row.dataset.exchange = x.id;
      if (state.selected && state.selected.type === 'exchange' && state.selected.id === x.id) row.classList.add('selected');
      const status = x.status === null ? '—' : x.status;
      row.append(el('span', 's' + (x.status === null ? 0 : Math.floor(x.status / 100)), status), el('span', null, x.method),
        el('span', null, x.url), el('span', null, formatBytes(x.respSize)),
        el('span', null, formatSpan((x.respEnd ?? x.reqEnd) - x.reqStart)));
      const bar = el('span', 'wf-bar');
      for (const [phase, a, b] of phases(x)) {
        const left = (a - state.t0) / span * 100, right = (b - state.t0) / span * 100;
        if (right < 0 || left > 100) continue;
        const piece = el('i', 'ph-' + phase);
        piece.style.left = Math.max(0, left) + '%';
        piece.style.width = Math.max(0.3, Math.min(100, right) - Math.max(0, left)) + '%';
        bar.append(piece);
      }
      row.append(bar);
      row.title = `${x.method} ${x.url}`;
      row.addEventListener('click', () => { select({ type: 'exchange', id: x.id, conn: x.conn }); reveal(x); });
      box.append(row);
    }
  }
  // Chrome's timing phases: connect (TCP handshake), TLS, request sent, waiting (TTFB), content download.
  function phases(x) {
    const out = [];
    if (x.connectEnd !== null && x.connectEnd !== undefined) {
      out.push(['connect', x.start, x.tlsStart ?? x.connectEnd]);
      if (x.tlsStart !== null && x.tlsStart !== undefined) out.push(['tls', x.tlsStart, x.tlsEnd]);
    }
    out.push(['send', x.reqStart, Math.max(x.reqStart, x.reqEnd)]);
    if (x.respStart !== null && x.respStart !== undefined) {
      out.push(['wait', x.reqEnd, Math.max(x.reqEnd, x.respStart)]);
      out.push(['receive', x.respStart, Math.max(x.respStart, x.respEnd)]);
    }
    return out;
  }
  function reveal(x) {
    const end = x.respEnd ?? x.reqEnd;
    if (x.reqStart < state.t0 || end > state.t1) {
      const span = Math.max(state.t1 - state.t0, (end - x.reqStart) * 1.2);
      setView((x.reqStart + end) / 2 - span / 2, (x.reqStart + end) / 2 + span / 2);
    }
    const row = state.layout.find((r) => r.type === 'conn' && r.conn.id === x.conn);
    const scroll = $('rows-scroll');
    if (row && (row.y < scroll.scrollTop || row.y + row.h > scroll.scrollTop + scroll.clientHeight)) {
      scroll.scrollTop = Math.max(0, row.y - scroll.clientHeight / 3);
    }
    state.dirty = true;
  }

  // ---- Selection and details -----------------------------------------------------------------------
  function select(selection) {
    state.selected = selection;
    renderLabels();
    drawWaterfall();
    state.dirty = true;
    const details = $('details');
    details.replaceChildren();
    if (selection.type === 'exchange') showExchange(selection.id);
    else if (selection.type === 'packet') showPacket(selection);
    else if (selection.type === 'message') showMessage(selection);
    else showConnection(selection.conn);
  }

  function table(rows) {
    const t = el('table');
    for (const [k, v] of rows) {
      if (v === null || v === undefined || v === '') continue;
      const tr = el('tr');
      tr.append(el('td', 'k', k), el('td', 'v', v));
      t.append(tr);
    }
    return t;
  }

  function tabs(container, entries) {
    const bar = el('div', 'tabs');
    const body = el('div');
    const show = (i) => {
      [...bar.children].forEach((b, j) => b.classList.toggle('on', i === j));
      body.replaceChildren(entries[i][1]());
    };
    entries.forEach(([name], i) => {
      const button = el('button', null, name);
      button.type = 'button';
      button.dataset.tab = name;
      button.addEventListener('click', () => show(i));
      bar.append(button);
    });
    container.append(bar, body);
    show(0);
  }

  async function exchangeDetail(id) {
    if (!isServed) return state.details.get(id) || null;
    const response = await fetch(api('/api/exchanges/' + id));
    if (!response.ok) return null;
    return response.json();
  }

  async function showExchange(id) {
    const x = state.exchangeById.get(id);
    const details = $('details');
    if (!x) return;
    const head = el('h2', null, `${x.status ?? '—'} ${x.method} ${x.url}`);
    head.id = 'detail-title';
    details.append(head);
    const detail = await exchangeDetail(id);
    if (!state.selected || state.selected.id !== id || state.selected.type !== 'exchange') return;
    const headersView = () => {
      const box = el('div');
      box.append(table([['connection', `#${x.conn} ${state.connections.get(x.conn)?.client ?? ''} → ${state.connections.get(x.conn)?.server ?? ''}`],
        ['protocol', x.proto + (x.stream !== null && x.stream !== undefined ? ` stream ${x.stream}` : '')],
        ['content type', x.type], ['request body', formatBytes(x.reqSize)], ['response body', formatBytes(x.respSize)],
        ['switched to', x.switchedTo], ['gRPC', x.grpc ? `${x.grpc.service ?? ''}/${x.grpc.method ?? ''} status ${x.grpc.status ?? '—'}` : null],
        ['gRPC messages', x.marks ? x.marks.map((m) => `${m.down ? '←' : '→'} ${formatBytes(m.length)}${m.compressed ? ' compressed' : ''} at +${formatSpan(m.time - x.start)}`).join(', ') : null]]));
      if (!detail) {
        box.append(el('p', 'hint', isServed ? 'Details are no longer kept for this exchange.' : 'Headers are not included in this report (hark timeline --details).'));
        return box;
      }
      for (const p of detail.problems || []) box.append(el('p', 'problem', p));
      box.append(el('h3', null, 'Request headers'));
      box.append(table((detail.request.headers || []).map(([n, v]) => [n, v])));
      if (detail.response) {
        box.append(el('h3', null, `Response headers (${detail.response.status} ${detail.response.reason || ''})`));
        box.append(table((detail.response.headers || []).map(([n, v]) => [n, v])));
      } else box.append(el('p', 'problem', 'No response was captured.'));
      return box;
    };
    const bodyView = () => {
      const box = el('div');
      if (!detail) { box.append(el('p', 'hint', 'Not available.')); return box; }
      for (const [name, message] of [['Request body', detail.request], ['Response body', detail.response]]) {
        if (!message) continue;
        box.append(el('h3', null, name));
        const b = message.body;
        if (!b) { box.append(el('p', 'hint', 'Bodies are left out (hark web --bodies / hark timeline --bodies).')); continue; }
        if (b.text !== undefined && b.text !== null) box.append(el('pre', null, b.text));
        else if (b.binary) box.append(el('p', 'hint', `[binary ${formatBytes(b.size)}${b.type ? ' ' + b.type : ''}]`));
        else box.append(el('p', 'hint', `empty (${formatBytes(b.size)})`));
        if (b.omitted) box.append(el('p', 'hint', `… ${formatBytes(b.omitted)} more not shown`));
      }
      return box;
    };
    const timingView = () => {
      const box = el('div');
      const total = Math.max(1, (x.respEnd ?? x.reqEnd) - x.start);
      const names = { connect: 'Initial connection', tls: 'SSL', send: 'Request sent', wait: 'Waiting for server response', receive: 'Content Download' };
      const t = el('table');
      for (const [phase, a, b] of phases(x)) {
        const tr = el('tr');
        const bar = el('td');
        const track = el('div', 'wf-bar');
        track.style.width = '300px';
        const piece = el('i', 'ph-' + phase);
        piece.style.left = ((a - x.start) / total * 100) + '%';
        piece.style.width = Math.max(0.5, (b - a) / total * 100) + '%';
        track.append(piece); bar.append(track);
        tr.append(el('td', 'k', names[phase]), bar, el('td', 'v', formatSpan(b - a)));
        t.append(tr);
      }
      box.append(el('p', null, `Started at ${formatClock(x.start)} UTC (${formatSpan(x.start - state.min)} into the capture)`), t);
      const c = state.connections.get(x.conn);
      const rtt = c ? connectionRTT(c) : null;
      if (rtt && x.respStart !== null && x.respStart !== undefined) {
        const stall = (x.respStart - x.reqEnd) - rtt;
        box.append(table([['round-trip time', formatSpan(rtt)], ['server stall (wait − RTT)', formatSpan(Math.max(0, stall))],
          ['round trips (duration / RTT)', (((x.respEnd ?? x.reqEnd) - x.reqStart) / rtt).toFixed(1)]]));
      }
      return box;
    };
    const harView = () => {
      const box = el('div');
      if (!detail) { box.append(el('p', 'hint', 'Not available.')); return box; }
      const log = detail.har || window.harkModel.har(x, detail, state.connections.get(x.conn), state.doc.origin);
      const text = JSON.stringify(log, null, 2);
      const copy = el('button', null, 'copy');
      copy.type = 'button';
      copy.addEventListener('click', () => navigator.clipboard && navigator.clipboard.writeText(text));
      box.append(copy, el('pre', 'har', text));
      return box;
    };
    tabs(details, [['Headers', headersView], ['Body', bodyView], ['Timing', timingView], ['HAR', harView]]);
  }

  function showPacket(selection) {
    const c = state.connections.get(selection.conn);
    if (!c) return;
    const p = c.packets, i = selection.index;
    const flags = p[i + 1], kinds = p[i + 2];
    const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'].filter((_, bit) => flags & (1 << bit));
    const found = KIND_NAMES.filter(([bit]) => kinds & bit).map(([, name]) => name);
    const details = $('details');
    details.append(el('h2', null, `Packet on connection #${c.id}: ${flags & DOWN ? 'server → client' : 'client → server'}`));
    details.append(table([['time', `${formatClock(p[i])} UTC (+${formatSpan(p[i] - c.start)} into the connection)`],
      ['flags', names.join(' ')], ['payload', formatBytes(p[i + 3])],
      ['sequence (relative)', p[i + 4] >= 0 ? p[i + 4] : 'unknown'], ['acknowledgment (relative)', p[i + 5] >= 0 ? p[i + 5] : '—'],
      ['window', p[i + 6]], ['analysis', found.join(', ') || 'nothing unusual']]));
  }

  const OPCODE_NAMES = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
  function showMessage(selection) {
    const c = state.connections.get(selection.conn);
    const m = c && c.messages[selection.index];
    if (!m) return;
    const details = $('details');
    const where = m.stream ? `HTTP/2 stream ${m.stream} of connection #${c.id}` : `connection #${c.id}`;
    details.append(el('h2', null, `${c.protocol === 'ws' || m.stream ? 'WebSocket' : c.protocol} message ${selection.index + 1} on ${where}: ${m.down ? 'server → client' : 'client → server'}`));
    details.append(table([['type', `${OPCODE_NAMES[m.opcode] ?? 'opcode ' + m.opcode}`], ['time', `${formatClock(m.start)} UTC (+${formatSpan(m.start - c.start)} into the connection)`],
      ['took', formatSpan(m.end - m.start)], ['payload', formatBytes(m.length)], [m.opcode === 8 ? 'close code' : 'text', m.text]]));
    if (c.omittedMessages) details.append(el('p', 'hint', `${c.omittedMessages} later messages on this connection are counted, not marked.`));
  }

  function showConnection(id) {
    const c = state.connections.get(id);
    if (!c) return;
    const details = $('details');
    details.append(el('h2', null, `Connection #${c.id}: ${c.client} → ${c.server} (${connectionName(c)})`));
    // QUIC runs over UDP: its own facts, none of TCP's counters or sequence-number charts.
    const q = c.quic;
    const dir = (d) => !d ? 'still open' : q ? `${d.packets} packets, ${formatBytes(d.bytes)}`
      : `${d.packets} packets, ${formatBytes(d.bytes)}, ${d.retransmissions} retransmissions, ${d.outOfOrder} out of order, ${d.gaps} gaps (${formatBytes(d.gapBytes)}), ${d.zeroWindows} zero windows, ${d.duplicateAcks} duplicate ACKs`;
    // The row is labelled QUIC: its value starts with the version without repeating the word.
    const quicText = q ? [q.version ? q.version.replace(/^QUIC /, '') : 'version unknown',
      q.keyUpdates ? `${q.keyUpdates} key ${q.keyUpdates === 1 ? 'update' : 'updates'}` : null,
      q.earlyDataPackets ? `${q.earlyDataPackets} 0-RTT ${q.earlyDataPackets === 1 ? 'packet' : 'packets'}` : null,
      q.undecryptedPackets ? `${q.undecryptedPackets} of ${q.packets} packets not decrypted` : null, q.closed].filter(Boolean).join(', ') : null;
    details.append(table([['protocol', c.protocol], ['start', formatClock(c.start) + ' UTC'],
      ['duration', formatSpan(connectionEnd(c) - c.start) + (c.open ? ' so far (open)' : '')], ['end', q ? null : c.endReason],
      ['QUIC', quicText],
      ['handshake RTT', c.rtt !== null && c.rtt !== undefined ? formatSpan(c.rtt) : null],
      ['TLS', c.tls ? [c.tls.version, c.tls.cipherSuite, c.tls.alpn, c.tls.decrypted ? 'decrypted' : c.tls.reason].filter(Boolean).join(', ') : null],
      ['client → server', dir(c.up)], ['server → client', dir(c.down)], ['exchanges', c.exchangeCount],
      // QUIC keeps no per-packet facts (packetCount is TCP's series): its UDP packets and the QUIC
      // packets they carried (coalesced ones counted one by one).
      ['packets', q ? `${(c.up ? c.up.packets : 0) + (c.down ? c.down.packets : 0)} UDP packets carrying ${q.packets} QUIC packets`
        : `${c.packetCount}${c.buckets && c.buckets.length ? ' (later ones aggregated)' : ''}`]]));
    details.append(q ? el('p', 'hint', 'QUIC runs over UDP: no TCP sequence charts.') : analysisCharts(c));
  }

  // ---- Per-connection analysis ---------------------------------------------------------------------
  // RTT samples as tcptrace takes them: each ACK that newly covers the end of a data segment sent once
  // (Karn: never a retransmitted one) gives the time since that segment.
  function analyse(c, downward) {
    const p = c.packets || [];
    const rtt = [], flight = [], window = [], marks = [], segments = [], acks = [];
    const outstanding = []; // [seqEnd, time, retransmitted]
    let highest = -1, acked = -1, peerWindow = null;
    for (let i = 0; i < p.length; i += STRIDE) {
      const t = p[i], flags = p[i + 1], kinds = p[i + 2], len = p[i + 3], seq = p[i + 4], ack = p[i + 5], win = p[i + 6];
      const isDown = (flags & DOWN) !== 0;
      if (isDown === downward) {
        if (kinds & (K_RETX | K_OOO | K_ZW | K_GAP)) marks.push([t, seq, kinds]);
        if (len > 0 && seq >= 0) {
          const end = seq + len;
          const retx = (kinds & K_RETX) !== 0 || end <= highest;
          if (retx) {
            for (const o of outstanding) if (o[0] > seq - len && o[0] <= end) o[2] = true;
          } else {
            outstanding.push([end, t, false]);
          }
          highest = Math.max(highest, end);
          segments.push([t, seq, end, kinds]);
          if (acked >= 0) flight.push([t, highest - acked]);
        }
      } else if ((flags & ACK) && ack >= 0) {
        if (kinds & K_ZW) marks.push([t, ack, K_ZW]);
        peerWindow = win;
        if (ack > acked) {
          let sample = null;
          while (outstanding.length && outstanding[0][0] <= ack) {
            const o = outstanding.shift();
            sample = o[2] ? null : t - o[1];
          }
          if (sample !== null) rtt.push([t, sample]);
          acked = ack;
        }
        acks.push([t, ack, win]);
        window.push([t, peerWindow]);
        if (highest >= 0) flight.push([t, Math.max(0, highest - acked)]);
      }
    }
    return { rtt, flight, window, marks, segments, acks };
  }

  function connectionRTT(c) {
    if (c.rtt) return c.rtt;
    const samples = analyse(c, true).rtt.concat(analyse(c, false).rtt).map((s) => s[1]).sort((a, b) => a - b);
    return samples.length ? samples[samples.length >> 1] : null;
  }

  function chart(title, width, height, draw) {
    const figure = el('figure', 'chart');
    figure.style.margin = '0';
    figure.append(el('figcaption', null, title));
    const canvas = el('canvas');
    figure.append(canvas);
    const ctx = sizeCanvas(canvas, width, height);
    ctx.font = '10px system-ui, sans-serif';
    draw(ctx, width, height);
    return figure;
  }

  function axes(ctx, w, h, t0, t1, y1, yFormat) {
    ctx.strokeStyle = '#b0bec5'; ctx.fillStyle = '#546e7a';
    ctx.strokeRect(40.5, 4.5, w - 46, h - 20);
    ctx.fillText(yFormat(y1), 2, 12); ctx.fillText(yFormat(0), 2, h - 16);
    ctx.fillText('+' + formatSpan(t0), 42, h - 4);
    const right = '+' + formatSpan(t1);
    ctx.fillText(right, w - 6 - ctx.measureText(right).width, h - 4);
    return { x: (t) => 41 + (t - t0) / Math.max(1, t1 - t0) * (w - 48), y: (v) => h - 16 - v / Math.max(1, y1) * (h - 22) };
  }

  function analysisCharts(c) {
    const box = el('div');
    const p = c.packets || [];
    if (!p.length) { box.append(el('p', 'hint', 'No packets were kept one by one for this connection.')); return box; }
    const down = analyse(c, true), up = analyse(c, false);
    const main = down.segments.length >= up.segments.length ? down : up;
    const label = main === down ? 'server → client' : 'client → server';
    const t0 = c.start, t1 = connectionEnd(c);
    const rel = (t) => t - t0;
    const charts = el('div', 'charts');
    // time–sequence graph (tcptrace style)
    charts.append(chart(`Time–sequence (${label})`, 520, 260, (ctx, w, h) => {
      // the data decides the scale; a receive window far above it is drawn clipped at the top
      let top = 1;
      for (const s of main.segments) top = Math.max(top, s[2]);
      for (const a of main.acks) top = Math.max(top, a[1]);
      top *= 1.25;
      const ax = axes(ctx, w, h, 0, rel(t1), top, (v) => formatBytes(v));
      ctx.save(); ctx.beginPath(); ctx.rect(41, 5, w - 46, h - 21); ctx.clip();
      ctx.strokeStyle = '#fdd835'; ctx.beginPath();
      main.acks.forEach((a, i) => { const x = ax.x(rel(a[0])), y = ax.y(a[1] + a[2]); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
      ctx.stroke();
      ctx.strokeStyle = '#43a047'; ctx.beginPath();
      let last = null;
      for (const a of main.acks) {
        const x = ax.x(rel(a[0])), y = ax.y(a[1]);
        if (last) { ctx.lineTo(x, last); ctx.lineTo(x, y); } else ctx.moveTo(x, y);
        last = y;
      }
      ctx.stroke();
      for (const s of main.segments) {
        ctx.strokeStyle = s[3] & K_RETX ? '#e53935' : s[3] & K_OOO ? '#fb8c00' : '#1e3a8a';
        const x = Math.round(ax.x(rel(s[0]))) + 0.5;
        ctx.beginPath(); ctx.moveTo(x, ax.y(s[1])); ctx.lineTo(x, Math.min(ax.y(s[1]) - 1, ax.y(s[2]))); ctx.stroke();
      }
      for (const m of main.marks) if (m[2] & K_ZW) { ctx.fillStyle = '#000'; ctx.fillRect(ax.x(rel(m[0])) - 2, ax.y(m[1]) - 2, 4, 4); }
      ctx.restore();
    }));
    // RTT samples
    const samples = down.rtt.concat(up.rtt).sort((a, b) => a[0] - b[0]);
    charts.append(chart(`RTT samples (${samples.length})`, 320, 160, (ctx, w, h) => {
      let top = 1;
      for (const s of samples) top = Math.max(top, s[1]);
      const ax = axes(ctx, w, h, 0, rel(t1), top, formatSpan);
      ctx.fillStyle = '#1a73e8';
      for (const s of samples) ctx.fillRect(ax.x(rel(s[0])) - 1, ax.y(s[1]) - 1, 3, 3);
    }));
    // bytes in flight vs receive window
    charts.append(chart(`Bytes in flight and receive window (${label})`, 320, 160, (ctx, w, h) => {
      let top = 1;
      for (const f of main.flight) top = Math.max(top, f[1]);
      for (const f of main.window) top = Math.max(top, f[1]);
      const ax = axes(ctx, w, h, 0, rel(t1), top, formatBytes);
      ctx.strokeStyle = '#fdd835'; ctx.beginPath();
      main.window.forEach((f, i) => { const x = ax.x(rel(f[0])), y = ax.y(f[1]); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
      ctx.stroke();
      ctx.strokeStyle = '#1a73e8'; ctx.beginPath();
      main.flight.forEach((f, i) => { const x = ax.x(rel(f[0])), y = ax.y(f[1]); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
      ctx.stroke();
      for (const m of main.marks) {
        ctx.fillStyle = m[2] & K_ZW ? '#000' : m[2] & K_RETX ? '#e53935' : '#fb8c00';
        ctx.fillRect(ax.x(rel(m[0])) - 1, h - 22, 3, 6);
      }
    }));
    // per exchange: server stall and round trips
    const list = state.byConnection.get(c.id) || [];
    const rtt = connectionRTT(c);
    if (list.length && rtt) {
      charts.append(chart('Per exchange: server stall (bar) and round trips (dot)', 320, 160, (ctx, w, h) => {
        const stalls = list.map((x) => x.respStart === null || x.respStart === undefined ? 0 : Math.max(0, x.respStart - x.reqEnd - rtt));
        const trips = list.map((x) => ((x.respEnd ?? x.reqEnd) - x.reqStart) / rtt);
        const top = Math.max(1, ...stalls);
        const ax = axes(ctx, w, h, 0, 0, top, formatSpan);
        const maxTrips = Math.max(1, ...trips);
        const bw = (w - 48) / list.length;
        list.forEach((x, i) => {
          ctx.fillStyle = '#fb8c00';
          ctx.fillRect(41 + i * bw, ax.y(stalls[i]), Math.max(1, bw - 1), h - 16 - ax.y(stalls[i]));
          ctx.fillStyle = '#1a73e8';
          ctx.fillRect(41 + i * bw + bw / 2 - 1.5, h - 16 - trips[i] / maxTrips * (h - 22) - 1.5, 3, 3);
        });
        ctx.fillStyle = '#546e7a';
        ctx.fillText(`max ${maxTrips.toFixed(1)} round trips, RTT ${formatSpan(rtt)}`, 44, 14);
      }));
    }
    const legend = el('div', 'legend');
    for (const [color, text] of [['#1e3a8a', 'segment'], ['#e53935', 'retransmission'], ['#fb8c00', 'out of order'],
      ['#43a047', 'ACK'], ['#fdd835', 'receive window'], ['#000', 'zero window'], ['#1a73e8', 'RTT / in flight']]) {
      const item = el('span');
      const swatch = el('i'); swatch.style.background = color;
      item.append(swatch, document.createTextNode(text));
      legend.append(item);
    }
    box.append(legend, charts);
    return box;
  }

  // ---- Hit testing ---------------------------------------------------------------------------------
  function hitTest(clientX, clientY) {
    const canvas = $('rows');
    const rect = canvas.getBoundingClientRect();
    const x = clientX - rect.left, y = clientY - rect.top + $('rows-scroll').scrollTop;
    for (const hit of state.hits) if (x >= hit.x0 && x <= hit.x1 && y >= hit.y0 && y <= hit.y1) return { type: 'exchange', id: hit.id, conn: state.exchangeById.get(hit.id).conn };
    for (const hit of state.markHits) if (Math.abs(x - hit.x) <= 4 && Math.abs(y - hit.y) <= 4) return { type: 'message', conn: hit.conn, index: hit.index };
    const row = state.layout.find((r) => r.type === 'conn' && y >= r.y && y < r.y + r.h);
    if (!row) return null;
    const c = row.conn, p = c.packets || [];
    const mid = row.y + 15;
    if (Math.abs(y - mid) >= 5 && p.length) {
      const down = y > mid;
      const t = tOf(x), slack = 3 * (state.t1 - state.t0) / plotWidth();
      let best = -1, distance = Infinity;
      for (let i = lowerBound(p, STRIDE, t - slack); i < p.length && p[i] <= t + slack; i += STRIDE) {
        if (((p[i + 1] & DOWN) !== 0) !== down) continue;
        if (!state.showAcks && kindOf(p[i + 1], p[i + 2], p[i + 3]) === 'ack') continue;
        if (Math.abs(p[i] - t) < distance) { distance = Math.abs(p[i] - t); best = i; }
      }
      if (best >= 0) return { type: 'packet', conn: c.id, index: best };
    }
    return { type: 'connection', conn: c.id };
  }

  // ---- Filter --------------------------------------------------------------------------------------
  let filterTimer = null;
  async function applyFilter(text) {
    const input = $('filter'), error = $('filter-error');
    if (!text.trim()) {
      state.matches = null; input.classList.remove('bad'); error.textContent = '';
    } else {
      const result = isServed ? await serverFilter(text) : window.harkFilter.evaluate(text, state);
      if (result.error) {
        input.classList.add('bad'); error.textContent = result.error;
        return;
      }
      input.classList.remove('bad'); error.textContent = '';
      state.matches = { exchanges: new Set(result.exchanges), connections: new Set(result.connections) };
    }
    relayout();
    refreshWaterfallList();
    showHeader();
  }
  async function serverFilter(text) {
    const response = await fetch(api('/api/filter', { q: text }));
    return response.json();
  }

  // ---- Header, live updates, events ----------------------------------------------------------------
  function showHeader() {
    const doc = state.doc;
    $('source').textContent = doc.source;
    const shown = state.matches ? ` (${state.matches.exchanges.size} match)` : '';
    const counters = doc.counters || {};
    const lost = [];
    if (counters.evictedExchanges) lost.push(`${counters.evictedExchanges} oldest exchanges dropped`);
    if (counters.aggregatedPackets) lost.push(`${counters.aggregatedPackets} packets aggregated`);
    if (doc.limits && doc.limits.omittedPackets) {
      const command = isServed ? 'hark web' : 'hark timeline';
      lost.push(`${doc.limits.omittedPackets} packets drawn aggregated to keep the page fast (${command} --max-packets ${doc.limits.maxPackets}; a larger value draws them one by one)`);
    }
    $('counts').textContent = `${state.exchanges.length} exchanges${shown} on ${state.connections.size} connections` +
      (lost.length ? ' · ' + lost.join(', ') : '');
  }

  function applyChanges(changes) {
    const doc = state.doc;
    doc.storeVersion = changes.storeVersion;
    doc.counters = changes.counters;
    doc.finished = changes.finished;
    addDocument(changes);
    if (changes.firstExchangeID !== null && changes.firstExchangeID !== undefined) {
      state.exchanges = state.exchanges.filter((x) => x.id >= changes.firstExchangeID);
      for (const id of [...state.exchangeById.keys()]) if (id < changes.firstExchangeID) state.exchangeById.delete(id);
    }
    const following = state.follow;
    relayout();
    if (following) {
      const span = state.t1 - state.t0;
      const full = state.max - state.min;
      if (span >= full) fit(); else { setView(state.max - span * 0.98, state.max + span * 0.02); state.follow = true; }
    }
    if (state.matches && $('filter').value.trim()) applyFilter($('filter').value);
    else refreshWaterfallList();
    showHeader();
    const live = $('live');
    live.hidden = false;
    live.textContent = doc.finished ? 'capture ended' : '● live';
    document.body.dataset.version = String(doc.storeVersion);
  }

  function listen() {
    const source = new EventSource(api('/api/updates', { since: String(state.doc.storeVersion) }));
    source.addEventListener('changes', (event) => {
      applyChanges(JSON.parse(event.data));
      if (state.doc.finished) source.close();
    });
  }

  let axisDrag = null, rowDrag = null, overviewDrag = null;
  function wire() {
    const rows = $('rows'), scroll = $('rows-scroll'), axis = $('axis'), overview = $('overview');
    scroll.addEventListener('scroll', () => { state.dirty = true; });
    $('waterfall-scroll').addEventListener('scroll', drawWaterfall);
    scroll.addEventListener('wheel', (event) => {
      const overPlot = event.offsetX > LABEL_W || event.target === rows;
      if (event.ctrlKey || event.metaKey || event.altKey) {
        event.preventDefault();
        zoomAround(tOf(event.clientX - rows.getBoundingClientRect().left), Math.exp(event.deltaY * 0.002));
      } else if (Math.abs(event.deltaX) > Math.abs(event.deltaY) && overPlot) {
        event.preventDefault();
        const shift = event.deltaX * (state.t1 - state.t0) / plotWidth();
        setView(state.t0 + shift, state.t1 + shift);
      }
    }, { passive: false });
    axis.addEventListener('wheel', (event) => {
      event.preventDefault();
      zoomAround(tOf(event.offsetX), Math.exp(event.deltaY * 0.002));
    }, { passive: false });
    rows.addEventListener('pointerdown', (event) => {
      rowDrag = { x: event.clientX, t0: state.t0, t1: state.t1, moved: false };
      rows.setPointerCapture(event.pointerId);
    });
    rows.addEventListener('pointermove', (event) => {
      if (!rowDrag) return;
      const dx = event.clientX - rowDrag.x;
      if (Math.abs(dx) > 3) rowDrag.moved = true;
      if (rowDrag.moved) {
        const shift = -dx * (rowDrag.t1 - rowDrag.t0) / plotWidth();
        setView(rowDrag.t0 + shift, rowDrag.t1 + shift);
      }
    });
    rows.addEventListener('pointerup', (event) => {
      const drag = rowDrag;
      rowDrag = null;
      if (drag && !drag.moved) {
        const hit = hitTest(event.clientX, event.clientY);
        if (hit) select(hit);
      }
    });
    rows.addEventListener('dblclick', fit);
    axis.addEventListener('pointerdown', (event) => {
      axisDrag = { x0: event.offsetX, x1: event.offsetX, moved: false };
      axis.setPointerCapture(event.pointerId);
    });
    axis.addEventListener('pointermove', (event) => {
      if (!axisDrag) return;
      axisDrag.x1 = event.offsetX;
      axisDrag.moved = Math.abs(axisDrag.x1 - axisDrag.x0) > 3;
      state.dirty = true;
    });
    axis.addEventListener('pointerup', () => {
      if (axisDrag && axisDrag.moved) {
        const a = tOf(Math.min(axisDrag.x0, axisDrag.x1)), b = tOf(Math.max(axisDrag.x0, axisDrag.x1));
        setView(a, b);
      }
      axisDrag = null; state.dirty = true;
    });
    const overviewTime = (event) => state.min + event.offsetX / overview.clientWidth * (state.max - state.min);
    overview.addEventListener('pointerdown', (event) => {
      overviewDrag = true; overview.setPointerCapture(event.pointerId);
      const span = state.t1 - state.t0, t = overviewTime(event);
      setView(t - span / 2, t + span / 2);
    });
    overview.addEventListener('pointermove', (event) => {
      if (!overviewDrag) return;
      const span = state.t1 - state.t0, t = overviewTime(event);
      setView(t - span / 2, t + span / 2);
    });
    overview.addEventListener('pointerup', () => { overviewDrag = null; });
    $('zoom').addEventListener('input', (event) => {
      const full = (state.max - state.min) * 1.02 + 10;
      const span = full / Math.pow(full / 10, Number(event.target.value) / 1000);
      const centre = (state.t0 + state.t1) / 2;
      setView(centre - span / 2, centre + span / 2);
    });
    $('reset').addEventListener('click', fit);
    $('show-acks').addEventListener('change', (event) => { state.showAcks = event.target.checked; state.dirty = true; });
    $('filter').addEventListener('input', (event) => {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => applyFilter(event.target.value), 250);
    });
    $('filter').addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { clearTimeout(filterTimer); applyFilter(event.target.value); }
    });
    document.addEventListener('keydown', (event) => {
      if (event.target.tagName === 'INPUT') return;
      const centre = (state.t0 + state.t1) / 2, span = state.t1 - state.t0;
      if (event.key === '+' || event.key === '=') zoomAround(centre, 0.7);
      else if (event.key === '-') zoomAround(centre, 1 / 0.7);
      else if (event.key === 'ArrowLeft') setView(state.t0 - span * 0.2, state.t1 - span * 0.2);
      else if (event.key === 'ArrowRight') setView(state.t0 + span * 0.2, state.t1 + span * 0.2);
      else if (event.key === '0') fit();
    });
    window.addEventListener('resize', () => { state.dirty = true; drawWaterfall(); });
  }

  let lastWaterfallView = '';
  let waterfallTimer = null;
  function frame() {
    if (state.dirty && state.doc) {
      state.dirty = false;
      drawAxis();
      drawOverview();
      drawRows();
      const view = state.t0 + ':' + state.t1;
      // the list's bars follow the view once zooming or panning pauses: rebuilding its rows on every
      // frame would cost more than drawing the canvas
      if (view !== lastWaterfallView) {
        lastWaterfallView = view;
        clearTimeout(waterfallTimer);
        waterfallTimer = setTimeout(drawWaterfall, 120);
      }
      state.frames = (state.frames || 0) + 1;
      if (!state.ready) {
        // interactive once the first frame is drawn: what the benchmark's `hark-ready` measures
        state.ready = true;
        document.body.dataset.ready = 'true';
        performance.mark('hark-ready');
      }
    }
    requestAnimationFrame(frame);
  }

  async function start() {
    wire();
    let doc = embedded;
    if (isServed) {
      const response = await fetch(api('/api/timeline'));
      if (!response.ok) {
        $('details').replaceChildren(el('p', 'problem', `The server refused: ${response.status} ${response.statusText}`));
        return;
      }
      doc = await response.json();
    }
    load(doc);
    refreshWaterfallList();
    document.body.dataset.version = String(doc.storeVersion);
    if (isServed && !doc.finished) listen();
    else if (isServed) { $('live').hidden = false; $('live').textContent = 'capture ended'; }
    requestAnimationFrame(frame);
  }
  start();
})();
