#!/usr/bin/env node
// Generates automatelanka/services/credential_types.json from n8n's credential classes.
//
//   node tools/gen_credential_types.js [N8N_BASE] > automatelanka/services/credential_types.json
//
// N8N_BASE defaults to ~/.cache/n8n-ref/node_modules/n8n-nodes-base. Each type lists its own
// fields and the types it extends (resolved at runtime by automatelanka/services/credential_types.py):
// name, type, required, password, default, and whether it only shows in some modes (displayOptions).
// Not needed at runtime: the JSON is committed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const base = process.argv[2] || path.join(os.homedir(), '.cache/n8n-ref/node_modules/n8n-nodes-base');
const dir = path.join(base, 'dist/credentials');
const SKIP_TYPES = new Set(['notice', 'hidden-notice', 'callout']);
const out = {};

function plain(value) {
  if (value === undefined || typeof value === 'function') return undefined;
  try { return JSON.parse(JSON.stringify(value)); } catch (e) { return undefined; }
}

for (const file of fs.readdirSync(dir).sort()) {
  if (!file.endsWith('.credentials.js')) continue;
  let mod;
  try { mod = require(path.join(dir, file)); } catch (e) { continue; }
  for (const Cls of Object.values(mod)) {
    if (typeof Cls !== 'function') continue;
    let inst;
    try { inst = new Cls(); } catch (e) { continue; }
    if (!inst || typeof inst.name !== 'string' || !Array.isArray(inst.properties)) continue;
    const fields = [];
    for (const p of inst.properties) {
      if (!p || SKIP_TYPES.has(p.type)) continue;
      const f = { name: p.name, type: p.type };
      if (p.displayName && p.displayName !== p.name) f.label = p.displayName;
      if (p.required) f.required = true;
      if (p.typeOptions && p.typeOptions.password) f.password = true;
      const d = plain(p.default);
      if (d !== undefined && d !== '') f.default = d;
      if (p.displayOptions) f.conditional = true;
      if (Array.isArray(p.options) && p.type === 'options') {
        f.options = p.options.map((o) => plain(o.value)).filter((v) => v !== undefined);
      }
      fields.push(f);
    }
    const entry = { label: inst.displayName || inst.name, fields };
    if (Array.isArray(inst.extends) && inst.extends.length) entry.extends = inst.extends;
    out[inst.name] = entry;
  }
}

const sorted = {};
for (const key of Object.keys(out).sort()) sorted[key] = out[key];
process.stdout.write('{\n' + Object.entries(sorted).map(([k, v]) => JSON.stringify(k) + ': ' + JSON.stringify(v)).join(',\n') + '\n}\n');
