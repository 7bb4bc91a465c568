// Records goldens for tests/engine/test_jslib.py from the REAL n8n-workflow and Luxon.
// Run: TZ=UTC node tests/engine/jslib_golden/make.mjs  (reference install in ~/.cache/n8n-ref)
// Each case is evaluated in n8n as the expression `={{ <expr> }}` of a workflow whose
// timezone is UTC, and each "extend" case through n8n-workflow's own extend().
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ref = join(homedir(), '.cache/n8n-ref/node_modules');
const require = createRequire(join(ref, 'n8n-workflow', 'package.json'));
const wf = require(join(ref, 'n8n-workflow'));
const { extend } = require(join(ref, 'n8n-workflow/dist/cjs/extensions/expression-extension.js'));
const luxon = require(join(ref, 'luxon'));

const nodeTypes = {
  getByName: () => undefined,
  getByNameAndVersion: () => undefined,
  getKnownTypes: () => ({}),
};

function makeWorkflow(tz) {
  return new wf.Workflow({
    id: '1', name: 'golden', active: false, nodeTypes, connections: {},
    nodes: [{ id: 'a', name: 'Node', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} }],
    settings: { timezone: tz },
  });
}

// Encode a JS value as JSON the Python side can compare exactly.
function encode(v) {
  if (v === undefined) return { $undefined: true };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  if (luxon.DateTime.isDateTime(v)) return { $datetime: v.isValid ? v.toISO() : 'Invalid DateTime', zone: v.isValid ? v.zoneName : null };
  if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString() };
  if (typeof v === 'function') return { $function: true };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') {
    if (luxon.Duration.isDuration(v)) return { $duration: v.toObject() };
    const o = {};
    for (const k of Object.keys(v)) o[k] = encode(v[k]);
    return o;
  }
  return v;
}

function errorOf(e) {
  const name = e && e.constructor && e.constructor.name;
  return { $error: name === 'ExpressionExtensionError' ? 'ExpressionExtensionError' : String(name), message: String(e && e.message) };
}

const spec = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8'));
const out = { plain: [], exprs: [], extend: [], jmespath: [] };
const jmespath = require(join(ref, 'jmespath'));
for (const c of spec.exprs) {
  const tz = c.tz || 'UTC';
  const workflow = makeWorkflow(tz);
  const items = [{ json: c.json || {} }];
  let result;
  try {
    const v = workflow.expression.getParameterValue('={{ ' + c.expr + ' }}', null, 0, 0, 'Node', items, 'manual', {});
    result = encode(v);
  } catch (e) {
    result = errorOf(e);
  }
  out.exprs.push({ expr: c.expr, tz, result });
}
luxon.Settings.defaultZone = 'UTC';
for (const k of ['DateTime', 'Duration', 'Interval', 'Info', 'Settings', 'FixedOffsetZone', 'IANAZone']) globalThis[k] = luxon[k];
for (const expr of spec.plain) {
  let result;
  try {
    result = encode((0, eval)(expr));
  } catch (e) {
    result = errorOf(e);
  }
  out.plain.push({ expr, result });
}
for (const c of spec.extend) {
  let result;
  try {
    const value = (0, eval)('(' + c.value + ')');
    const args = (0, eval)('[' + (c.args || '') + ']');
    result = encode(extend(value, c.fn, args));
  } catch (e) {
    result = errorOf(e);
  }
  out.extend.push({ value: c.value, fn: c.fn, args: c.args || '', result });
}
for (const c of spec.jmespath) {
  let result;
  try {
    result = encode(jmespath.search((0, eval)('(' + c.data + ')'), c.query));
  } catch (e) {
    result = errorOf(e);
  }
  out.jmespath.push({ data: c.data, query: c.query, result });
}
writeFileSync(join(here, 'goldens.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${out.exprs.length} expressions, ${out.extend.length} extend calls, ${out.jmespath.length} jmespath queries`);
