/**
 * A strict JSON reader for untrusted file headers, and an exact JSON encoding of numbers.
 *
 * `JSON.parse` silently keeps the last of duplicate keys and builds ordinary objects (where a key
 * such as `__proto__` is a hazard for later code). This reader rejects duplicate keys, returns
 * objects with a null prototype, bounds the nesting depth, and reports the character position of
 * the first error. It evaluates nothing.
 * @module
 */
import { FormatError, ValueError } from '../util/errors.js';

/** A parsed JSON value: objects have a null prototype and no duplicate keys. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

/**
 * Parse `text` as one JSON value (RFC 8259), rejecting duplicate object keys.
 * @param what names the caller and the thing parsed, for error messages (`"load: header of a.safetensors"`)
 * @throws FormatError naming `what`, the position and the problem
 */
export function parseJsonStrict(text: string, what: string): JsonValue {
  let i = 0;
  const fail = (msg: string): never => {
    throw new FormatError(`${what}: invalid JSON at character ${i}: ${msg}`);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const str = (): string => {
    // at the opening quote
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in a string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          i--;
          fail(`bad escape '\\${e ?? ''}'`);
      }
      start = i;
    }
  };
  const num = (): number => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('bad number');
    i += m[0].length;
    const v = Number(m[0]);
    if (!Number.isFinite(v)) fail(`number ${m[0].slice(0, 40)} is out of range`);
    return v;
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = Object.create(null) as { [key: string]: JsonValue };
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const key = str();
        if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
        seen.add(key);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        obj[key] = value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (c === 't' && text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (c === 'f' && text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (c === 'n' && text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    return fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('trailing characters after the value');
  return v;
}

/** True for a parsed JSON object (not an array, not null). */
export function isJsonObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const FLOAT_TAG = '$float';
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Encode plain data (numbers, strings, booleans, null, arrays, plain objects) as JSON text such that
 * {@link decodeExact} gives back the same values bit for bit: finite numbers are written by
 * `JSON.stringify` (shortest round-trip form), and −0, NaN and ±Infinity, which JSON cannot carry,
 * as `{"$float": "-0" | "NaN" | "Infinity" | "-Infinity"}`. Keys of undefined-valued properties are
 * dropped (as by `JSON.stringify`).
 * @throws ValueError on anything else (functions, typed arrays, class instances, cycles, keys `$float`
 * or `__proto__`)
 */
export function encodeExact(value: unknown, what: string): string {
  const stack = new Set<object>();
  const enc = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (Object.is(v, -0)) return { [FLOAT_TAG]: '-0' };
      if (!Number.isFinite(v)) return { [FLOAT_TAG]: String(v) };
      return v;
    }
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v) as unknown;
      const isArr = Array.isArray(v);
      if (!isArr && proto !== Object.prototype && proto !== null) {
        throw new ValueError(`${what}: cannot encode ${path} (a ${(v as object).constructor?.name ?? 'non-plain object'}; only plain data is stored)`);
      }
      if (stack.has(v)) throw new ValueError(`${what}: cannot encode ${path} (a cycle)`);
      stack.add(v);
      let out: unknown;
      if (isArr) out = (v as unknown[]).map((x, k) => enc(x, `${path}[${k}]`));
      else {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          if (k === FLOAT_TAG || FORBIDDEN_KEYS.has(k)) throw new ValueError(`${what}: cannot encode ${path}: the key '${k}' is reserved`);
          if (x === undefined) continue;
          o[k] = enc(x, `${path}.${k}`);
        }
        out = o;
      }
      stack.delete(v);
      return out;
    }
    throw new ValueError(`${what}: cannot encode ${path} (a ${typeof v}; only plain data is stored)`);
  };
  return JSON.stringify(enc(value, 'value'));
}

/** The data-only value {@link decodeExact} returns (plain objects, arrays, numbers, strings, booleans, null). */
export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };

/**
 * Decode text written by {@link encodeExact} (strictly: duplicate keys, `__proto__`-like keys and
 * malformed `$float` tags are errors).
 * @throws FormatError naming `what`
 */
export function decodeExact(text: string, what: string): PlainValue {
  const dec = (v: JsonValue): PlainValue => {
    if (Array.isArray(v)) return v.map(dec);
    if (isJsonObject(v)) {
      const keys = Object.keys(v);
      if (keys.includes(FLOAT_TAG)) {
        const t = v[FLOAT_TAG];
        if (keys.length !== 1) throw new FormatError(`${what}: a '${FLOAT_TAG}' tag with other keys`);
        if (t === '-0') return -0;
        if (t === 'NaN') return NaN;
        if (t === 'Infinity') return Infinity;
        if (t === '-Infinity') return -Infinity;
        throw new FormatError(`${what}: bad '${FLOAT_TAG}' value ${JSON.stringify(t)}`);
      }
      // an ordinary object is safe here: the keys that could reach a prototype are rejected
      const o: { [key: string]: PlainValue } = {};
      for (const k of keys) {
        if (FORBIDDEN_KEYS.has(k)) throw new FormatError(`${what}: the key '${k}' is not allowed`);
        o[k] = dec(v[k]!);
      }
      return o;
    }
    return v;
  };
  return dec(parseJsonStrict(text, what));
}
