// hark's filter language, evaluated in the page for a report that opens offline (a served page asks the
// server, which runs HarkFilter itself). A port of Sources/HarkFilter, kept in step with it: the scanner,
// the parser and its errors, the value compiler (units, globs, regular expressions, addresses) and the
// evaluation on the page's exchange rows and connections. FilterParityTests runs a list of expressions
// through both on corpus captures and compares the exchanges and connections they select.
'use strict';
window.harkFilter = (function () {
  class FilterError extends Error {
    constructor(message, column) { super(message); this.column = column; }
  }

  // ---- Scanner (FilterScanner.swift): structural tokens, and values on demand after an operator -----
  const isWord = (c) => c !== undefined && /^[A-Za-z0-9\-_.#$%+^`]$/.test(c);
  const isSpace = (c) => c !== undefined && /^\s$/u.test(c);

  class Scanner {
    constructor(text) { this.chars = Array.from(text); this.position = 0; }
    at(i) { return i >= 0 && i < this.chars.length ? this.chars[i] : undefined; }
    skip() { while (isSpace(this.at(this.position))) this.position++; }
    text(from) { return this.chars.slice(from, this.position).join(''); }
    token(kind, from, extra) { return Object.assign({ kind, column: from + 1, text: this.text(from) }, extra || {}); }
    next() {
      this.skip();
      const start = this.position;
      const first = this.at(start), second = this.at(start + 1);
      if (first === undefined) return { kind: 'end', column: start + 1, text: '' };
      let kind = null, op = null, pair = false;
      if (first === '(') kind = '(';
      else if (first === ')') kind = ')';
      else if (first === '&' && second === '&') { kind = 'and'; pair = true; }
      else if (first === '|' && second === '|') { kind = 'or'; pair = true; }
      else if (first === '!' && second === '=') { op = '!='; pair = true; }
      else if (first === '!' && second === '~') { op = '!~'; pair = true; }
      else if (first === '!') kind = 'not';
      else if (first === '=') { op = '='; pair = second === '='; }
      else if (first === '<') { op = second === '=' ? '<=' : '<'; pair = second === '='; }
      else if (first === '>') { op = second === '=' ? '>=' : '>'; pair = second === '='; }
      else if (first === '~') op = '~';
      else if (!isWord(first)) { this.position++; return this.token('invalid', start); }
      else {
        while (isWord(this.at(this.position))) this.position++;
        const word = this.text(start);
        const lower = word.toLowerCase();
        if (lower === 'and' || lower === 'or' || lower === 'not') return this.token(lower, start);
        return this.token('word', start, { word });
      }
      this.position += pair ? 2 : 1;
      return op ? this.token('op', start, { op }) : this.token(kind, start);
    }
    value() {
      this.skip();
      const start = this.position;
      const first = this.at(start);
      if (first === undefined) return null;
      if (first === '"' || first === "'") return this.quoted(first);
      let depth = 0;
      for (let c = this.at(this.position); c !== undefined; c = this.at(this.position)) {
        const next = this.at(this.position + 1);
        if (isSpace(c) || (c === '&' && next === '&') || (c === '|' && next === '|')) break;
        if (c === '(') depth++;
        if (c === ')') { if (depth === 0) break; depth--; }
        this.position++;
      }
      if (this.position === start) return null;
      return { text: this.text(start), column: start + 1 };
    }
    quoted(quote) {
      const start = this.position;
      this.position++;
      let text = '';
      for (let c = this.at(this.position); c !== undefined; c = this.at(this.position)) {
        this.position++;
        if (c === quote) return { text, column: start + 1 };
        const escaped = this.at(this.position);
        if (c !== '\\' || escaped === undefined) { text += c; continue; }
        this.position++;
        const known = { '"': '"', "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t' };
        text += escaped in known ? known[escaped] : '\\' + escaped;
      }
      throw new FilterError('this string is never closed', start + 1);
    }
  }

  // ---- Fields (FilterField.swift) ----------------------------------------------------------------
  const KINDS = { host: 'text', method: 'text', path: 'text', url: 'text', 'content-type': 'text', 'grpc.method': 'text',
    msg: 'text', status: 'status', latency: 'duration', 'req.size': 'size', 'resp.size': 'size', port: 'number',
    conn: 'number', stream: 'number', 'grpc.status': 'number', proto: 'protocolName', ip: 'address', client: 'endpoint',
    server: 'endpoint' };
  const ALIASES = { 'tcp.stream': 'conn', message: 'msg', 'ws.text': 'msg' };
  const CONNECTION_FIELDS = ['proto', 'ip', 'port', 'client', 'server', 'conn'];
  const CAN_BE_MISSING = ['status', 'resp.size', 'content-type', 'stream', 'grpc.status', 'grpc.method', 'msg'];
  const OPERATORS = { text: ['=', '!=', '~', '!~'], status: ['=', '!=', '<', '<=', '>', '>='], protocolName: ['=', '!='],
    address: ['=', '!='], endpoint: ['=', '!='] };
  OPERATORS.duration = OPERATORS.size = OPERATORS.number = OPERATORS.status;

  // The field called `name`: {name, kind, header?: {scope, name}}, or null.
  function fieldNamed(name) {
    let lower = name.toLowerCase();
    if (lower.startsWith('request.')) lower = 'req.' + lower.slice(8);
    if (lower.startsWith('response.')) lower = 'resp.' + lower.slice(9);
    for (const [prefix, scope] of [['header.', 'either'], ['req.header.', 'request'], ['resp.header.', 'response']]) {
      if (!lower.startsWith(prefix)) continue;
      const header = lower.slice(prefix.length);
      if (!header || !/^[a-z0-9\-_.#$%+^`]+$/.test(header)) return null;
      return { name: lower, kind: 'text', header: { scope, name: header } };
    }
    lower = ALIASES[lower] || lower;
    return KINDS[lower] ? { name: lower, kind: KINDS[lower] } : null;
  }
  const ignoresCase = (field) => field.name === 'host' || field.name === 'content-type' || !!field.header;
  const canBeMissing = (field) => !!field.header || CAN_BE_MISSING.includes(field.name);

  // ---- Parser (FilterParser.swift) ---------------------------------------------------------------
  function parse(text) {
    const scanner = new Scanner(text);
    let current = scanner.next();
    let depth = 0;
    let firstExchangeField = null;
    const advance = () => { current = scanner.next(); };
    const describe = (token) => token.kind === 'end' ? 'the end of the filter' : `"${token.text}"`;
    const enter = (token) => {
      if (++depth > 64) throw new FilterError('the filter nests deeper than 64 levels', token.column);
    };
    function parseOr() {
      const terms = [parseAnd()];
      while (current.kind === 'or') { advance(); terms.push(parseAnd()); }
      return terms.length === 1 ? terms[0] : { any: terms };
    }
    function parseAnd() {
      const terms = [parseUnary()];
      while (current.kind === 'and') { advance(); terms.push(parseUnary()); }
      return terms.length === 1 ? terms[0] : { all: terms };
    }
    function parseUnary() {
      if (current.kind !== 'not') return parsePrimary();
      enter(current);
      advance();
      const operand = parseUnary();
      depth--;
      return { not: operand };
    }
    function parsePrimary() {
      if (current.kind === '(') {
        const open = current;
        enter(open);
        advance();
        const node = parseOr();
        if (current.kind !== ')') throw new FilterError(`expected ")" to close the "(" at column ${open.column}, found ${describe(current)}`, current.column);
        advance();
        depth--;
        return node;
      }
      if (current.kind === 'word') return parseCondition();
      if (current.kind === 'op') throw new FilterError(`expected a field name before "${current.text}"`, current.column);
      throw new FilterError(`expected a condition, found ${describe(current)}`, current.column);
    }
    function parseCondition() {
      const fieldToken = current;
      const field = resolveField(fieldToken);
      if (!CONNECTION_FIELDS.includes(field.name) && !firstExchangeField) firstExchangeField = fieldToken;
      advance();
      if (current.kind === 'word' && ['exists', 'missing'].includes(current.word.toLowerCase())) {
        const keyword = current.word.toLowerCase();
        if (!canBeMissing(field)) throw new FilterError(`${field.name} is always there, so "${current.word}" does not apply`, current.column);
        advance();
        const test = { present: field };
        return keyword === 'exists' ? { test } : { not: { test } };
      }
      if (current.kind === 'op') {
        const op = current.op;
        if (!OPERATORS[field.kind].includes(op)) throw new FilterError(`${field.name} does not take ${op}`, current.column);
        const value = scanner.value();
        if (!value) {
          advance();
          throw new FilterError(`expected a value after "${field.name} ${op}", found ${describe(current)}`, current.column);
        }
        const test = compile(field, op, value);
        advance();
        return op === '!=' || op === '!~' ? { not: { test } } : { test };
      }
      throw new FilterError(`expected an operator after "${fieldToken.text}", found ${describe(current)}`, current.column);
    }
    function resolveField(token) {
      const field = fieldNamed(token.word);
      if (field) return field;
      const lower = token.word.toLowerCase();
      if (lower === 'exists' || lower === 'missing') throw new FilterError(`expected a field name before "${token.word}"`, token.column);
      for (const prefix of ['header', 'req.header', 'resp.header', 'request.header', 'response.header']) {
        if (lower === prefix || lower === prefix + '.') throw new FilterError(`${prefix} needs a header name`, token.column);
      }
      throw new FilterError(`unknown field "${token.word}"`, token.column);
    }
    if (current.kind === 'end') throw new FilterError('the filter is empty', current.column);
    const root = parseOr();
    if (current.kind === ')') throw new FilterError('this ")" has no "(" to close', current.column);
    if (current.kind === 'invalid' && (current.text === '&' || current.text === '|')) {
      throw new FilterError(`a single "${current.text}" is not an operator`, current.column);
    }
    if (current.kind !== 'end') throw new FilterError(`expected "and", "or" or the end of the filter, found ${describe(current)}`, current.column);
    return { root, firstExchangeField };
  }

  // ---- Values (ValueCompiler.swift, Quantity.swift, GlobPattern.swift, AddressPattern.swift) ---------
  const DURATION = { '': 1e6, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 }; // nanoseconds
  const SIZE = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1048576, g: 1e9, gb: 1e9, gib: 1073741824 };
  const INT64_MAX = 9223372036854775807;

  function quantity(field, op, value, noun, units) {
    const m = /^(\d+)(?:\.(\d+))?(.*)$/su.exec(value.text);
    const expected = () => new FilterError(`expected ${noun} after "${field.name} ${op}", found "${value.text}"`, value.column);
    if (!m || /^\./.test(m[3])) throw expected();
    const unit = m[3];
    if (!/^\p{Alphabetic}*$/u.test(unit)) throw expected();
    const scale = units[unit.toLowerCase()];
    if (scale === undefined) {
      if (Object.keys(units).length > 1) throw new FilterError(`unknown unit "${unit}" in "${value.text}"`, value.column);
      throw expected();
    }
    const fraction = (m[2] || '').slice(0, 9);
    const total = Number(m[1]) * scale + (fraction ? Math.floor(Number(fraction) * scale / Math.pow(10, fraction.length)) : 0);
    if (total > INT64_MAX) throw new FilterError(`${value.text} is too large`, value.column);
    return total;
  }

  function isGlob(text) {
    let escaped = false;
    for (const c of text) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '*' || c === '?') return true;
    }
    return false;
  }
  function unescaped(text) {
    let out = '', escaped = false;
    for (const c of text) {
      if (!escaped && c === '\\') { escaped = true; continue; }
      if (escaped && c !== '*' && c !== '?' && c !== '\\') out += '\\';
      escaped = false;
      out += c;
    }
    return escaped ? out + '\\' : out;
  }
  const asciiLower = (text) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

  // Glob elements: a character, ANY (one character) or RUN (any run); matched over code points with the
  // single-backtrack algorithm GlobPattern uses.
  const ANY = {}, RUN = {};
  function globElements(pattern, caseless) {
    const elements = [];
    let escaped = false;
    for (const c of pattern) {
      if (escaped) {
        escaped = false;
        if (c !== '*' && c !== '?' && c !== '\\') elements.push('\\');
        elements.push(caseless ? asciiLower(c) : c);
      } else if (c === '\\') escaped = true;
      else if (c === '*') { if (elements[elements.length - 1] !== RUN) elements.push(RUN); }
      else if (c === '?') elements.push(ANY);
      else elements.push(caseless ? asciiLower(c) : c);
    }
    if (escaped) elements.push('\\');
    return elements;
  }
  function globMatches(elements, caseless, value) {
    const text = Array.from(caseless ? asciiLower(value) : value);
    let t = 0, p = 0, starPattern = -1, starText = 0;
    while (t < text.length) {
      if (p < elements.length) {
        const e = elements[p];
        if (e === RUN) { starPattern = p; starText = t; p++; continue; }
        if (e === ANY || e === text[t]) { t++; p++; continue; }
      }
      if (starPattern < 0) return false;
      t = ++starText;
      p = starPattern + 1;
    }
    while (p < elements.length && elements[p] === RUN) p++;
    return p === elements.length;
  }

  // A text pattern: {matches(value), mentionsParameters}.
  function textPattern(field, op, value) {
    const caseless = ignoresCase(field);
    if (op === '~' || op === '!~') {
      let regex;
      try { regex = new RegExp(value.text, caseless ? 'iu' : 'u'); } catch (unicodeError) {
        try { regex = new RegExp(value.text, caseless ? 'i' : ''); } catch (error) {
          throw new FilterError(`invalid regular expression: ${error.message}`, value.column);
        }
      }
      return { matches: (v) => regex.test(v), mentionsParameters: true };
    }
    let text = value.text;
    if (field.name === 'grpc.method' && text && !['/', '*', '?'].includes(text[0])) text = '/' + text;
    const mentionsParameters = text.includes(';');
    if (isGlob(text)) {
      const elements = globElements(text, caseless);
      return { matches: (v) => globMatches(elements, caseless, v), mentionsParameters };
    }
    const plain = unescaped(text);
    const expected = caseless ? asciiLower(plain) : plain;
    return { matches: (v) => (caseless ? asciiLower(v) : v) === expected, mentionsParameters };
  }

  function compile(field, op, value) {
    const relation = op === '!=' || op === '~' || op === '!~' ? '=' : op;
    switch (field.kind) {
      case 'text': return { field, pattern: textPattern(field, op, value) };
      case 'status': {
        const t = value.text;
        if (t.length === 3 && /^.[xX][xX]$/.test(t)) {
          const digit = t.charCodeAt(0) - 48;
          if (!(digit >= 1 && digit <= 5)) throw new FilterError(`there is no status class ${t}`, value.column);
          if (relation !== '=') throw new FilterError('a status class only works with = and !=', value.column);
          return { statusClass: digit };
        }
        const code = quantity(field, op, value, 'a number', { '': 1 });
        if (code > 999) throw new FilterError(`${t} is not a status code`, value.column);
        return { field, relation, number: code };
      }
      case 'duration': return { field, relation, number: quantity(field, op, value, 'a duration', DURATION) };
      case 'size': return { field, relation, number: quantity(field, op, value, 'a byte count', SIZE) };
      case 'number': {
        const number = quantity(field, op, value, 'a whole number', { '': 1 });
        if (field.name === 'port' && number > 65535) throw new FilterError(`${value.text} is not a port number`, value.column);
        return { field, relation, number };
      }
      case 'protocolName': {
        const name = protocolNamed(value.text);
        if (!name) throw new FilterError(`unknown protocol "${value.text}"`, value.column);
        return { proto: name };
      }
      default: {
        const pattern = addressPattern(value.text, field.kind === 'endpoint');
        if (!pattern) throw new FilterError(`expected an IP address after "${field.name} ${op}", found "${value.text}"`, value.column);
        return { field, address: pattern };
      }
    }
  }

  function protocolNamed(text) {
    const names = { http1: ['http1', 'http/1', 'http/1.0', 'http/1.1', 'http1.1', 'http'], h2: ['h2', 'http2', 'http/2', 'h2c'],
      h3: ['h3', 'http3', 'http/3'], quic: ['quic'], fcgi: ['fcgi', 'fastcgi'], ws: ['ws', 'websocket', 'wss'], grpc: ['grpc'], tls: ['tls', 'ssl', 'https'], unknown: ['unknown'], none: ['none'] };
    const lower = text.toLowerCase();
    for (const [name, spellings] of Object.entries(names)) if (spellings.includes(lower)) return name;
    return null;
  }

  // Addresses as BigInt with a family: IPv4 text, IPv6 text (with :: and a dotted tail).
  function parseIPv4(text) {
    const parts = text.split('.');
    if (parts.length !== 4) return null;
    let value = 0n;
    for (const p of parts) {
      if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
      value = value * 256n + BigInt(p);
    }
    return value;
  }
  function parseIPv6(text) {
    if (!text.includes(':')) return null;
    const halves = text.split('::');
    if (halves.length > 2) return null;
    const groups = (part) => {
      if (part === '') return [];
      const list = part.split(':');
      const out = [];
      for (let i = 0; i < list.length; i++) {
        if (i === list.length - 1 && list[i].includes('.')) {
          const v4 = parseIPv4(list[i]);
          if (v4 === null) return null;
          out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        } else if (/^[0-9a-fA-F]{1,4}$/.test(list[i])) out.push(parseInt(list[i], 16));
        else return null;
      }
      return out;
    };
    const head = groups(halves[0]), tail = halves.length === 2 ? groups(halves[1]) : [];
    if (!head || !tail) return null;
    const missing = 8 - head.length - tail.length;
    if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
    let value = 0n;
    for (const g of head.concat(new Array(halves.length === 2 ? missing : 0).fill(0), tail)) value = (value << 16n) | BigInt(g);
    return value;
  }
  function parseAddress(text) {
    const v4 = parseIPv4(text);
    if (v4 !== null) return { v6: false, value: v4 };
    const v6 = parseIPv6(text);
    return v6 === null ? null : { v6: true, value: v6 };
  }
  function masked(value, bits, prefix) {
    const width = BigInt(bits), keep = BigInt(prefix);
    return prefix === 0 ? 0n : (value >> (width - keep)) << (width - keep);
  }
  function addressPattern(text, allowsPort) {
    let addressText = text, port = null;
    if (addressText.startsWith('[')) {
      const close = addressText.indexOf(']');
      if (close < 0) return null;
      const rest = addressText.slice(close + 1);
      addressText = addressText.slice(1, close);
      if (rest) {
        if (!allowsPort || !/^:\d+$/.test(rest) || Number(rest.slice(1)) > 65535) return null;
        port = Number(rest.slice(1));
      }
    } else if (addressText.indexOf(':') >= 0 && addressText.indexOf(':') === addressText.lastIndexOf(':')) {
      const colon = addressText.indexOf(':');
      const portText = addressText.slice(colon + 1);
      if (!allowsPort || !/^\d+$/.test(portText) || Number(portText) > 65535) return null;
      port = Number(portText);
      addressText = addressText.slice(0, colon);
    }
    let prefix = null;
    const slash = addressText.indexOf('/');
    if (slash >= 0) {
      const length = addressText.slice(slash + 1);
      if (port !== null || !/^[+-]?\d+$/.test(length)) return null;
      prefix = Number(length);
      addressText = addressText.slice(0, slash);
    }
    const address = parseAddress(addressText);
    if (!address) return null;
    const bits = address.v6 ? 128 : 32;
    if (prefix === null) prefix = bits;
    if (prefix < 0 || prefix > bits) return null;
    const network = masked(address.value, bits, prefix);
    const matchesAddress = (a) => a !== null && a.v6 === address.v6 && masked(a.value, bits, prefix) === network;
    return { port, matchesAddress };
  }
  // "10.0.0.1:80" or "[::1]:443" → {address, port}.
  function endpoint(text) {
    const m = /^\[(.*)\]:(\d+)$/.exec(text) || /^([^:]*):(\d+)$/.exec(text);
    return m ? { address: parseAddress(m[1]), port: Number(m[2]) } : { address: parseAddress(text), port: null };
  }

  // ---- Evaluation (FilterEvaluation.swift, ExchangeFields.swift) ---------------------------------
  function connectionTest(test, c) {
    if (test.address) {
      const client = endpoint(c.client), server = endpoint(c.server);
      const one = (e) => (test.address.port === null || e.port === test.address.port) && test.address.matchesAddress(e.address);
      if (test.field.name === 'client') return one(client);
      if (test.field.name === 'server') return one(server);
      return test.address.matchesAddress(client.address) || test.address.matchesAddress(server.address);
    }
    if (test.field && test.field.name === 'port') return compare(test, endpoint(c.client).port) || compare(test, endpoint(c.server).port);
    if (test.field && test.field.name === 'conn') return compare(test, c.id);
    return null;
  }
  function compare(test, value) {
    switch (test.relation) {
      case '=': return value === test.number;
      case '<': return value < test.number;
      case '<=': return value <= test.number;
      case '>': return value > test.number;
      default: return value >= test.number;
    }
  }
  const mediaType = (value) => value.split(';')[0].replace(/^[ \t]+|[ \t]+$/g, '');
  function headerValues(detail, scope, name) {
    if (!detail) throw new FilterError('header fields need the exchanges\' headers, which this page does not have', 1);
    const of = (message) => message ? (message.headers || []).filter(([n]) => asciiLower(n) === name).map(([, v]) => v) : [];
    return (scope !== 'response' ? of(detail.request) : []).concat(scope !== 'request' ? of(detail.response) : []);
  }
  function path(target) {
    let rest = target;
    const scheme = rest.startsWith('http://') ? 7 : rest.startsWith('https://') ? 8 : 0;
    if (scheme) {
      const after = rest.slice(scheme);
      const i = after.search(/[/?#]/);
      if (i < 0 || after[i] !== '/') return '/';
      rest = after.slice(i);
    }
    const end = rest.search(/[?#]/);
    return end < 0 ? rest : rest.slice(0, end);
  }
  const hasResponse = (x) => x.status !== null && x.status !== undefined;
  const contentType = (x) => x.respType ?? x.reqType ?? null;
  const grpcMethod = (x) => x.grpc && x.grpc.service && x.grpc.method ? `/${x.grpc.service}/${x.grpc.method}` : null;

  function exchangeTest(test, x, c, detail) {
    const onConnection = connectionTest(test, c);
    if (onConnection !== null) return onConnection;
    if (test.statusClass) return hasResponse(x) && Math.floor(x.status / 100) === test.statusClass;
    if (test.proto) {
      switch (test.proto) {
        case 'http1': return x.app === 'http1';
        case 'h2': return x.app === 'h2';
        case 'h3': return x.app === 'h3';
        case 'quic': return x.app === 'h3' || x.app === 'quic';
        case 'fcgi': return x.app === 'fcgi';
        // A 101 to websocket, or an HTTP/2 extended CONNECT that switched its stream (RFC 8441).
        case 'ws': return x.switchedTo === 'websocket';
        case 'grpc': return !!x.reqType && asciiLower(x.reqType).startsWith('application/grpc');
        // A FastCGI request's scheme is the browser's; its own connection is clear text.
        case 'tls': return x.scheme === 'https' && x.app !== 'fcgi';
        default: return false;
      }
    }
    const field = test.present || test.field;
    if (test.present) {
      switch (field.name) {
        case 'status': case 'resp.size': return hasResponse(x);
        case 'content-type': return contentType(x) !== null;
        case 'stream': return x.stream !== null && x.stream !== undefined;
        case 'grpc.status': return !!x.grpc && x.grpc.status !== null && x.grpc.status !== undefined;
        case 'grpc.method': return grpcMethod(x) !== null;
        case 'msg': return false;
        default: return field.header ? headerValues(detail, field.header.scope, field.header.name).length > 0 : true;
      }
    }
    if (test.pattern) {
      const p = test.pattern;
      if (field.header) return headerValues(detail, field.header.scope, field.header.name).some((v) => p.matches(v));
      switch (field.name) {
        case 'host': return p.matches(x.host);
        case 'method': return p.matches(x.method);
        case 'path': return p.matches(path(x.target));
        case 'url': return p.matches(x.url);
        case 'content-type': {
          const value = contentType(x);
          return value !== null && p.matches(p.mentionsParameters ? value : mediaType(value));
        }
        case 'grpc.method': { const name = grpcMethod(x); return name !== null && p.matches(name); }
        default: return false;
      }
    }
    let value = null;
    switch (field.name) {
      case 'status': value = hasResponse(x) ? x.status : null; break;
      case 'latency': value = hasResponse(x) ? ((x.respEnd ?? x.reqEnd) - x.reqStart) * 1000 : null; break;
      case 'req.size': value = x.reqSize; break;
      case 'resp.size': value = hasResponse(x) ? x.respSize : null; break;
      case 'stream': value = x.stream ?? null; break;
      case 'grpc.status': value = x.grpc ? x.grpc.status ?? null : null; break;
    }
    return value !== null && compare(test, value);
  }

  function holds(node, test) {
    if (node.all) return node.all.every((n) => holds(n, test));
    if (node.any) return node.any.some((n) => holds(n, test));
    if (node.not) return !holds(node.not, test);
    return test(node.test);
  }

  // A connection: `proto` is its protocol, connection fields its own, HTTP fields are missing.
  function connectionHolds(test, c) {
    if (test.proto === 'quic') return c.protocol === 'quic' || c.protocol === 'h3';
    if (test.proto) return test.proto !== 'grpc' && test.proto === c.protocol;
    return connectionTest(test, c) ?? false;
  }

  // The exchanges (ids) and connections (ids) an expression selects, as StoreTimeline.filter answers; or
  // {error} with the column, as the server says it.
  function evaluate(text, state) {
    try {
      const { root, firstExchangeField } = parse(text);
      const exchanges = [], connections = new Set();
      for (const x of state.exchanges) {
        const c = state.connections.get(x.conn) || { id: x.conn, client: '', server: '', protocol: 'unknown' };
        // an exchange whose details the page lacks (no longer kept) has no headers
        const detail = state.details ? state.details.get(x.id) || { request: null, response: null } : null;
        if (holds(root, (test) => exchangeTest(test, x, c, detail))) {
          exchanges.push(x.id);
          connections.add(x.conn);
        }
      }
      if (!firstExchangeField) {
        for (const c of state.connections.values()) if (holds(root, (test) => connectionHolds(test, c))) connections.add(c.id);
      }
      return { exchanges, connections: [...connections].sort((a, b) => a - b) };
    } catch (error) {
      if (error instanceof FilterError) return { error: `column ${error.column}: ${error.message}` };
      throw error;
    }
  }

  return { evaluate, parse };
})();
