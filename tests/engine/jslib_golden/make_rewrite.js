// Records n8n's results for the extension-call rewrite cases (rewrite_cases.json):
//   cd ~/.cache/n8n-ref && node /work/main/tests/engine/jslib_golden/make_rewrite.js \
//     < /work/main/tests/engine/jslib_golden/rewrite_cases.json > /work/main/tests/engine/jslib_golden/rewrite_golden.json
// (run from a directory whose node_modules holds n8n-workflow 1.123's dependencies)
const path = require('path');
const base = path.join(process.cwd(), 'node_modules', 'n8n-workflow', 'dist', 'cjs', 'extensions', 'expression-extension.js');
const ext = require(base);
// Identifiers the transformed code refers to, as in n8n's expression sandbox.
const extend = ext.extend;
const extendOptional = ext.extendOptional;
const global = {};
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const expr of cases) {
  let code = ext.extendTransform(expr).code.trim();
  if (code.endsWith(';')) code = code.slice(0, -1);
  let result;
  try {
    result = (0, eval)('(function (extend, extendOptional, global) { return (' + code + '\n); })')(extend, extendOptional, global);
    if (result === undefined) result = '$undefined';
  } catch (err) {
    result = 'ERR ' + err.message;
  }
  out[expr] = result;
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
