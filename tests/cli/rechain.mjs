// rechain.mjs — what an attacker with write access to the database would do after deleting or
// changing audit records: renumber them 1, 2, 3... and recompute every chain hash, following
// the format of src/store/audit.h (both hash versions). Prints the SQL that rewrites the table.
// The JSON columns must be text: the backend stores long ones compressed (a blob, whose bytes
// the shell's JSON output mangles), so rewrite them as text first (the backend reads both):
//   tests/episode_doc DB --audit-text   (built beside coop, from tests/api/episode_doc.c)
// A row that still holds a blob is refused (exit status 1) rather than rechained wrongly.
// Usage: sqlite3 -json DB "SELECT * FROM audit ORDER BY id" | node rechain.mjs | sqlite3 DB
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const rows = JSON.parse(readFileSync(0, 'utf8') || '[]');
const text = (s) => (s === null || s === undefined ? '-;' : `${Buffer.byteLength(s)}:${s};`);
const int = (n) => `${n};`;
const quote = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);
let prev = '0'.repeat(64);
const out = ['BEGIN;', 'DELETE FROM audit;'];
rows.forEach((r, i) => {
  const id = i + 1;
  // a stored blob starts with its format byte (src/store/docblob.h); JSON text never does
  for (const col of ['before_json', 'after_json']) {
    if (typeof r[col] === 'string' && r[col].charCodeAt(0) < 0x20) {
      console.error(`rechain: audit record ${r.id}: ${col} is stored compressed; run ` +
        'episode_doc DB --audit-text first');
      process.exit(1);
    }
  }
  const v = r.hash_version ?? 1;
  const parts = [text(`coop-audit-v${v}`), text(prev), int(id), int(r.at), int(r.account_id)];
  if (v >= 2) parts.push(int(r.structure_id));
  parts.push(text(r.action), text(r.entity), int(r.entity_id), text(r.before_json),
    text(r.after_json));
  const hash = createHash('sha256').update(parts.join('')).digest('hex');
  // a table of schema 1 has neither the structure nor the hash version
  const newer = 'hash_version' in r;
  out.push(`INSERT INTO audit (id, at, account_id, action, entity, entity_id, before_json, ` +
    `after_json, prev_hash, hash${newer ? ', structure_id, hash_version' : ''}) VALUES (${id}, ` +
    `${r.at}, ${r.account_id}, ${quote(r.action)}, ${quote(r.entity)}, ${r.entity_id}, ` +
    `${quote(r.before_json)}, ${quote(r.after_json)}, '${prev}', '${hash}'` +
    `${newer ? `, ${r.structure_id}, ${v}` : ''});`);
  prev = hash;
});
out.push('COMMIT;');
console.log(out.join('\n'));
