// The timeline document (Tests/Schemas/hark-timeline.schema.json) expanded into the objects the page
// draws: exchange columns into rows, delta-coded packets, buckets and messages into absolute values,
// a report's compact details into heads; and a HAR entry built from an exchange and its details, for a
// report (a served page gets the server's).
'use strict';
window.harkModel = (function () {
  const text = (strings, i) => (i === null || i === undefined ? null : strings[i]);

  // Rows from the exchange columns, in the document's order (a column left out is all null).
  function exchanges(columns, strings) {
    const rows = new Array(columns.count);
    let id = 0, start = 0;
    const none = [];
    const value = (name, i) => (columns[name] || none)[i] ?? null;
    const s = (name, i) => text(strings, value(name, i));
    const after = (name, i) => (value(name, i) === null ? null : start + value(name, i));
    for (let i = 0; i < columns.count; i++) {
      id += columns.id[i];
      start += columns.start[i];
      const scheme = s('scheme', i), authority = s('authority', i), target = value('target', i);
      const reqType = s('reqType', i), respType = s('respType', i);
      const service = s('grpcService', i), method = s('grpcMethod', i), grpcStatus = value('grpcStatus', i);
      rows[i] = {
        id, conn: columns.conn[i], proto: s('label', i), app: s('app', i), stream: value('stream', i),
        method: s('method', i), scheme, authority, host: s('host', i), target,
        url: value('url', i) ?? `${scheme}://${authority}${target}`, status: value('status', i), reqType, respType,
        type: respType ?? reqType, reqSize: columns.reqSize[i], respSize: columns.respSize[i], start,
        connectEnd: after('connectEnd', i), tlsStart: after('tlsStart', i), tlsEnd: after('tlsEnd', i),
        reqStart: after('reqStart', i), reqEnd: after('reqEnd', i), respStart: after('respStart', i),
        respEnd: after('respEnd', i), problems: columns.problems[i],
        grpc: service !== null || method !== null || grpcStatus !== null ? { service, method, status: grpcStatus } : null,
        switchedTo: s('switchedTo', i), placeholder: columns.placeholder[i] === 1, marks: null,
      };
    }
    return rows;
  }

  // A connection's packets, buckets and messages with absolute values, in place (once per object).
  function connection(c, strings) {
    if (c.decoded) return c;
    c.decoded = true;
    const p = c.packets;
    const last = [0, 0, 0, 0, 0, 0];
    let t = 0;
    for (let i = 0; i < p.length; i += 7) {
      t += p[i];
      p[i] = t;
      const base = p[i + 1] & 4096 ? 3 : 0;
      for (let k = 0; k < 3; k++) {
        const v = p[i + 4 + k];
        if (v === null) p[i + 4 + k] = -1;
        else p[i + 4 + k] = last[base + k] += v;
      }
    }
    const b = c.buckets;
    let from = 0;
    for (let i = 0; i < b.length; i += 9) {
      from += b[i];
      b[i] = from;
      b[i + 1] += from;
    }
    const m = c.messages || [];
    const marks = [];
    let first = 0;
    for (let i = 0; i < m.length; i += 5) {
      first += m[i];
      marks.push({ start: first, end: first + m[i + 1], opcode: m[i + 2] & 255, down: (m[i + 2] & 256) !== 0,
        stream: Math.floor(m[i + 2] / 512) || null, length: m[i + 3], text: text(strings, m[i + 4]) });
    }
    c.messages = marks;
    return c;
  }

  // gRPC message marks by exchange id.
  function grpcMarks(flat) {
    const byExchange = new Map();
    for (let i = 0; i < (flat || []).length; i += 5) {
      let list = byExchange.get(flat[i]);
      if (!list) byExchange.set(flat[i], list = []);
      list.push({ down: flat[i + 1] === 1, time: flat[i + 2], length: flat[i + 3], compressed: (flat[i + 4] & 1) !== 0,
        undecoded: (flat[i + 4] & 2) !== 0 });
    }
    return byExchange;
  }

  // A report's details (one array per exchange, in the exchanges' order) as heads by exchange id.
  function details(list, rows, strings) {
    const byId = new Map();
    if (!list) return byId;
    const heads = (flat) => {
      const out = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push([strings[flat[i]], strings[flat[i + 1]]]);
      return out;
    };
    list.forEach((d, i) => {
      const x = rows[i];
      if (!d || !x) return;
      const r = d[3];
      byId.set(x.id, {
        id: x.id,
        request: { method: x.method, target: x.target, version: text(strings, d[0]), headers: heads(d[1]), body: d[2] },
        response: r ? { status: r[0], reason: text(strings, r[1]), version: text(strings, r[2]), headers: heads(r[3]), body: r[4] } : null,
        interim: d[4], problems: d[5].map((j) => strings[j]),
      });
    });
    return byId;
  }

  // A one-entry HAR 1.2 log for exchange `x` with its `detail`, on connection `c`; `origin` is the
  // document's epoch microseconds. Timings follow Chrome: connect includes TLS, ssl is its part.
  function har(x, detail, c, origin) {
    const ms = (us) => Math.round(us) / 1000;
    const span = (a, b) => (a === null || a === undefined || b === null || b === undefined ? -1 : ms(Math.max(0, b - a)));
    const connected = x.tlsEnd ?? x.connectEnd;
    const end = x.respEnd ?? x.reqEnd;
    const timings = {
      blocked: span(connected ?? x.start, x.reqStart), dns: -1, connect: span(x.start, connected),
      ssl: span(x.tlsStart, x.tlsEnd), send: span(x.reqStart, x.reqEnd), wait: span(x.reqEnd, x.respStart),
      receive: span(x.respStart, x.respEnd),
    };
    if (x.respStart === null || x.respStart === undefined) { timings.wait = 0; timings.receive = 0; }
    const fields = (list) => (list || []).map(([name, value]) => ({ name, value }));
    const query = [];
    const q = x.url.indexOf('?');
    if (q >= 0) {
      for (const part of x.url.slice(q + 1).split('#')[0].split('&')) {
        if (!part) continue;
        const eq = part.indexOf('=');
        const decode = (t) => { try { return decodeURIComponent(t.replace(/\+/g, ' ')); } catch (e) { return t; } };
        query.push({ name: decode(eq < 0 ? part : part.slice(0, eq)), value: eq < 0 ? '' : decode(part.slice(eq + 1)) });
      }
    }
    const request = detail ? detail.request : { version: '', headers: [], body: null };
    const response = detail ? detail.response : null;
    const entry = {
      startedDateTime: new Date((origin + x.start) / 1000).toISOString(),
      time: ms(end - x.start),
      request: {
        method: x.method, url: x.url, httpVersion: request.version || '', cookies: [], headers: fields(request.headers),
        queryString: query, headersSize: -1, bodySize: x.reqSize,
      },
      response: {
        status: response ? response.status : 0, statusText: response ? response.reason || '' : '',
        httpVersion: response ? response.version || '' : '', cookies: [], headers: fields(response ? response.headers : []),
        content: { size: x.respSize, mimeType: x.respType || 'x-unknown' }, redirectURL: '', headersSize: -1,
        bodySize: response ? x.respSize : -1,
      },
      cache: {}, timings, connection: String(x.conn),
    };
    if (request.body && request.body.text !== undefined && x.reqSize > 0) {
      entry.request.postData = { mimeType: x.reqType || 'application/octet-stream', text: request.body.text };
    }
    if (response && response.body && response.body.text !== undefined) entry.response.content.text = response.body.text;
    if (response) {
      const location = response.headers.find(([name]) => name.toLowerCase() === 'location');
      if (location) entry.response.redirectURL = location[1];
    }
    if (c) {
      const m = /^\[(.*)\]:\d+$/.exec(c.server) || /^(.*):\d+$/.exec(c.server);
      if (m) entry.serverIPAddress = m[1];
    }
    return { log: { version: '1.2', creator: { name: 'hark', version: 'web' }, entries: [entry] } };
  }

  return { exchanges, connection, grpcMarks, details, har };
})();
