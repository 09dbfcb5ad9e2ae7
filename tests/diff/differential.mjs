#!/usr/bin/env node
// differential.mjs — checks Coop's FHIRPath-subset evaluator (src/protocol/expr.c) against the
// reference implementation, fhirpath.js (npm package `fhirpath`, pinned in package.json).
//
// 1. Builds a corpus: a fixed list of hand-written edge cases (three-valued logic tables, empty
//    operands, division by zero, decimal rounding, integer/decimal mixing, strings and Unicode,
//    precedence, refusals) and a seeded random corpus of well-typed expressions over the whole
//    subset (docs/internals/protocol-format-spec.md §7), each with its own fields in random
//    states (answered / missing / empty).
//    Also, for every clinical case file tests/cases/*.json, every expression of its protocol
//    evaluated on the field values the engine used for each case (expr_oracle --protocol).
// 2. Runs our evaluator once over the corpus through tests/diff/expr_oracle (JSON Lines).
// 3. Evaluates each expression with fhirpath.evaluate() on a resource holding the answered
//    fields (missing and empty fields are absent).
// 4. Compares. A definite result of ours must equal fhirpath's (numbers compared as fhirpath
//    compares decimals: rounded to 1e-8), also after filling the missing fields with random
//    answers (a definite result must not depend on them). A result we mark unknown is compared
//    only when fhirpath gives empty; otherwise it counts as "unknown (not compared)". When we
//    refuse to compile, fhirpath must throw too, unless the case is a hand-written one marked as
//    outside our subset. Deviations we keep are listed in KNOWN_DEVIATIONS below and in
//    docs/internals/fhirpath-deviations.md.
//
// Usage: node differential.mjs [--oracle PATH | PATH] [--count N] [--seed S] [--depth D]
//                              [--dump FILE] [--max-report N] [--no-edge] [--no-shrink]
//                              [--without concat] [--cases FILE]... [--no-cases]
// The oracle path defaults to $COOP_EXPR_ORACLE, then ../../build/tests/expr_oracle (relative to
// this file). Exit status: 0 when there is no disagreement, 1 otherwise, 2 on a usage or
// harness error. The last line of output is the summary.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fhirpath from 'fhirpath';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

// ------------------------------------------------------------------------------------ options

function usage(message) {
  if (message) process.stderr.write(`differential: ${message}\n`);
  process.stderr.write('usage: node differential.mjs [--oracle PATH | PATH] [--count N] [--seed S] ' +
    '[--depth D] [--dump FILE] [--max-report N] [--no-edge] [--no-shrink] [--without FEATURE] ' +
    '[--cases FILE]... [--no-cases]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opt = {
    oracle: process.env.COOP_EXPR_ORACLE || path.join(HERE, '../../build/tests/expr_oracle'),
    count: 3000, seed: 1, depth: 5, dump: null, maxReport: 20, edge: true, shrink: true,
    without: new Set(), cases: null,
  };
  const int = (i) => {
    const v = argv[i];
    if (v === undefined || !/^-?\d+$/.test(v)) usage(`${argv[i - 1]} needs an integer`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--oracle': opt.oracle = argv[++i]; if (!opt.oracle) usage('--oracle needs a path'); break;
      case '--count': opt.count = int(++i); break;
      case '--seed': opt.seed = int(++i); break;
      case '--depth': opt.depth = int(++i); break;
      case '--dump': opt.dump = argv[++i]; if (!opt.dump) usage('--dump needs a file'); break;
      case '--max-report': opt.maxReport = int(++i); break;
      case '--no-edge': opt.edge = false; break;
      case '--no-shrink': opt.shrink = false; break;
      case '--no-cases': opt.cases = []; break;
      case '--cases':
        if (!argv[i + 1]) usage('--cases needs a file');
        (opt.cases = opt.cases || []).push(path.resolve(argv[++i]));
        break;
      case '--without': {
        const w = argv[++i];
        if (!FEATURES.includes(w)) usage(`--without takes one of: ${FEATURES.join(', ')}`);
        opt.without.add(w);
        break;
      }
      case '-h': case '--help': usage(); break;
      default:
        if (a.startsWith('-')) usage(`unknown option ${a}`);
        opt.oracle = a;
    }
  }
  if (opt.count < 0 || opt.depth < 0) usage('--count and --depth must be ≥ 0');
  if (opt.cases === null) {
    const dir = path.join(ROOT, 'tests/cases');
    opt.cases = existsSync(dir)
      ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f))
      : [];
  }
  return opt;
}

// Features of the random generator that --without can switch off while triaging (the default
// corpus always has all of them).
const FEATURES = ['concat'];

// ----------------------------------------------------------------------- known deviations

// Differences from fhirpath.js that we decided to keep. Each entry matches disagreements by
// exact expression (`expr`) or by a predicate over the case (`test`); a matching disagreement
// is counted as a known deviation, not a failure. Keep in sync with
// docs/internals/fhirpath-deviations.md.
const KNOWN_DEVIATIONS = [
  {
    id: 'integer-overflow',
    expr: ['2147483647 * 2147483647 * 2147483647', '2147483647 * 2147483647 * 4'],
    reason: 'Integers are 64-bit and overflow gives empty (spec §7); fhirpath.js computes in ' +
      'doubles and returns a rounded number.',
  },
  {
    id: 'date-range',
    expr: ['@2199-12-31 + 1 day', '@1900-01-01 - 1 month', '@2024-01-01 + 200 years'],
    reason: 'Dates lie between 1900 and 2199 (the dates answers may hold); a duration that ' +
      'leaves that range gives empty, as an arithmetic overflow does. fhirpath.js gives the ' +
      'date beyond it.',
  },
  {
    id: 'string-order-astral',
    expr: ["'ｚ' < '😀'", "'\\uFFFD' < '😀'"],
    reason: 'We order strings by Unicode code point (UTF-8 bytes), as the FHIRPath ' +
      'specification says; fhirpath.js compares UTF-16 code units, which puts characters ' +
      'above U+FFFF before U+E000–U+FFFF. Choice codes are ASCII in practice.',
  },
];

// `+` on strings is in our subset (spec §7). Set to false if the subset drops it: the
// generator then stops producing it and the hand-written cases expect a refusal.
const STRING_CONCAT_IN_SUBSET = false; // dropped from the subset: see protocol-format-spec.md §7

function knownDeviation(c) {
  for (const d of KNOWN_DEVIATIONS) {
    if (d.expr && d.expr.includes(c.expr)) return d;
    if (d.test && d.test(c)) return d;
  }
  return null;
}

// ------------------------------------------------------------------------------ random source

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(seed) { this.next = mulberry32(seed); }
  float() { return this.next(); }
  int(lo, hi) { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick(a) { return a[Math.floor(this.next() * a.length)]; }
  chance(p) { return this.next() < p; }
  // choices: [[weight, value], ...]
  weighted(choices) {
    let total = 0;
    for (const [w] of choices) total += w;
    let r = this.next() * total;
    for (const [w, v] of choices) {
      if ((r -= w) < 0) return v;
    }
    return choices[choices.length - 1][1];
  }
  shuffle(a) {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

// ------------------------------------------------------------------------- values and fields

// Strings: ASCII, accents, quotes and backslashes (escaped in literals), CJK, an astral
// character. No character in U+E000–U+FFFF, whose UTF-16 order differs from code point order
// (see the hand-written cases).
const STRING_POOL = ['a', 'b', 'x', 'y', 'z', 'A', 'ab', '', ' ', 'oui', 'non', 'é', 'e', 'été',
  'Été', 'ça', 'naïve', "l'eau", 'a\\b', 'tab\there', 'ligne\nsuivante', 'Ω', '日本', '😀'];
const CHOICE_POOL = ['x', 'y', 'z', 'é', 'oui'];
const DATE_POOL = ['2024-01-01', '2024-02-29', '2024-06-18', '2023-12-31', '2000-02-29',
  '1999-12-31', '2030-07-14'];

// The fields a random expression may name. Names that are not plain identifiers are always
// written back-quoted. fhirpath.js reads a date answer of the resource as a plain string, so
// date fields reach it written as date literals (see fhirpathText()).
const CATALOGUE = [
  { name: 'b1', type: 'boolean' }, { name: 'b2', type: 'boolean' }, { name: 'b3', type: 'boolean' },
  { name: 'fièvre', type: 'boolean' },
  { name: 'i1', type: 'integer' }, { name: 'i2', type: 'integer' }, { name: 'i3', type: 'integer' },
  { name: 'd1', type: 'decimal' }, { name: 'd2', type: 'decimal' },
  { name: 'température', type: 'decimal' },
  { name: 's1', type: 'string' }, { name: 's2', type: 'string' }, { name: 's3', type: 'string' },
  { name: 'm1', type: 'string', collection: true }, { name: 'm2', type: 'string', collection: true },
  { name: 'dt1', type: 'date' }, { name: 'dt2', type: 'date' },
];

function randomValue(rng, type, collection) {
  if (collection) {
    const items = rng.shuffle(CHOICE_POOL.slice());
    return items.slice(0, rng.weighted([[2, 0], [4, 1], [3, 2], [2, 3]]));
  }
  switch (type) {
    case 'boolean': return rng.chance(0.5);
    case 'integer': return rng.chance(0.15) ? 0 : rng.int(-20, 20);
    case 'decimal':
      return rng.weighted([
        [5, () => rng.int(-2000, 2000) / 100],
        [3, () => rng.int(-200, 200) / 10],
        [2, () => rng.int(-20, 20)],
      ])();
    case 'string': return rng.pick(STRING_POOL);
    case 'date': return rng.pick(DATE_POOL);
    default: throw new Error(`no values for ${type}`);
  }
}

// Field descriptions for the oracle: {type, collection, state, value}.
const F = {
  bool: (v) => ({ type: 'boolean', collection: false, state: 'answered', value: v }),
  int: (v) => ({ type: 'integer', collection: false, state: 'answered', value: v }),
  dec: (v) => ({ type: 'decimal', collection: false, state: 'answered', value: v }),
  str: (v) => ({ type: 'string', collection: false, state: 'answered', value: v }),
  date: (v) => ({ type: 'date', collection: false, state: 'answered', value: v }),
  multi: (v) => ({ type: 'string', collection: true, state: 'answered', value: v }),
  missing: (type, collection = false) => ({ type, collection, state: 'missing' }),
  empty: (type, collection = false) => ({ type, collection, state: 'empty' }),
};

// The resource fhirpath.js sees: answered fields only.
function resourceOf(fields) {
  const r = {};
  for (const [name, f] of Object.entries(fields)) {
    if (f.state === 'answered') r[name] = f.value;
  }
  return r;
}

function hasMissing(fields) {
  return Object.values(fields).some((f) => f.state === 'missing');
}

// The same fields with every missing one answered at random.
function completion(rng, fields) {
  const out = {};
  for (const [name, f] of Object.entries(fields)) {
    out[name] = f.state === 'missing'
      ? { ...f, state: 'answered', value: randomValue(rng, f.type, f.collection) }
      : f;
  }
  return out;
}

// ------------------------------------------------------------------------------- generator

// Precedence levels (low → high), as in the grammar of spec §7 and of FHIRPath.
const L = { implies: 0, or: 1, and: 2, member: 3, eq: 4, rel: 5, union: 6, add: 7, mul: 8, unary: 9, atom: 10 };
const LOGIC_LEVEL = { and: L.and, or: L.or, xor: L.or, implies: L.implies };
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMERIC = ['integer', 'decimal'];

// A generated expression: s (text), p (precedence level of its top), t (base type), c
// (collection), sure (t/c are what our type checker must infer), kids (sub-expressions).
function node(s, p, t, c, sure, kids = []) {
  return { s, p, t, c, sure, kids };
}

function strLiteral(rng, v) {
  let out = "'";
  for (const ch of v) {
    const cp = ch.codePointAt(0);
    if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (cp > 0x7f && cp <= 0xffff && rng.chance(0.3)) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + "'";
}

class Generator {
  constructor(rng, maxDepth, without = new Set()) {
    this.rng = rng;
    this.maxDepth = maxDepth;
    this.without = without;
  }

  // One random case: {expr, fields, node}.
  make() {
    this.fields = {};
    const root = this.rng.weighted([
      [70, () => this.gen('boolean', this.maxDepth)],
      [8, () => this.gen('integer', this.maxDepth)],
      [8, () => this.gen('decimal', this.maxDepth)],
      [6, () => this.gen('string', this.maxDepth)],
      [2, () => this.gen('date', this.maxDepth)],
      [6, () => this.coll(this.rng.pick(['string', 'string', 'integer', 'decimal', 'date']), this.maxDepth)],
    ])();
    return { expr: root.s, fields: this.fields, node: root };
  }

  // --- helpers

  paren(n) { return node(`(${n.s})`, L.atom, n.t, n.c, n.sure, n.kids); }

  // Binary operator at `level`, left-associative: parenthesise what the grammar needs, and
  // sometimes more.
  bin(op, level, a, b, t, c = false, sure = true) {
    const r = this.rng;
    const ls = a.p < level || r.chance(0.08) ? `(${a.s})` : a.s;
    const rs = b.p <= level || r.chance(0.08) ? `(${b.s})` : b.s;
    const sp = /^[a-z]/.test(op) || !r.chance(0.15) ? ' ' : '';
    return node(`${ls}${sp}${op}${sp}${rs}`, level, t, c, sure, [a, b]);
  }

  call(recv, fn, t, c, sure = true) {
    const rs = recv.p < L.atom ? `(${recv.s})` : recv.s;
    return node(`${rs}.${fn}()`, L.atom, t, c, sure, [recv]);
  }

  iif(cond, a, b) {
    const args = b ? [cond, a, b] : [cond, a];
    const t = b ? (a.t === b.t ? a.t : (NUMERIC.includes(a.t) && NUMERIC.includes(b.t) ? 'decimal' : a.t)) : a.t;
    const sure = a.sure && (!b || b.sure);
    return node(`iif(${args.map((x) => x.s).join(', ')})`, L.atom, t, a.c || (b ? b.c : false), sure, args);
  }

  field(type, collection = false) {
    const r = this.rng;
    const f = r.pick(CATALOGUE.filter((x) => x.type === type && !!x.collection === collection));
    if (!this.fields[f.name]) {
      const state = r.weighted([[78, 'answered'], [11, 'missing'], [11, 'empty']]);
      const d = { type, collection, state };
      if (state === 'answered') d.value = randomValue(r, type, collection);
      this.fields[f.name] = d;
    }
    const text = IDENT.test(f.name) && !r.chance(0.05) ? f.name : `\`${f.name}\``;
    const n = node(text, L.atom, type, collection, true);
    const d = this.fields[f.name];
    if (!collection && NUMERIC.includes(type) && d.state === 'answered') n.h = Math.round(d.value * 100);
    return n;
  }

  literal(type) {
    const r = this.rng;
    switch (type) {
      case 'boolean': return node(r.pick(['true', 'false']), L.atom, type, false, true);
      case 'integer': {
        const v = r.chance(0.1) ? 0 : r.int(-20, 20);
        return Object.assign(node(String(v), v < 0 ? L.unary : L.atom, type, false, true), { h: v * 100 });
      }
      case 'decimal': {
        const places = r.pick([1, 2, 2]);
        const k = r.int(-2000, 2000);
        const v = Math.abs(k) / 10 ** places;
        const s = (k < 0 ? '-' : '') + v.toFixed(places);
        return Object.assign(node(s, k < 0 ? L.unary : L.atom, type, false, true), { h: places === 2 ? k : k * 10 });
      }
      case 'string': return node(strLiteral(r, r.pick(STRING_POOL)), L.atom, type, false, true);
      case 'date': {
        if (r.chance(0.6)) return node(`@${r.pick(DATE_POOL)}`, L.atom, type, false, true);
        const y = r.int(1990, 2030), m = r.int(1, 12);
        const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
        const d = r.int(1, days);
        return node(`@${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, L.atom, type, false, true);
      }
      default: throw new Error(`no literal for ${type}`);
    }
  }

  leaf(type) {
    const r = this.rng;
    if (r.chance(0.04)) return node('{}', L.atom, type, false, false);
    if (r.chance(type === 'date' ? 0.35 : 0.45)) return this.field(type);
    return this.literal(type);
  }

  num(d) { return this.gen(this.rng.pick(NUMERIC), d); }

  // A singleton expression of `type`, nesting at most d more levels.
  gen(type, d) {
    const r = this.rng;
    if (d <= 0 || r.chance(0.12 + 0.1 * (this.maxDepth - d))) return this.leaf(type);
    const d1 = d - 1;
    switch (type) {
      case 'boolean': return r.weighted([
        [20, () => {
          const op = r.pick(['and', 'or', 'xor', 'implies']);
          return this.bin(op, LOGIC_LEVEL[op], this.gen('boolean', d1), this.gen('boolean', d1), 'boolean');
        }],
        [6, () => this.call(this.gen('boolean', d1), 'not', 'boolean', false)],
        [14, () => this.compare(this.num(d1), this.num(d1), true)],
        [5, () => this.boundary()],
        [7, () => this.compare(this.gen('string', d1), this.gen('string', d1), true)],
        [4, () => this.compare(this.gen('date', d1), this.gen('date', d1), true)],
        [4, () => this.compare(this.gen('boolean', d1), this.gen('boolean', d1), false)],
        [10, () => this.membership('in', d1)],
        [6, () => this.membership('contains', d1)],
        [8, () => this.call(this.any(d1), r.pick(['exists', 'empty']), 'boolean', false)],
        [5, () => this.iif(this.gen('boolean', d1), this.gen('boolean', d1), r.chance(0.7) ? this.gen('boolean', d1) : null)],
        [4, () => this.collEquality(d1)],
      ])();
      case 'integer': return r.weighted([
        [10, () => this.bin(r.pick(['+', '-']), L.add, this.gen('integer', d1), this.gen('integer', d1), 'integer')],
        [5, () => this.mul('integer', d1)],
        [6, () => this.bin(r.pick(['div', 'mod']), L.mul, this.gen('integer', d1), this.gen('integer', d1), 'integer')],
        [4, () => { const a = this.gen('integer', d1); return this.call(a, 'abs', 'integer', false, a.sure); }],
        [5, () => this.call(this.any(d1), 'count', 'integer', false)],
        [4, () => this.iif(this.gen('boolean', d1), this.gen('integer', d1), r.chance(0.7) ? this.gen('integer', d1) : null)],
      ])();
      case 'decimal': return r.weighted([
        [10, () => {
          const a = this.gen('decimal', d1), b = this.num(d1);
          const [x, y] = r.chance(0.5) ? [a, b] : [b, a];
          return this.bin(r.pick(['+', '-']), L.add, x, y, 'decimal', false, a.sure && b.sure);
        }],
        [5, () => this.mul('decimal', d1)],
        [6, () => this.bin('/', L.mul, this.num(d1), this.num(d1), 'decimal')],
        [4, () => { const a = this.gen('decimal', d1); return this.call(a, 'abs', 'decimal', false, a.sure); }],
        [4, () => this.iif(this.gen('boolean', d1), this.gen('decimal', d1), r.chance(0.7) ? this.num(d1) : null)],
      ])();
      case 'string': return r.weighted([
        [this.without.has('concat') || !STRING_CONCAT_IN_SUBSET ? 0 : 6, () => {
          const a = this.gen('string', d1), b = this.gen('string', d1);
          return this.bin('+', L.add, a, b, 'string', false, a.sure && b.sure);
        }],
        [4, () => this.iif(this.gen('boolean', d1), this.gen('string', d1), r.chance(0.7) ? this.gen('string', d1) : null)],
      ])();
      case 'date': return r.weighted([
        [6, () => this.shift(this.gen('date', d1))],
        [3, () => this.iif(this.gen('boolean', d1), this.gen('date', d1), r.chance(0.8) ? this.gen('date', d1) : null)],
      ])();
      default: throw new Error(`cannot generate ${type}`);
    }
  }

  // A date plus or minus a calendar duration (`dt1 - 28 days`, `@2024-01-31 + 1 month`), with
  // amounts that keep the dates of the pools within 1900–2199.
  shift(a) {
    const r = this.rng;
    const unit = r.pick(['day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years']);
    const max = { day: 800, week: 120, month: 60, year: 25 }[unit.replace(/s$/, '')];
    const k = r.chance(0.15) ? 0 : r.int(1, max);
    const amount = r.chance(0.1) ? `-${k}` : String(k);
    const ls = a.p < L.add || r.chance(0.08) ? `(${a.s})` : a.s;
    return node(`${ls} ${r.pick(['+', '-'])} ${amount} ${unit}`, L.add, 'date', false, a.sure, [a]);
  }

  // `*`: operands kept shallow so that products stay far below 2^53 (fhirpath.js computes in
  // doubles; our integers are 64-bit).
  mul(type, d) {
    const sd = Math.min(d, 1);
    const a = type === 'integer' ? this.gen('integer', sd) : this.gen('decimal', sd);
    const b = type === 'integer' ? this.gen('integer', sd) : this.num(sd);
    const [x, y] = this.rng.chance(0.5) ? [a, b] : [b, a];
    return this.bin('*', L.mul, x, y, type, false, a.sure && b.sure);
  }

  // A numeric leaf, or a sum / difference / small multiple of leaves, compared with the literal
  // of its exact decimal value: exercises decimal literals, arithmetic rounding and the 1e-8
  // rule of comparisons exactly at the boundary.
  boundary() {
    const r = this.rng;
    const leaf = () => (r.chance(0.6) ? this.field(r.pick(NUMERIC)) : this.literal(r.pick(NUMERIC)));
    const a = leaf();
    let e = a, h = a.h;
    const form = r.pick(['leaf', '+', '-', '*']);
    if (form === '+' || form === '-') {
      const b = leaf();
      e = this.bin(form, L.add, a, b, a.t === 'integer' && b.t === 'integer' ? 'integer' : 'decimal');
      h = a.h === undefined || b.h === undefined ? undefined : (form === '+' ? a.h + b.h : a.h - b.h);
    } else if (form === '*') {
      const k = r.int(2, 9);
      e = this.bin('*', L.mul, a, node(String(k), L.atom, 'integer', false, true), a.t);
      h = a.h === undefined ? undefined : a.h * k;
    }
    if (h === undefined) h = r.int(-2000, 2000);
    const abs = Math.abs(h);
    const text = (h < 0 ? '-' : '') + (abs % 100 === 0 && r.chance(0.5)
      ? String(abs / 100)
      : `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`);
    const lit = node(text, h < 0 ? L.unary : L.atom, text.includes('.') ? 'decimal' : 'integer', false, true);
    return r.chance(0.5) ? this.compare(e, lit, true) : this.compare(lit, e, true);
  }

  compare(a, b, ordered) {
    const ops = ordered ? ['=', '!=', '<', '<=', '>', '>='] : ['=', '!='];
    const op = this.rng.pick(ops);
    return this.bin(op, op === '=' || op === '!=' ? L.eq : L.rel, a, b, 'boolean');
  }

  membership(op, d) {
    const t = this.rng.weighted([[5, 'string'], [2, 'integer'], [2, 'decimal'], [1, 'date']]);
    const item = t === 'integer' || t === 'decimal' ? this.num(d) : this.gen(t, d);
    const coll = this.coll(t, d);
    return op === 'in'
      ? this.bin('in', L.member, item, coll, 'boolean')
      : this.bin('contains', L.member, coll, item, 'boolean');
  }

  // A collection of `type` (numeric types mix).
  coll(type, d) {
    const r = this.rng;
    if (type === 'string' && r.chance(0.4)) return this.field('string', true);
    if (d > 0 && r.chance(0.1)) {
      return this.iif(this.gen('boolean', d - 1), this.coll(type, d - 1), r.chance(0.7) ? this.coll(type, d - 1) : null);
    }
    const n = r.chance(0.1) ? r.int(5, 16) : r.int(2, 4);
    const part = () => {
      if (type === 'string' && r.chance(0.15)) return this.field('string', true);
      const sd = Math.min(d - 1, 1);
      if (type === 'integer' || type === 'decimal') return sd > 0 ? this.num(sd) : this.leaf(r.pick(NUMERIC));
      return sd > 0 ? this.gen(type, sd) : this.leaf(type);
    };
    let acc = part();
    const parts = [acc];
    for (let i = 1; i < n; i++) {
      const p = part();
      parts.push(p);
      acc = this.bin('|', L.union, acc, p, 'x', true);
    }
    // Static type: string/date as asked; numeric: decimal if any part is decimal.
    const known = parts.filter((p) => p.sure);
    let t = type;
    if (type === 'integer' || type === 'decimal') t = known.some((p) => p.t === 'decimal') ? 'decimal' : 'integer';
    acc.t = t;
    acc.sure = known.length === parts.length;
    // Usually written in parentheses, as authors do.
    return r.chance(0.75) ? this.paren(acc) : acc;
  }

  collEquality(d) {
    const r = this.rng;
    const t = r.weighted([[3, 'string'], [1, 'integer'], [1, 'decimal']]);
    const side = () => (r.chance(0.6) ? this.coll(t, d) : (t === 'string' ? this.gen('string', d) : this.num(d)));
    return this.compare(side(), side(), false);
  }

  // Any value (singleton or collection), for exists()/empty()/count().
  any(d) {
    const r = this.rng;
    if (r.chance(0.35)) return this.coll(r.pick(['string', 'string', 'integer', 'decimal', 'date']), d);
    return this.gen(r.pick(['boolean', 'integer', 'decimal', 'string', 'date']), d);
  }
}

// ------------------------------------------------------------------------ hand-written cases

// Fields every hand-written case can name.
const EDGE_FIELDS = {
  t: F.bool(true), f: F.bool(false), q: F.missing('boolean'), e: F.empty('boolean'),
  n: F.int(3), z: F.int(0), neg: F.int(-7), qi: F.missing('integer'), ei: F.empty('integer'),
  x: F.dec(2.5), y: F.dec(0.07), w: F.dec(0.1), qd: F.missing('decimal'), ed: F.empty('decimal'),
  s: F.str('é'), apos: F.str("l'eau"), qs: F.missing('string'), es: F.empty('string'),
  m: F.multi(['x', 'y']), m1: F.multi(['x']), me: F.multi([]),
  mm: F.missing('string', true), mx: F.empty('string', true),
  dt: F.date('2024-06-18'),
  'fièvre': F.bool(true),
};

// Hand-written cases: a string, or {expr, subset: true} for an expression fhirpath.js accepts
// but our documented subset refuses (our compiler must refuse it).
function edgeCases() {
  const out = [];
  const B3 = ['true', 'false', '{}', 'q', 'e'];
  // Three-valued logic: every boolean operator over true / false / empty / missing / n.a.
  for (const op of ['and', 'or', 'xor', 'implies']) {
    for (const a of B3) for (const b of B3) out.push(`${a} ${op} ${b}`);
  }
  for (const a of B3) out.push(`${a}.not()`, `(${a}).not()`);
  // Nesting: the spec allows 64 levels of syntax nesting.
  const parens = (k, e) => '('.repeat(k) + e + ')'.repeat(k);
  const iifs = (k, e) => 'iif(t, '.repeat(k) + e + ', 0)'.repeat(k);
  out.push(parens(5, '1'), parens(6, '1'), parens(10, '1'), parens(20, 'n + 1'), parens(60, 't'),
    iifs(5, '1'), iifs(6, '1'), iifs(12, 'n'), '1 + (2 * (3 - (4 + (5 * (6 - (7 + 8))))))',
    'iif(t, iif(f, 1, iif(t, iif(t, iif(f, 2, iif(t, 3, 4)), 5), 6)), 7)',
    { expr: parens(70, '1'), subset: true });
  // Long lists (a collection holds at most 64 items, EXPR_MAX_ITEMS).
  const list = (k, f) => '(' + Array.from({ length: k }, (_, i) => f(i)).join(' | ') + ')';
  const sl = (i) => `'c${i}'`;
  out.push(`'c0' in ${list(10, sl)}`, `'c0' in ${list(11, sl)}`, `'c10' in ${list(11, sl)}`,
    `'c19' in ${list(20, sl)}`, `'zz' in ${list(20, sl)}`, `${list(20, sl)} contains 'c5'`,
    `${list(12, String)}.count()`, `${list(64, String)}.count()`, `${list(64, String)}`,
    `63 in ${list(64, String)}`, `n in ${list(30, String)} and 'x' in m`,
    // lists written with more than 64 values are refused by design (EXPR_MAX_ITEMS)
    { expr: `${list(65, String)}.count()`, subset: true },
    { expr: `${list(100, (i) => String(i % 50))}.count()`, subset: true });
  out.push(
    // division by zero, empty operands
    '1 / 0', '1.5 / 0', '0 / 0', '1 / 0.0', '1 div 0', '1 mod 0', 'n / z', 'n div z', 'n mod z',
    'x / (w - 0.1)', '(n / z).exists()', '(n div z).empty()',
    '{} + 1', '1 + {}', '{} - 1.5', '{} * 2', '2 / {}', '{} div 2', '5 mod {}',
    'n + qi', 'n + ei', 'qi + ei', 'ei + qi', 'qi * 0', 'n - qd', 'x / qi', 'qi div 0',
    '{} = {}', '{} != 1', '1 = {}', 'n = qi', 'n != ei', 'qi < 3', 'ei >= 3', "qs = 'a'",
    "es != 'a'", 'q = true', 'e = false', '{}.not()', '{}.abs()', 'qi.abs()', 'ei.abs()',
    // decimal equality and ordering at the 1e-8 rounding
    '0.1 + 0.2 = 0.3', '0.1 + 0.2 != 0.3', '0.3 = 0.1 + 0.2', '0.1 + 0.2 > 0.3',
    '0.1 + 0.2 >= 0.3', '0.1 + 0.2 < 0.3', '0.1 + 0.2 <= 0.3', '0.3 < 0.1 + 0.2',
    'w + 0.2 = 0.3', 'w + 0.2 > 0.3', 'w * 3 = 0.3', 'w * 3 > 0.3', 'y = 0.07', 'y < 0.07',
    'y > 0.07', 'y <= 0.07', '0.07 >= y', '0.07 = y', 'y * 100 = 7', 'y * 100 < 7',
    '1.10 = 1.1', '1.0 = 1', '1 = 1.0', '2 / 2 = 1', '1 / 3 * 3 = 1', '1 / 3 = 0.33333333',
    '1 / 3 = 0.333333333', '2 / 3 = 0.66666667', '0.000000005 = 0', '-0.000000005 = 0',
    '0.000000015 = 0.00000002', '-0.000000015 = -0.00000002', '0.000000025 = 0.00000003',
    '0.00000001 = 0.000000014', '0.00000001 > 0.000000014', '0.000000004 > 0',
    '(0.1 + 0.2) in (0.3 | 1.0)', '(0.1 + 0.2 | 0.3).count()', '(0.1 + 0.2 | 0.3)',
    '(w + 0.2) in (0.3 | 1.5)', '(0.3 | 1.5) contains w + 0.2',
    // integer / decimal mixing
    '1 + 2.5', '2.5 + 1', '3 * 0.5', '7 / 2', '6 / 3', '-7 / 2', '7 div 2', '-7 div 2',
    '7 div -2', '-7 mod 2', '7 mod -2', '-7 mod -2', 'n * x', 'x * n', 'n / 2', 'n - x',
    'neg div n', 'neg mod n', 'neg.abs()', '(-3).abs()', '(-2.5).abs()', 'x.abs()',
    '(n - 10).abs()', '(x - 10).abs()', '(1 | 2.0).count()', '(1 | 1.0).count()', '(1 | 1.0)',
    '(2.0 | 1)', '1 in (1.0 | 2.5)', '2.5 in (1 | 2)', 'n in (3.0 | 4)', 'x in (2.50 | 1)',
    '(1 | 2) = (1.0 | 2.0)', '(1 | 2) = (2 | 1)', 'iif(t, 1, 2.5)', 'iif(f, 1, 2.5)',
    'iif(t, 1, 2.5) + 1', '3 > 2.5', '2.5 < 3', '3 = 3.0', '3 >= 3.0', 'n = 3.0', 'x > n',
    '2147483647 + 1', '2147483647 * 2', '2147483647 * 2147483647', '-2147483647 - 2',
    '2147483647 * 2147483647 * 2147483647', '2147483647 * 2147483647 * 4',
    // strings: concatenation with + (see STRING_CONCAT_IN_SUBSET), comparisons, escapes, Unicode
    ...["'a' + 'b'", "'é' + 'à'", "s + '!'", "'' + ''", "'a' + {}", "{} + 'a'", "qs + 'a'",
      "es + 'a'", "'a' + 'b' = 'ab'", "apos + 's'", "'a\\\\b' + 'c'", "'日本' + '語' = '日本語'",
      "iif(t, 'a', 'b') + 'c'", "('a' + qs).exists()", "qs + {}", "{} + qs"]
      .map((expr) => ({ expr, subset: !STRING_CONCAT_IN_SUBSET })),
    "apos = 'l\\'eau'", "'l\\'eau' = apos",
    "'a' < 'b'", "'B' < 'a'", "'a' < 'ab'", "'' < 'a'", "'é' > 'z'", "'é' > 'e'",
    "'Été' < 'été'", "'ça' >= 'ca'", "'日本' < '日本語'", "'😀' > '日本'", "'\\u00e9' = 'é'",
    "'\\u00E9' = s", "'tab\\there'", "'l\\nn'", "'\\\\'", "'\\''",
    "'é' = 'é'", "'Été' != 'été'", "'😀' = '😀'", "s = 'é'",
    "s in ('é' | 'e')", "('é' | 'e') contains s", "'ｚ' < '😀'", "'\\uFFFD' < '😀'",
    // precedence and associativity
    '1 + 2 * 3', '(1 + 2) * 3', '10 - 2 - 3', '10 - (2 - 3)', '100 div 10 div 5',
    '2 * 3 mod 4', '2 * (3 mod 4)', '7 - 4 div 2', '12 / 4 / 3', '-2 * -3', '2 - -3', '2--3',
    '- 5 + 1', '-1.5 * 2', 'true or false and false', '(true or false) and false',
    'false and true or true', 'true xor true or true', 'true xor (true or true)',
    'false implies false implies false', '(false implies false) implies false',
    'false implies (false implies false)', 'true or false implies false',
    'true implies false or true', "'a' in 'a' | 'b'", "'c' in 'a' | 'b' | 'c'",
    '1 | 2 = 1 | 2', '1 | 2 = 2 | 1', '1 < 2 = true', 'true = 1 < 2', 'n > 2 and n < 5',
    'n > 2 and n < 3 or t', 'true and false.not()', '(true and false).not()',
    "m contains 'x' and 'y' in m", "('x' in m) = true", { expr: "'x' in m = true", subset: true }, '1 + 2 = 3 and 2 * 2 = 4',
    "s = 'é' implies n > 1", '1 + 2 | 3', '(1 + 2 | 3).count()', '3 | 1 + 2',
    // iif
    'iif({}, 1, 2)', 'iif(q, 1, 2)', 'iif(e, 1, 2)', 'iif(t, 1)', 'iif(f, 1)', 'iif(e, 1)',
    'iif(q, 1)', 'iif(t, qi, 2)', 'iif(f, qi, 2)', 'iif(t, 2, qi)', 'iif(f, 2, qi)',
    'iif(t, {}, 1)', "iif(n > 2, 'grand', 'petit')",
    'iif(t, (1 | 2), (3 | 4))', 'iif(f, (1 | 2), (3 | 4))', 'iif(t, m, me).count()',
    'iif(t, @2024-01-01, @2025-01-01)', 'iif(x > 2, x, n)', 'iif(q or true, 1, 2)',
    'iif(q and false, 1, 2)', 'iif(iif(t, f, t), 1, 2)',
    // existence and counting
    'q.exists()', 'q.empty()', 'q.count()', 'e.exists()', 'e.empty()', 'e.count()',
    't.exists()', 't.count()', 'm.exists()', 'm.count()', 'm1.count()', 'me.exists()',
    'me.empty()', 'me.count()', 'mm.exists()', 'mm.count()', 'mx.exists()', 'mx.count()',
    '(m | mm).count()', '(m | mx).count()', '(m | me).count()', '(m | m1).count()',
    '(m | m1)', "(m | 'z')", "('z' | m)", '{}.exists()', '{}.empty()', '{}.count()',
    '(1 | 2 | 2).count()', "('x' | 'x').count()", '(t | f | t).count()', '(t | q).exists()',
    '(t | e).count()', '(1 | {}).count()', '(qi | {}).exists()', 'dt.exists()',
    '`fièvre`', '`fièvre`.not()', '`n` + 1', '`m`.count()', 'qi.exists() or true',
    '(n / z).count()', '(1 | 2).exists().not()', 'm.empty().not()',
    // membership
    "'x' in m", "'z' in m", "m contains 'x'", "m contains 'z'", "'x' in me", "me contains 'x'",
    "'x' in mm", "mm contains 'x'", "'x' in mx", "{} in m", "m contains {}", "{} in mm",
    "mm contains {}", "qs in m", "qs in me", "m contains qs", "'a' in {}", "{} contains 'a'",
    "es in m", "'x' in (m | 'z')", "'z' in (m | 'z')", "'x' in (mm | 'x')", "n in (1 | 2 | 3)",
    'n in (1 | 2)', 'qi in (1 | 2)', '@2024-01-01 in (@2024-01-01 | @2025-01-01)',
    '(@2024-01-01 | @2025-01-01) contains @2025-01-02', "'x' in m1", "m1 contains 'y'",
    "'x' in iif(t, m, me)", "iif(f, m, me) contains 'x'",
    // collection equality
    "m = ('x' | 'y')", "m = ('y' | 'x')", "m != ('x' | 'y')", "m1 = 'x'", "'x' = m1",
    "m = 'x'", "me = ('x')", "me != ('x')", "mm = ('x' | 'y')", "m = m", "m1 = m",
    "('a' | 'b') = ('a' | 'b')", "('a' | 'b') != ('a' | 'c')", "('a' | 'a') = 'a'",
    // dates
    '@2024-01-01 < @2024-06-18', '@2024-02-29 = @2024-02-29', '@2023-12-31 >= @2024-01-01',
    '@2024-06-18 != @2024-06-19', '@2000-02-29 <= @2000-03-01', '@1999-12-31 > @1900-01-01',
    '(@2024-01-01 | @2024-01-01).count()', '(@2024-01-01 | @2024-01-02)',
    'iif(q, @2024-01-01, @2025-01-01)',
    // dates and calendar durations: days and weeks count days; months and years move the
    // calendar, clamped to the end of a shorter month
    'dt - 28 days', 'dt + 1 day', 'dt + 2 weeks', 'dt - 1 week', 'dt + 3 months', 'dt - 1 year',
    '@2024-01-01 - 28 days', '@2024-01-01 + 0 days', '@2024-01-01 + -3 days', '@2024-01-01 - -3 days',
    '@2024-01-31 + 1 month', '@2023-01-31 + 1 month', '@2024-03-31 - 1 month',
    '@2024-05-31 + 1 month', '@2023-03-31 - 13 months', '@2024-01-15 + 12 months',
    '@2024-02-29 + 1 year', '@2024-02-29 + 4 years', '@2024-02-29 - 1 year',
    '@2024-12-31 + 1 month + 1 day', '(@2024-01-31 + 1 month) + 1 month', '@2024-01-31 + 2 months',
    '@2024-01-01 + 1 year + 1 month', '@2000-02-29 + 100 years', '@2024-06-18 - 1 month - 1 day',
    'dt > @2024-06-18 - 28 days', 'dt - 28 days < dt', 'dt + 3 months = @2024-09-18',
    '@2024-01-01 + 3 days > @2024-01-03', '(dt + 1 month) in (@2024-07-18 | @2024-08-18)',
    'iif(t, dt + 1 year, dt)', 'iif(q, dt + 1 year, dt)', '{} + 3 days', '{} - 1 month',
    '(dt + 1 day).exists()', '(dt + 1 day).count()', '@2199-12-01 + 30 days', '@1900-02-28 - 1 month',
    '@2199-12-31 + 1 day', '@1900-01-01 - 1 month', '@2024-01-01 + 200 years',
    '@2024-01-01 + 3 days + 2', "@2024-01-01 + 3 'days'",
    { expr: '3 days + @2024-01-01', subset: true }, { expr: 'n + 3 days', subset: true },
    '@2024-01-01 + 1', '@2024-01-01 - @2023-01-01',
    { expr: '3 days', subset: true }, { expr: '@2024-01-01 + (3 days)', subset: true },
    { expr: '@2024-01-01 + 1.5 months', subset: true }, { expr: '@2024-01-01 + 25 hours', subset: true },
    { expr: "@2024-01-01 + 3 'd'", subset: true }, { expr: "@2024-01-01 + 1 'wk'", subset: true },
    { expr: '@2024-01-01 - 3 days * 2', subset: true }, { expr: '3 days = 3 days', subset: true },
    // refused by both: syntax and type errors
    '1 < 2 < 3', "'a' + 1", '1 + true', '(1 | 2) > 0', '-n', '-x', 'not(true)',
    '(t | f).not()', 'n.foo()', '1 +', "'abc", '@2024-13-01', '@2023-02-29', '1.', '.5',
    '(1 + 2', '1 + 2)', 't.not(1)', '1 2',
    { expr: 'iif(t)', subset: true }, { expr: 'n.exists(1)', subset: true }, "'a' < 1",
    '@2024-01-01 < 1', 'm < \'x\'', "('a' | 'b') > 'a'", 'n.abs(1)',
    { expr: "iif(n > 2, 'a', 3)", subset: true },
    { expr: 't and 1', subset: true }, { expr: '1 or t', subset: true },
    { expr: 'n.not()', subset: true }, { expr: "'a'.not()", subset: true },
    { expr: '7.5 div 2', subset: true }, { expr: '7.5 mod 2', subset: true },
    { expr: 'x div 2', subset: true }, { expr: '-5.abs()', subset: true },
    { expr: '-5.5.abs()', subset: true }, { expr: "n = 'a'", subset: true },
    { expr: 'true = 1', subset: true }, { expr: 'true < false', subset: true },
    { expr: 't > f', subset: true }, { expr: 'unknown_field', subset: true },
    { expr: 'unknown_field.exists()', subset: true }, { expr: "1 'mg'", subset: true },
    { expr: "'a' & 'b'", subset: true }, { expr: 'n.round()', subset: true },
    { expr: 'm.first()', subset: true }, { expr: '1 in m', subset: true },
    { expr: "m in ('x' | 'y')", subset: true }, { expr: '+5', subset: true },
    { expr: '2147483648', subset: true }, { expr: '9007199254740993', subset: true },
    { expr: '5L', subset: true }, { expr: '@2024-01', subset: true },
    { expr: '@2024-01-01T10:00', subset: true }, { expr: "'\\uD83D\\uDE00' = '😀'", subset: true },
    { expr: 'iif(1, 1, 2)', subset: true }, { expr: "iif('a', 1, 2)", subset: true },
    { expr: "iif(t, 1, 'a')", subset: true }, { expr: 't.iif(1, 2)', subset: true },
    { expr: 'n ~ 3', subset: true }, { expr: 'n !~ 3', subset: true },
    { expr: '%resource', subset: true }, { expr: 'n is Integer', subset: true },
    { expr: 'today() > @2020-01-01', subset: true }, { expr: '$this', subset: true },
    { expr: 'm[0]', subset: true }, { expr: 'n.toString()', subset: true },
    { expr: "iif(t, 'a', {}) + 1", subset: true }, { expr: '{}.not().not() + 1', subset: true },
  );
  return out.map((c, i) => (typeof c === 'string' ? { expr: c } : c)).map((c, i) => ({
    id: `edge#${i + 1}`, origin: 'edge', expr: c.expr, subset: !!c.subset, fields: EDGE_FIELDS,
  }));
}

// --------------------------------------------------------------------------------- running

function runOracle(oracle, cases) {
  if (!existsSync(oracle)) {
    process.stderr.write(`differential: oracle not found: ${oracle} (build it with ninja -C build)\n`);
    process.exit(2);
  }
  const input = cases.map((c) => JSON.stringify({ fields: c.fields, expr: c.expr })).join('\n') + '\n';
  const res = spawnSync(oracle, [], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (res.error || res.status !== 0) {
    process.stderr.write(`differential: oracle failed (${res.error ? res.error.message : `status ${res.status}, signal ${res.signal}`})\n${res.stderr || ''}`);
    process.exit(2);
  }
  const lines = res.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== cases.length) {
    process.stderr.write(`differential: oracle answered ${lines.length} lines for ${cases.length} requests\n`);
    process.exit(2);
  }
  return lines.map((l) => JSON.parse(l));
}

// Every expression of the protocol of each clinical case file, evaluated by our engine's values.
function runProtocolCases(oracle, files) {
  const out = [];
  for (const file of files) {
    let doc;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      process.stderr.write(`differential: ${file}: ${e.message}\n`);
      process.exit(2);
    }
    const res = spawnSync(oracle, ['--protocol', doc.protocol, file],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (res.error || res.status !== 0) {
      process.stderr.write(`differential: oracle --protocol ${doc.protocol} ${file} failed ` +
        `(${res.error ? res.error.message : `status ${res.status}`})\n${res.stderr || ''}`);
      process.exit(2);
    }
    const base = path.basename(file);
    for (const line of res.stdout.split('\n')) {
      if (!line) continue;
      const ours = JSON.parse(line);
      out.push({
        id: `${base}: ${ours.case}${ours.where ? ` — ${ours.where}` : ''}`, origin: 'protocol',
        expr: ours.expr || '', fields: ours.fields || {}, subset: false, ours,
      });
    }
  }
  return out;
}

// The expression as fhirpath.js is given it: each date field named outside string literals is
// replaced by its answer written as a date literal, or by {} when it has none (fhirpath.js reads
// a date of the resource as a plain string, which it neither compares with a date nor shifts).
function fhirpathText(expr, fields) {
  const dates = Object.entries(fields).filter(([, f]) => f.type === 'date' && !f.collection);
  if (dates.length === 0) return expr;
  return expr.split(/('(?:[^'\\]|\\.)*')/u).map((part, i) => {
    if (i % 2 === 1) return part; // a string literal
    for (const [name, f] of dates) {
      const re = new RegExp(`(^|[^A-Za-z0-9_\`@])\`?${name}\`?(?![A-Za-z0-9_])`, 'gu');
      const lit = f.state === 'answered' ? `(@${f.value})` : '({})';
      part = part.replace(re, (_, before) => before + lit);
    }
    return part;
  }).join('');
}

function runFhirpath(expr, fields) {
  const warn = console.warn;
  console.warn = () => {}; // fhirpath.js warns about some refusals ("iif wrong arity")
  try {
    const value = fhirpath.evaluate(resourceOf(fields), fhirpathText(expr, fields));
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: String((e && e.message) || e).split('\n')[0] };
  } finally {
    console.warn = warn;
  }
}

// fhirpath.js's decimal equality: both rounded to a multiple of 1e-8.
function numEqual(a, b) {
  return Math.round(a / 1e-8) === Math.round(b / 1e-8);
}

function sameResult(ours, theirs) {
  if (!Array.isArray(theirs) || ours.result.length !== theirs.length) return false;
  for (let i = 0; i < theirs.length; i++) {
    const a = ours.result[i], b = theirs[i];
    if (typeof a === 'number' || typeof b === 'number') {
      if (typeof a !== 'number' || typeof b !== 'number' || !numEqual(a, b)) return false;
    } else if (a !== b) {
      return false;
    }
  }
  return true;
}

const show = (v) => JSON.stringify(v);

// Judges one case: {verdict, why?, completion?, fh}. Verdicts: compared, unknown, refused-both,
// refused-subset, disagree.
function judge(c, ours, rng) {
  const fh = runFhirpath(c.expr, c.fields);
  const v = (verdict, why, extra = {}) => ({ verdict, why, fh, ...extra });
  if (!ours.ok) {
    if (ours.bad_request) return v('disagree', `oracle could not run the request: ${ours.error}`);
    if (!fh.ok) return v('refused-both');
    if (c.subset) return v('refused-subset');
    return v('disagree', 'we refuse to compile an expression fhirpath.js evaluates');
  }
  if (!fh.ok) return v('disagree', 'fhirpath.js throws on an expression we accept');
  if (c.node && c.node.sure && (ours.type !== c.node.t || ours.collection !== c.node.c)) {
    return v('disagree', `static type ${ours.type}${ours.collection ? ' collection' : ''}, ` +
      `expected ${c.node.t}${c.node.c ? ' collection' : ''}`);
  }
  const missing = hasMissing(c.fields);
  if (!ours.definite) {
    if (!missing) return v('disagree', 'unknown result although no field is missing');
    if (ours.result.length !== 0) return v('disagree', 'unknown result that is not empty');
    return fh.value.length === 0 ? v('compared') : v('unknown');
  }
  if (!sameResult(ours, fh.value)) return v('disagree', 'different results');
  if (missing) {
    for (let k = 0; k < 3; k++) {
      const filled = completion(rng, c.fields);
      const fk = runFhirpath(c.expr, filled);
      if (!fk.ok || !sameResult(ours, fk.value)) {
        return v('disagree', 'definite result, but fhirpath.js gives another once the missing answers come',
          { completion: filled, fhCompleted: fk });
      }
    }
  }
  return v('compared');
}

// All sub-expressions of a generated tree, smallest first.
function subtrees(n) {
  const out = [];
  const walk = (x) => { out.push(x); for (const k of x.kids) walk(k); };
  walk(n);
  return out.filter((x) => x !== n).sort((a, b) => a.s.length - b.s.length);
}

function fieldsUsed(expr, fields) {
  const out = {};
  expr = expr.replace(/'(?:[^'\\]|\\.)*'/gu, "''");
  for (const [name, f] of Object.entries(fields)) {
    if (new RegExp(`(^|[^A-Za-z0-9_\`])\`?${name}\`?($|[^A-Za-z0-9_])`, 'u').test(expr)) out[name] = f;
  }
  return out;
}

// Finds, for each failing random case, its smallest sub-expression that fails the same way.
function shrink(opt, failures) {
  const cands = [];
  for (const f of failures) {
    if (!f.c.node) continue;
    for (const sub of subtrees(f.c.node)) {
      cands.push({ parent: f, c: { ...f.c, expr: sub.s, node: sub.sure ? sub : { ...sub, sure: false } } });
    }
  }
  if (cands.length === 0) return;
  const answers = runOracle(opt.oracle, cands.map((x) => x.c));
  const rng = new Rng(opt.seed ^ 0x5eed);
  cands.forEach((x, i) => {
    if (x.parent.min) return; // smallest already found (candidates are smallest first)
    const j = judge(x.c, answers[i], rng);
    if (j.verdict === 'disagree' && j.why === x.parent.j.why) x.parent.min = { c: x.c, ours: answers[i], j };
  });
}

function report(f, i) {
  const lines = [];
  const one = (title, c, ours, j) => {
    const used = fieldsUsed(c.expr, c.fields);
    lines.push(`  ${title}: ${c.expr}`);
    lines.push(`    fields:   ${show(used)}`);
    lines.push(`    resource: ${show(resourceOf(used))}`);
    if (fhirpathText(c.expr, used) !== c.expr) lines.push(`    as given to fhirpath.js: ${fhirpathText(c.expr, used)}`);
    lines.push(`    ours:     ${show(ours)}`);
    lines.push(`    fhirpath: ${j.fh.ok ? show(j.fh.value) : `throws: ${j.fh.error}`}`);
    if (j.completion) {
      lines.push(`    with the missing answers filled in: ${show(resourceOf(fieldsUsed(c.expr, j.completion)))}`);
      lines.push(`    fhirpath: ${j.fhCompleted.ok ? show(j.fhCompleted.value) : `throws: ${j.fhCompleted.error}`}`);
    }
  };
  lines.push(`DISAGREEMENT ${i + 1} (${f.c.id}): ${f.j.why}`);
  one('expression', f.c, f.ours, f.j);
  if (f.min && f.min.c.expr !== f.c.expr) one('smallest failing sub-expression', f.min.c, f.min.ours, f.min.j);
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------ main

function main() {
  const opt = parseArgs(process.argv.slice(2));
  const cases = opt.edge ? edgeCases() : [];
  const nEdge = cases.length;
  const gen = new Generator(new Rng(opt.seed), opt.depth, opt.without);
  for (let i = 0; i < opt.count; i++) {
    const r = gen.make();
    cases.push({ id: `random#${i + 1}`, origin: 'random', ...r });
  }
  if (opt.dump) {
    writeFileSync(opt.dump, cases.map((c) => JSON.stringify({ id: c.id, fields: c.fields, expr: c.expr })).join('\n') + '\n');
  }

  const answers = runOracle(opt.oracle, cases);
  const fromCases = runProtocolCases(opt.oracle, opt.cases);
  for (const c of fromCases) {
    cases.push(c);
    answers.push(c.ours);
  }
  const rng = new Rng(opt.seed ^ 0xc0ffee);
  const tally = { compared: 0, unknown: 0, 'refused-both': 0, 'refused-subset': 0, known: 0, disagree: 0 };
  const failures = [];
  const knownSeen = new Set();
  cases.forEach((c, i) => {
    const j = judge(c, answers[i], rng);
    if (j.verdict === 'disagree') {
      const k = knownDeviation(c);
      if (k) {
        tally.known++;
        knownSeen.add(k.id);
        return;
      }
      failures.push({ c, ours: answers[i], j });
    }
    tally[j.verdict]++;
  });

  // Group the disagreements by kind (and our error message), and show a few of each kind.
  const groups = new Map();
  for (const f of failures) {
    const key = f.j.why + (f.ours && !f.ours.ok && f.ours.error ? `: ${f.ours.error}` : '');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  const shown = [];
  for (let round = 0; shown.length < Math.min(opt.maxReport, failures.length); round++) {
    for (const g of groups.values()) {
      if (round < g.length && shown.length < opt.maxReport) shown.push(g[round]);
    }
  }
  if (shown.length && opt.shrink) shrink(opt, shown);
  shown.forEach((f, i) => console.log(report(f, i) + '\n'));
  if (failures.length > shown.length) console.log(`... and ${failures.length - shown.length} more disagreements\n`);
  if (groups.size) {
    console.log('disagreements by kind:');
    for (const [key, g] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
      console.log(`  ${String(g.length).padStart(5)}  ${key}`);
    }
  }
  for (const d of KNOWN_DEVIATIONS) {
    if (!knownSeen.has(d.id) && d.expr && d.expr.some((e) => cases.some((c) => c.expr === e))) {
      console.log(`note: known deviation ${d.id} did not show up (fixed? remove it from KNOWN_DEVIATIONS)`);
    }
  }
  const total = cases.length;
  console.log(`differential: ${total} expressions, ${tally.compared} compared, ${tally.unknown} unknown, ` +
    `${tally.disagree} disagreements (${nEdge} hand-written + ${opt.count} random, seed ${opt.seed}` +
    ` + ${fromCases.length} from ${opt.cases.length} clinical case files; ` +
    `${tally['refused-both']} refused by both, ${tally['refused-subset']} outside the subset, ` +
    `${tally.known} known deviations)`);
  process.exit(tally.disagree ? 1 : 0);
}

main();
