// hark's filter language, evaluated in the page for a report that opens offline (a served page asks the
// server, which uses HarkFilter itself). It follows the README's table: fields, operators, globs, regular
// expressions, quantities with units, and/or/not with parentheses. Tests compare its answers with
// HarkFilter's on the same capture.
'use strict';
window.harkFilter = (function () {
  class FilterError extends Error {
    constructor(message, column) { super(message); this.column = column; }
  }

  function tokenize(text) {
    const tokens = [];
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (/\s/.test(c)) { i++; continue; }
      const start = i;
      if (c === '(' || c === ')') { tokens.push({ kind: c, text: c, column: start + 1 }); i++; continue; }
      const two = text.slice(i, i + 2);
      if (two === '&&' || two === '||') { tokens.push({ kind: 'word', text: two === '&&' ? 'and' : 'or', column: start + 1 }); i += 2; continue; }
      if (['!=', '!~', '<=', '>='].includes(two)) { tokens.push({ kind: 'op', text: two, column: start + 1 }); i += 2; continue; }
      if ('=~<>'.includes(c)) { tokens.push({ kind: 'op', text: c, column: start + 1 }); i++; continue; }
      if (c === '!') { tokens.push({ kind: 'word', text: 'not', column: start + 1 }); i++; continue; }
      if (c === '"' || c === "'") {
        let value = '';
        i++;
        while (i < text.length && text[i] !== c) {
          if (text[i] === '\\' && i + 1 < text.length) {
            const n = text[i + 1];
            const escapes = { '"': '"', "'": "'", '\\': '\\', n: '\n', t: '\t' };
            if (n in escapes) { value += escapes[n]; i += 2; continue; }
          }
          value += text[i++];
        }
        if (i >= text.length) throw new FilterError('the quoted value is not closed', start + 1);
        i++;
        tokens.push({ kind: 'value', text: value, quoted: true, column: start + 1 });
        continue;
      }
      while (i < text.length && !/[\s()=~<>!]/.test(text[i])) {
        if (text[i] === '!' && !['!=', '!~'].includes(text.slice(i, i + 2))) { i++; continue; }
        i++;
      }
      if (i === start) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), column: start + 1 });
    }
    return tokens;
  }

  const STRING_FIELDS = ['host', 'method', 'path', 'url', 'content-type', 'grpc.method'];
  const NUMBER_FIELDS = ['status', 'latency', 'req.size', 'resp.size', 'conn', 'stream', 'grpc.status', 'port'];
  const ADDRESS_FIELDS = ['ip', 'client', 'server'];

  function parse(text) {
    const tokens = tokenize(text);
    let position = 0;
    const peek = () => tokens[position];
    const isWord = (token, word) => token && token.kind === 'word' && token.text.toLowerCase() === word;
    function parseOr() {
      let node = parseAnd();
      while (isWord(peek(), 'or')) { position++; node = { or: [node, parseAnd()] }; }
      return node;
    }
    function parseAnd() {
      let node = parseUnary();
      while (isWord(peek(), 'and')) { position++; node = { and: [node, parseUnary()] }; }
      return node;
    }
    function parseUnary() {
      const token = peek();
      if (!token) throw new FilterError('expected a condition', text.length + 1);
      if (isWord(token, 'not')) { position++; return { not: parseUnary() }; }
      if (token.kind === '(') {
        position++;
        const node = parseOr();
        if (!peek() || peek().kind !== ')') throw new FilterError('expected ")"', peek() ? peek().column : text.length + 1);
        position++;
        return node;
      }
      return parseComparison();
    }
    function parseComparison() {
      const fieldToken = peek();
      if (fieldToken.kind !== 'word') throw new FilterError(`expected a field, found "${fieldToken.text}"`, fieldToken.column);
      const field = fieldToken.text.toLowerCase();
      const known = STRING_FIELDS.includes(field) || NUMBER_FIELDS.includes(field) || ADDRESS_FIELDS.includes(field) ||
        field === 'proto' || /^(req\.|resp\.)?header\.[^\s]+$/.test(field);
      if (!known) throw new FilterError(`unknown field "${fieldToken.text}"`, fieldToken.column);
      position++;
      const next = peek();
      if (isWord(next, 'exists') || isWord(next, 'missing')) {
        position++;
        return { field, exists: next.text.toLowerCase() === 'exists' };
      }
      if (!next || next.kind !== 'op') throw new FilterError(`expected an operator after "${fieldToken.text}"`, next ? next.column : text.length + 1);
      position++;
      const valueToken = peek();
      if (!valueToken || (valueToken.kind !== 'word' && valueToken.kind !== 'value')) {
        throw new FilterError(`expected a value after "${fieldToken.text} ${next.text}"`, valueToken ? valueToken.column : text.length + 1);
      }
      position++;
      return compile(field, next.text, valueToken);
    }
    const node = parseOr();
    if (position < tokens.length) throw new FilterError(`unexpected "${tokens[position].text}"`, tokens[position].column);
    return node;
  }

  function glob(pattern, ignoreCase) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '?')) { source += '\\' + pattern[++i]; continue; }
      source += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
    }
    return new RegExp('^' + source + '$', ignoreCase ? 'is' : 's');
  }

  const DURATION = { us: 1, 'µs': 1, ms: 1e3, s: 1e6 };
  const SIZE = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1048576, gib: 1073741824 };
  function quantity(field, token) {
    const m = /^(\d+(?:\.\d+)?)([a-zµ]*)$/i.exec(token.text);
    if (!m) throw new FilterError(`expected a number after "${field}", found "${token.text}"`, token.column);
    const unit = m[2].toLowerCase();
    if (field === 'latency') {
      if (unit && !(unit in DURATION)) throw new FilterError(`unknown duration unit "${m[2]}"`, token.column);
      return Number(m[1]) * (unit ? DURATION[unit] : 1e3);
    }
    if (field.endsWith('.size')) {
      if (unit && !(unit in SIZE)) throw new FilterError(`unknown size unit "${m[2]}"`, token.column);
      return Number(m[1]) * (unit ? SIZE[unit] : 1);
    }
    if (unit) throw new FilterError(`expected a number after "${field}", found "${token.text}"`, token.column);
    return Number(m[1]);
  }

  function compile(field, op, token) {
    const value = token.text;
    if (NUMBER_FIELDS.includes(field)) {
      if (field === 'status' && /^[1-5]xx$/i.test(value)) {
        if (op !== '=' && op !== '!=') throw new FilterError('a status class takes = or !=', token.column);
        const cls = Number(value[0]);
        return { field, op, test: (v) => Math.floor(v / 100) === cls };
      }
      if (op === '~' || op === '!~') throw new FilterError(`"${field}" takes = != < <= > >=`, token.column);
      const number = quantity(field, token);
      const tests = { '=': (v) => v === number, '!=': (v) => v === number, '<': (v) => v < number, '<=': (v) => v <= number, '>': (v) => v > number, '>=': (v) => v >= number };
      return { field, op, test: tests[op] };
    }
    if (ADDRESS_FIELDS.includes(field)) {
      if (op !== '=' && op !== '!=') throw new FilterError(`"${field}" takes = or !=`, token.column);
      return { field, op, test: addressTest(value, field !== 'ip') };
    }
    if (field === 'proto') {
      if (op !== '=' && op !== '!=') throw new FilterError('"proto" takes = or !=', token.column);
      return { field, op, test: (v) => v.includes(value.toLowerCase()) };
    }
    const ignoreCase = field === 'host' || field === 'content-type' || field.includes('header.');
    if (op === '~' || op === '!~') {
      let regex;
      try { regex = new RegExp(value, ignoreCase ? 'i' : ''); } catch (e) { throw new FilterError(`not a regular expression: ${e.message}`, token.column); }
      return { field, op, test: (v) => regex.test(v) };
    }
    if (op !== '=' && op !== '!=') throw new FilterError(`"${field}" takes = != ~ !~`, token.column);
    const pattern = glob(value, ignoreCase);
    return { field, op, test: (v) => pattern.test(v) };
  }

  function ipv4(text) {
    const parts = text.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p) || Number(p) > 255)) return null;
    return parts.reduce((a, p) => a * 256 + Number(p), 0);
  }
  function splitEndpoint(endpoint) {
    const m = /^\[(.*)\]:(\d+)$/.exec(endpoint) || /^(.*):(\d+)$/.exec(endpoint);
    return m ? { address: m[1], port: Number(m[2]) } : { address: endpoint, port: null };
  }
  function addressTest(pattern, withPort) {
    let port = null, address = pattern;
    const bracket = /^\[(.*)\](?::(\d+))?$/.exec(pattern);
    if (bracket) { address = bracket[1]; port = bracket[2] ? Number(bracket[2]) : null; }
    else if (withPort && /^[\d.]+:\d+$/.test(pattern)) { [address, port] = pattern.split(':'); port = Number(port); }
    const [base, bits] = address.split('/');
    const v4 = ipv4(base);
    return (endpoint) => {
      const e = splitEndpoint(endpoint);
      if (port !== null && e.port !== port) return false;
      if (v4 !== null && bits !== undefined) {
        const a = ipv4(e.address);
        if (a === null) return false;
        const n = Number(bits), mask = n === 0 ? 0 : Math.pow(2, 32) - Math.pow(2, 32 - n);
        return Math.floor(a / Math.pow(2, 32 - n)) === Math.floor(v4 / Math.pow(2, 32 - n)) && mask >= 0;
      }
      return e.address.toLowerCase() === base.toLowerCase();
    };
  }

  // The values of a field for one exchange: a list (either end, either message), empty when missing.
  function values(field, x, c, detail) {
    const headers = (message, name) => message ? (message.headers || []).filter(([n]) => n.toLowerCase() === name).map(([, v]) => v) : [];
    const header = /^(req\.|resp\.)?header\.(.+)$/.exec(field);
    if (header) {
      if (!detail) throw new FilterError('header fields need the exchanges\' headers, which this report does not include', 1);
      const name = header[2].toLowerCase();
      if (header[1] === 'req.') return headers(detail.request, name);
      if (header[1] === 'resp.') return headers(detail.response, name);
      return headers(detail.request, name).concat(headers(detail.response, name));
    }
    const path = () => {
      const m = /^[a-z]+:\/\/[^/]*([^?#]*)/i.exec(x.url);
      return m ? (m[1] || '/') : x.url.split(/[?#]/)[0];
    };
    switch (field) {
      case 'host': return [x.host];
      case 'method': return [x.method];
      case 'path': return [path()];
      case 'url': return [x.url];
      case 'status': return x.status === null ? [] : [x.status];
      case 'latency': return [(x.respEnd ?? x.reqEnd) - x.reqStart];
      case 'req.size': return [x.reqSize];
      case 'resp.size': return x.status === null ? [] : [x.respSize];
      case 'content-type': return x.type ? [x.type.split(';')[0].trim()] : [];
      case 'conn': return [x.conn];
      case 'stream': return x.stream === null || x.stream === undefined ? [] : [x.stream];
      case 'grpc.status': return x.grpc && x.grpc.status !== null ? [x.grpc.status] : [];
      case 'grpc.method': return x.grpc && x.grpc.service && x.grpc.method ? [`/${x.grpc.service}/${x.grpc.method}`] : [];
      case 'proto': {
        const list = [x.proto === 'h1' ? 'http1' : x.proto];
        if (x.proto === 'grpc') list.push('h2');
        if (c && c.tls) list.push('tls');
        return [list];
      }
      case 'ip': return c ? [c.client, c.server] : [];
      case 'port': return c ? [splitEndpoint(c.client).port, splitEndpoint(c.server).port] : [];
      case 'client': return c ? [c.client] : [];
      case 'server': return c ? [c.server] : [];
    }
    return [];
  }

  function matches(node, x, c, detail) {
    if (node.or) return matches(node.or[0], x, c, detail) || matches(node.or[1], x, c, detail);
    if (node.and) return matches(node.and[0], x, c, detail) && matches(node.and[1], x, c, detail);
    if (node.not) return !matches(node.not, x, c, detail);
    let list = values(node.field, x, c, detail);
    if (node.field === 'content-type' && node.test && (node.op === '~' || node.op === '!~') && x.type) list = [x.type];
    if ('exists' in node) return node.exists === (list.length > 0);
    const negative = node.op === '!=' || node.op === '!~';
    const any = list.some((v) => node.test(v));
    return negative ? !any : any;
  }

  // Connection-only fields: a connection with no exchange matches by itself.
  const CONNECTION_FIELDS = ['proto', 'ip', 'port', 'client', 'server', 'conn'];
  function connectionOnly(node) {
    if (node.or) return connectionOnly(node.or[0]) && connectionOnly(node.or[1]);
    if (node.and) return connectionOnly(node.and[0]) && connectionOnly(node.and[1]);
    if (node.not) return connectionOnly(node.not);
    return CONNECTION_FIELDS.includes(node.field);
  }

  function evaluate(text, state) {
    let tree;
    try { tree = parse(text); } catch (error) {
      if (error instanceof FilterError) return { error: `column ${error.column}: ${error.message}` };
      throw error;
    }
    const details = state.doc.details || {};
    const exchanges = [], connections = new Set();
    try {
      for (const x of state.exchanges) {
        if (matches(tree, x, state.connections.get(x.conn), details[String(x.id)])) { exchanges.push(x.id); connections.add(x.conn); }
      }
      if (connectionOnly(tree)) {
        for (const c of state.connections.values()) {
          const blank = { url: '', host: '', method: '', status: null, reqSize: 0, respSize: 0, conn: c.id, proto: c.protocol === 'http1' ? 'h1' : c.protocol, reqStart: 0, reqEnd: 0 };
          if (matches(tree, blank, c, null)) connections.add(c.id);
        }
      }
    } catch (error) {
      if (error instanceof FilterError) return { error: error.message };
      throw error;
    }
    return { exchanges, connections: [...connections] };
  }

  return { evaluate, parse };
})();
