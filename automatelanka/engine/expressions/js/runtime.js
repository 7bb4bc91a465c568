/* AutomateLanka expression runtime: n8n's data proxy and templating, inside quickjs.
 *
 * Python pushes data in (never the other way during an evaluation):
 *   __al_reset(json)            per execution: workflow, mode, env, vars, pin data, static data...
 *   __al_task(name, run, json)  a node's recorded task ({main, source}), pushed lazily
 *   __al_node(json)             the current node run: name, runIndex, connectionInputData, source...
 *   __al_extra(json|null)       extra variables ($response, $pageCount...)
 *   __al_eval(expr, i)          evaluate an expression (without its leading "=") for item i
 * Results are encoded as strings with a one-character tag (see encode()).
 */
var __al = (function () {
  'use strict';
  const G = globalThis;
  const RealFunction = Function;
  const realEval = eval;
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  class ExprError extends Error {
    constructor(message, extra) {
      super(message);
      this.name = 'ExpressionError';
      this.extra = extra || {};
    }
  }

  // ---- per-execution and per-node-run state -------------------------------------------------
  let S = null; // execution
  let C = null; // node run
  let I = 0; // item index
  let X = null; // extra variables
  let NOW = null;
  let customDirty = false;

  function reset(json) {
    S = JSON.parse(json);
    S.runs = {};
    C = null;
    X = null;
    customDirty = false;
    if (typeof G.__al_setZone === 'function' && S.tz) G.__al_setZone(S.tz);
  }
  function task(name, run, json) {
    const runs = S.runs[name] || (S.runs[name] = []);
    runs[run] = JSON.parse(json);
  }
  function node(json) {
    C = JSON.parse(json);
    if (C.anc === undefined) C.anc = {}; // only code that reads other nodes gets them
    if (C.staticData !== undefined) S.staticData = C.staticData;
  }
  function extra(json) {
    X = json === null ? null : JSON.parse(json);
    // Variables only some callers define ($response, $pageCount, $request for HTTP pagination).
    for (const name of Object.keys(X || {})) {
      if (!hasOwn(VARS, name) && !Object.getOwnPropertyDescriptor(G, name)) {
        Object.defineProperty(G, name, {
          configurable: true,
          get() { return X !== null && hasOwn(X, name) ? X[name] : undefined; },
        });
      }
    }
  }
  // Static and custom data changed outside this context (by a Code node run in its own).
  function state(json) {
    const data = JSON.parse(json);
    S.staticData = data.staticData;
    S.customData = data.customData;
  }

  const isScripting = (name) => {
    const n = S.nodes[name];
    return !!n && ['n8n-nodes-base.function', 'n8n-nodes-base.functionItem', 'n8n-nodes-base.code',
      '@n8n/n8n-nodes-langchain.code'].includes(n.type);
  };
  function exprError(message, extra) {
    if (extra && extra.functionOverrides && isScripting(C.node)) {
      message = extra.functionOverrides.message || message;
    }
    return new ExprError(message, extra);
  }

  // ---- node data ----------------------------------------------------------------------------
  const pinned = (name) => (S.mode === 'manual' && S.pin && hasOwn(S.pin, name) ? S.pin[name] : undefined);
  const hasRun = (name) => hasOwn(S.runs, name) && S.runs[name].length > 0;
  const notExecuted = (name) => exprError(`Node '${name}' hasn't been executed`, {
    messageTemplate: 'An expression references this node, but the node is unexecuted.',
    type: 'no_execution_data', nodeCause: name,
  });

  function executionData(name, outputIndex, runIndex) {
    if (!hasOwn(S.nodes, name)) throw exprError("Referenced node doesn't exist", { nodeCause: name });
    if (!hasRun(name)) {
      const pin = pinned(name);
      if (pin) return pin;
      throw notExecuted(name);
    }
    const runs = S.runs[name];
    if (runIndex === undefined || runIndex === null) runIndex = -1;
    if (runIndex === -1) runIndex = runs.length - 1;
    if (runs.length <= runIndex || !runs[runIndex]) {
      const pin = pinned(name);
      if (pin) return pin;
      throw exprError(`Run ${runIndex} of node "${name}" not found`);
    }
    const main = runs[runIndex].main;
    if (!main || !main.length || main[0] === null) throw exprError('No data found from `main` input');
    if (outputIndex === undefined) {
      if (!hasOwn(C.anc, name)) throw exprError(`connect "${C.node}" to "${name}"`);
      outputIndex = C.anc[name];
    }
    if (main.length <= outputIndex) throw exprError(`Node "${name}" has no branch with index ${outputIndex}.`);
    return main[outputIndex] || [];
  }

  function binaryWithoutData(item) {
    const out = {};
    const binary = item && item.binary;
    if (!binary) return out;
    for (const key of Object.keys(binary)) {
      const meta = {};
      for (const k of Object.keys(binary[key] || {})) if (k !== 'data') meta[k] = binary[key][k];
      out[key] = meta;
    }
    return out;
  }

  function currentItem(which) {
    const items = C.items || [];
    if (items.length === 0) throw notExecuted(C.node);
    if (items.length <= I) {
      throw exprError(`"${C.node}" node has ${items.length} item(s) but you're trying to access item ${I}`,
        { type: 'no_execution_data', nodeCause: C.node });
    }
    return which === 'binary' ? binaryWithoutData(items[I]) : items[I].json;
  }

  // ---- paired items -------------------------------------------------------------------------
  const normPaired = (p) => (p === null || p === undefined ? [] : (Array.isArray(p) ? p : [p]))
    .map((x) => (typeof x === 'number' ? { item: x } : x));

  function missingPaired(nodeCause, method) {
    const msg = pinned(nodeCause)
      ? `Using the ${method} method doesn't work with pinned data in this scenario. Please unpin '${nodeCause}' and try again.`
      : `Paired item data for ${method} from node '${nodeCause}' is unavailable. Ensure '${nodeCause}' is providing the required output.`;
    return new ExprError(msg, { type: 'paired_item_no_info', nodeCause });
  }
  const noConnection = (cause) => exprError('Invalid expression', {
    messageTemplate: 'No path back to referenced node', type: 'paired_item_no_connection', nodeCause: cause,
  });

  function taskFor(source) {
    const runs = S.runs[source.previousNode];
    const t = runs && runs[source.previousNodeRun || 0];
    if (t) return t;
    const pin = pinned(source.previousNode);
    return pin ? { main: [pin], source: [] } : undefined;
  }

  function getPaired(dest, incoming, initial, method, before) {
    const paired = typeof initial === 'number' ? { item: initial } : initial;
    const source = paired.sourceOverwrite || incoming;
    if (!source) {
      throw exprError('Paired item resolution failed', {
        functionOverrides: { message: 'Data not found' }, type: 'paired_item_no_info', nodeCause: before,
      });
    }
    const t = taskFor(source);
    const outIndex = source.previousNodeOutput || 0;
    const out = t && t.main && t.main[outIndex];
    if (!out) {
      throw exprError('Can’t get data for expression', {
        functionOverrides: { message: 'Missing output' }, type: 'internal', nodeCause: before,
      });
    }
    const it = out[paired.item];
    const sources = (t && t.source) || [];
    if (source.previousNode === dest) {
      if (paired.item >= out.length) throw missingPaired(source.previousNode, method);
      return it;
    }
    const next = normPaired(it && it.pairedItem);
    if (next.length === 0) throw missingPaired(source.previousNode, method);
    const results = [];
    for (const p of next) {
      const input = p.input || 0;
      if (input >= sources.length) continue;
      const nextSource = p.sourceOverwrite || sources[input];
      try {
        results.push({ ok: true, v: getPaired(dest, nextSource, Object.assign({}, p, { input }), method, source.previousNode) });
      } catch (e) {
        results.push({ ok: false, e });
      }
    }
    if (results.length && results.every((r) => !r.ok)) throw results[0].e;
    const matched = results.filter((r) => r.ok).map((r) => r.v);
    if (matched.length === 0) {
      if (sources.length === 0) throw noConnection(dest);
      throw exprError('Branch not found', {
        functionOverrides: { message: 'Invalid branch reference' }, type: 'paired_item_invalid_info', nodeCause: before,
      });
    }
    if (matched.some((m) => m !== matched[0])) {
      throw exprError('Multiple matches found', {
        messageTemplate: `Multiple matching items for item [${paired.item}]`,
        functionOverrides: { message: 'Multiple matches' }, type: 'paired_item_multiple_matches', nodeCause: dest,
      });
    }
    return matched[0];
  }

  // ---- parameters ---------------------------------------------------------------------------
  function resolveDeep(value) {
    if (typeof value === 'string') return value.charAt(0) === '=' ? evaluate(value.slice(1), true) : value;
    if (Array.isArray(value)) return value.map(resolveDeep);
    if (value !== null && typeof value === 'object') {
      const out = {};
      for (const k of Object.keys(value)) out[k] = resolveDeep(value[k]);
      return out;
    }
    return value;
  }
  function paramProxy(params, resolve) {
    return new Proxy(params || {}, {
      get(target, name) {
        if (name === 'isProxy') return true;
        const v = target[name];
        return resolve ? resolveDeep(v) : v;
      },
    });
  }

  // ---- the $('Name') proxy ------------------------------------------------------------------
  const PAIRED_METHODS = ['pairedItem', 'itemMatching', 'item'];
  function nodeProxy(name) {
    if (!name) throw exprError('When calling $(), please specify a node');
    if (!hasOwn(S.nodes, name)) throw exprError("Referenced node doesn't exist", { nodeCause: name });
    const ensure = () => { if (!hasRun(name) && !pinned(name)) throw notExecuted(name); };
    const branch = (b) => (b !== undefined && b !== null ? b : (hasOwn(C.anc, name) ? C.anc[name] : 0));
    return new Proxy({}, {
      get(target, prop) {
        if (prop === 'isProxy') return true;
        if (prop === 'isExecuted') return hasRun(name);
        if (PAIRED_METHODS.includes(prop)) {
          if (!hasOwn(C.anc, name)) throw noConnection(name);
          ensure();
          const method = (itemIndex) => {
            if (itemIndex === undefined) {
              if (prop === 'itemMatching') throw exprError('Missing item index for .itemMatching()');
              itemIndex = I;
            }
            const items = C.items || [];
            if (!items.length) {
              const pin = pinned(name);
              if (pin) return pin[itemIndex];
            }
            const input = items[itemIndex];
            if (!input) {
              throw exprError('Can’t get data for expression', {
                functionOverrides: { message: 'Can’t get data' }, type: 'paired_item_intermediate_nodes',
              });
            }
            if (input.pairedItem === undefined) throw missingPaired(C.node, prop);
            const src = C.source || [];
            const p = typeof input.pairedItem === 'number' ? { item: input.pairedItem } : input.pairedItem;
            const sourceData = src[p.input || 0] || src[0];
            return getPaired(name, sourceData, p, prop);
          };
          return prop === 'item' ? method() : method;
        }
        if (prop === 'first' || prop === 'last' || prop === 'all') {
          ensure();
          return (b, r) => {
            const data = executionData(name, branch(b), r);
            if (prop === 'all') return data;
            if (prop === 'first') return data[0] ? data[0] : undefined;
            return data.length && data[data.length - 1] ? data[data.length - 1] : undefined;
          };
        }
        if (prop === 'params') return S.nodes[name].parameters;
        if (prop === 'context') return nodeContext(name);
        return undefined;
      },
    });
  }

  // A node's execution-scoped context (SplitInBatches keeps its queue there); {} when unknown.
  const nodeContext = (name) => (C && C.contexts && C.contexts[name]) || {};

  function legacyNode(name, fixedIndex) {
    if (!hasOwn(S.nodes, name)) {
      return new Proxy({}, { get(t, p) {
        if (p === 'isProxy') return true;
        throw exprError('Referenced node does not exist', { type: 'paired_item_no_connection', nodeCause: name });
      } });
    }
    return new Proxy({}, {
      get(target, prop) {
        if (prop === 'isProxy') return true;
        if (prop === 'json' || prop === 'data' || prop === 'binary') {
          const idx = fixedIndex === undefined ? I : fixedIndex;
          const data = executionData(name, undefined, undefined);
          if (data.length === 0) throw notExecuted(name);
          if (data.length <= idx) {
            throw exprError(`"${name}" node has ${data.length} item(s) but you're trying to access item ${idx}`,
              { type: 'no_execution_data', nodeCause: name });
          }
          return prop === 'binary' ? binaryWithoutData(data[idx]) : data[idx].json;
        }
        if (prop === 'parameter') return paramProxy(S.nodes[name].parameters, true);
        if (prop === 'runIndex') return hasRun(name) ? S.runs[name].length - 1 : -1;
        if (prop === 'context') return nodeContext(name);
        return undefined;
      },
    });
  }

  // ---- the global variables -----------------------------------------------------------------
  const input = new Proxy({}, {
    get(target, prop) {
      if (prop === 'isProxy') return true;
      const items = C.items || [];
      if (items.length === 0) throw exprError('No execution data available', { type: 'no_execution_data' });
      if (prop === 'item') return items[I];
      if (prop === 'first' || prop === 'last') {
        return (...args) => {
          if (args.length) throw exprError(`$input.${prop}() should have no arguments`);
          const v = prop === 'first' ? items[0] : items[items.length - 1];
          return v ? v : undefined;
        };
      }
      if (prop === 'all') return () => items;
      if (prop === 'params' || prop === 'context') {
        const src = (C.source || [])[0];
        if (!src) return undefined;
        return prop === 'params' ? (S.nodes[src.previousNode] || {}).parameters : nodeContext(src.previousNode);
      }
      return undefined;
    },
  });

  const now = () => {
    if (NOW === null) NOW = G.DateTime ? G.DateTime.now() : new Date();
    return NOW;
  };

  const execution = () => ({
    id: S.executionId,
    mode: S.mode === 'manual' ? 'test' : 'production',
    resumeUrl: `${S.webhookBase}/webhook-waiting/${S.executionId}`,
    resumeFormUrl: `${S.webhookBase}/form-waiting/${S.executionId}`,
    customData: {
      set(k, v) { S.customData[String(k)] = String(v); customDirty = true; },
      setAll(o) { for (const k of Object.keys(o || {})) S.customData[k] = String(o[k]); customDirty = true; },
      get(k) { return S.customData[k]; },
      getAll() { return Object.assign({}, S.customData); },
    },
  });

  function jmespath(data, query) {
    if (typeof data !== 'object' || typeof query !== 'string') {
      throw exprError('expected two arguments (Object, string) for this function');
    }
    if (query.includes('\\') || /__proto__|prototype|constructor/.test(query)) {
      throw exprError('Cannot access this property in a jmespath query due to security concerns');
    }
    if (typeof G.__al_jmespath !== 'function') throw exprError('jmespath is not available');
    return G.__al_jmespath(Array.isArray(data) ? data : Object.assign({}, data), query);
  }

  function ifEmpty(value, defaultValue) {
    if (arguments.length !== 2) throw exprError('expected two arguments (value, defaultValue) for this function');
    if (value === undefined || value === null || value === '') return defaultValue;
    if (typeof value === 'object') {
      if (Array.isArray(value) && !value.length) return defaultValue;
      if (!Object.keys(value).length) return defaultValue;
    }
    return value;
  }
  function average(...args) {
    if (args.length === 0) return 0;
    if (args.some((x) => typeof x !== 'number')) throw new ExprError('average(): all array elements must be numbers');
    return args.reduce((a, b) => a + b, 0) / args.length;
  }

  const VARS = {
    $json: () => currentItem('json'),
    $data: () => currentItem('json'),
    $binary: () => currentItem('binary'),
    $input: () => input,
    $: () => nodeProxy,
    $node: (fixed) => new Proxy({}, { get: (t, p) => (p === 'isProxy' ? true : legacyNode(String(p), fixed)) }),
    $items: () => (name, outputIndex, runIndex) => {
      if (name === undefined) {
        const src = (C.source || [])[0];
        const prev = src && S.nodes[src.previousNode];
        const items = C.items || [];
        return prev && prev.executeOnce === true ? items.slice(0, 1) : items;
      }
      return executionData(name, outputIndex || 0, runIndex === undefined ? -1 : runIndex);
    },
    $item: () => (itemIndex) => itemProxy(itemIndex),
    $runIndex: () => C.runIndex,
    $thisRunIndex: () => C.runIndex,
    $itemIndex: () => I,
    $position: () => I,
    $thisItemIndex: () => I,
    $thisItem: () => (C.items || [])[I],
    $prevNode: () => {
      const src = (C.source || [])[0];
      if (!src) return { name: undefined, outputIndex: undefined, runIndex: undefined };
      return { name: src.previousNode, outputIndex: src.previousNodeOutput || 0, runIndex: src.previousNodeRun || 0 };
    },
    $parameter: () => paramProxy(C.params, true),
    $rawParameter: () => paramProxy(C.params, false),
    $workflow: () => new Proxy({}, { get(t, p) {
      if (p === 'isProxy') return true;
      if (p === 'id' && (S.wf.id === undefined || S.wf.id === null)) {
        throw exprError('save workflow to view', { description: 'Please save the workflow first to use $workflow' });
      }
      return ['id', 'name', 'active'].includes(p) ? S.wf[p] : undefined;
    } }),
    $execution: execution,
    $mode: () => S.mode,
    $env: () => Object.assign({}, S.env),
    $vars: () => Object.assign({}, S.vars),
    $now: now,
    $today: () => {
      const n = now();
      return n.set ? n.set({ hour: 0, minute: 0, second: 0, millisecond: 0 }) : n;
    },
    $jmespath: () => jmespath,
    $jmesPath: () => jmespath,
    $ifEmpty: () => ifEmpty,
    $min: () => Math.min,
    $max: () => Math.max,
    $average: () => average,
    $not: () => (v) => !v,
    min: () => Math.min,
    max: () => Math.max,
    average: () => average,
    not: () => (v) => !v,
    $evaluateExpression: () => (expr, itemIndex) => {
      const saved = I;
      I = itemIndex || I;
      try { return evaluate(String(expr), true); } finally { I = saved; }
    },
    $getPairedItem: () => (dest, source, paired) => getPaired(dest, source, paired, '$getPairedItem'),
    $nodeVersion: () => (S.nodes[C.node] || {}).typeVersion,
    $nodeId: () => (S.nodes[C.node] || {}).id,
    $webhookId: () => (S.nodes[C.node] || {}).webhookId,
  };
  for (const name of Object.keys(VARS)) {
    Object.defineProperty(G, name, {
      configurable: true,
      get() {
        if (X !== null && hasOwn(X, name)) return X[name];
        return VARS[name]();
      },
    });
  }

  function itemProxy(itemIndex) {
    // A snapshot of the variables for another item (legacy $item(i).$node["X"].json).
    const out = {};
    for (const name of Object.keys(VARS)) {
      Object.defineProperty(out, name, { get() {
        const saved = I; I = itemIndex;
        try { return name === '$node' ? VARS.$node(itemIndex) : VARS[name](); } finally { I = saved; }
      } });
    }
    return out;
  }

  // ---- compiling expressions ----------------------------------------------------------------
  const DENY = ['document', 'global', 'window', 'Window', 'globalThis', 'self', 'alert', 'prompt', 'confirm',
    'eval', 'uneval', 'setTimeout', 'setInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
    'Function', 'require', 'module', 'Buffer', '__dirname', '__filename', 'fetch', 'XMLHttpRequest',
    'Promise', 'Generator', 'GeneratorFunction', 'AsyncFunction', 'AsyncGenerator', 'AsyncGeneratorFunction',
    'WebAssembly', 'Reflect', 'Proxy', 'escape', 'unescape', 'Object', 'process'];
  const BLOCKED_OBJECT = new Set(['defineProperty', 'defineProperties', 'setPrototypeOf', 'getPrototypeOf',
    'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors', '__defineGetter__', '__defineSetter__',
    '__lookupGetter__', '__lookupSetter__']);
  const safeObject = new Proxy(Object, {
    get(target, prop, receiver) {
      if (BLOCKED_OBJECT.has(prop)) return undefined;
      if (prop === 'create') return (proto) => Object.create(proto);
      return Reflect.get(target, prop, receiver);
    },
    defineProperty() { return false; },
  });
  function denyValues() {
    return DENY.map((name) => {
      if (name === 'Object') return safeObject;
      if (name === 'process') return { get env() { return Object.assign({}, S.env); } };
      return {};
    });
  }

  // Splits a template like n8n's tournament (escaped "\{{", unclosed "{{" makes the rest code).
  function split(expression) {
    if (expression === '') return [{ type: 'text', text: '' }];
    const chunks = [];
    let open = true;
    let buffer = '';
    let index = 0;
    while (index < expression.length) {
      const rest = expression.slice(index);
      const at = rest.indexOf(open ? '{{' : '}}');
      if (at === -1) {
        buffer += rest;
        chunks.push(open ? { type: 'text', text: buffer } : { type: 'code', text: buffer.replace('\\}}', '}}') });
        break;
      }
      const before = rest.slice(0, at);
      const slashes = before.length - before.replace(/\\*$/, '').length;
      if (slashes % 2 === 1) {
        buffer += rest.slice(0, at + 2);
        index += at + 2;
        continue;
      }
      buffer += before;
      if (open) chunks.push({ type: 'text', text: buffer.replace(/\\\\/g, '\\') });
      else chunks.push({ type: 'code', text: buffer.replace('\\}}', '}}') });
      open = !open;
      index += at + 2;
      buffer = '';
    }
    return chunks;
  }

  // `$if(a, b, c)` becomes `(a) ? (b) : (c)` so that it is lazy, as in n8n.
  function splitArgs(code, start) {
    // returns [args, endIndex] for the call whose "(" is at code[start]
    const args = [];
    let depth = 0;
    let cur = '';
    for (let i = start; i < code.length; i++) {
      const ch = code[i];
      if (ch === '"' || ch === "'" || ch === '`') {
        let j = i + 1;
        while (j < code.length && code[j] !== ch) j += code[j] === '\\' ? 2 : 1;
        cur += code.slice(i, j + 1);
        i = j;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') {
        depth++;
        if (depth === 1) continue;
      } else if (ch === ')' || ch === ']' || ch === '}') {
        depth--;
        if (depth === 0) {
          if (cur.trim() !== '' || args.length) args.push(cur);
          return [args, i];
        }
      } else if (ch === ',' && depth === 1) {
        args.push(cur);
        cur = '';
        continue;
      }
      cur += ch;
    }
    return [null, code.length];
  }
  function rewriteIf(code) {
    let at = code.search(/\$if\s*\(/);
    while (at !== -1) {
      const paren = code.indexOf('(', at);
      const [args, end] = splitArgs(code, paren);
      if (args === null) return code;
      if (args.length < 2) {
        throw new ExprError('$if requires at least 2 parameters: test, value_if_true[, and value_if_false]');
      }
      const inner = args.map(rewriteIf);
      const repl = `((${inner[0]}) ? (${inner[1]}) : (${inner.length > 2 ? inner[2] : 'false'}))`;
      code = code.slice(0, at) + repl + code.slice(end + 1);
      at = code.search(/\$if\s*\(/);
    }
    return code;
  }

  const compiled = new Map();
  // Looked up on first use: rewrite.js is loaded then (deferred.json).
  const rewriteExtensions = (code) => (typeof G.__al_rewriteExtensions === 'function'
    ? G.__al_rewriteExtensions(code) : code);
  // n8n's expression sandbox refuses static access to these properties (prototype pollution and
  // escapes); its message is kept. `.constructor` has its own earlier check and message.
  const UNSAFE = ['__proto__', 'prototype', 'constructor', 'getPrototypeOf', 'setPrototypeOf',
    'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors', 'defineProperty', 'defineProperties',
    'mainModule', 'binding', '_linkedBinding', '_load', 'prepareStackTrace', '__lookupGetter__',
    '__lookupSetter__', '__defineGetter__', '__defineSetter__', 'caller', 'callee', 'arguments',
    'getBuiltinModule', 'dlopen', 'execve', 'loadEnvFile'];
  const UNSAFE_DOT = new RegExp(`\\.\\s*(${UNSAFE.join('|')})(?![\\w$])`);
  const UNSAFE_INDEX = new RegExp(`\\[\\s*(['"\`])(${UNSAFE.join('|')})\\1\\s*\\]`);
  const STRINGS = /(['"`])(?:\\.|(?!\1)[^\\])*\1/g;
  function checkSafe(code) {
    const dot = UNSAFE_DOT.exec(code.replace(STRINGS, '""'));
    const index = UNSAFE_INDEX.exec(code);
    const name = dot ? dot[1] : index ? index[2] : null;
    if (name !== null) throw new ExprError(`Cannot access "${name}" due to security concerns`);
  }

  function compileChunk(code) {
    checkSafe(code);
    code = rewriteExtensions(rewriteIf(code));
    if (code.trimStart()[0] === '{') code = `(${code})`;
    let factory;
    try {
      factory = new RealFunction(...DENY, `return function () { return (${code}\n); };`);
    } catch (e) {
      if (e instanceof SyntaxError) throw new ExprError('invalid syntax');
      throw e;
    }
    return factory(...denyValues());
  }
  function compile(expr) {
    let entry = compiled.get(expr);
    if (entry !== undefined) return entry;
    if (/\.\s*constructor/m.test(expr)) {
      entry = { error: 'Expression contains invalid constructor function call' };
    } else {
      try {
        const chunks = split(expr);
        const single = chunks.length === 2 && chunks[0].text === '';
        const parts = chunks.filter((c) => !(c.type === 'text' && c.text === ''))
          .map((c) => (c.type === 'code' ? compileChunk(c.text) : c.text));
        entry = { single, parts };
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        entry = { error: e.message };
      }
    }
    compiled.set(expr, entry);
    return entry;
  }

  function runChunk(fn) {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ExprError || e instanceof InternalError) throw e;
      if (e && (e.name === 'ExpressionError' || e.name === 'ExpressionExtensionError')) throw e;
      return undefined;
    }
  }

  function evaluate(expr, nested) {
    const entry = compile(expr);
    if (entry.error) throw new ExprError(entry.error);
    if (entry.single) return runChunk(entry.parts[0]);
    if (entry.parts.length === 0) return '';
    let out = '';
    for (const part of entry.parts) {
      if (typeof part === 'string') { out += part; continue; }
      const v = runChunk(part);
      if (v || v === 0 || v === false) out += String(v);
    }
    return out;
  }

  // ---- results back to Python ---------------------------------------------------------------
  const isDateTime = (v) => (typeof G.__al_isDateTime === 'function' ? G.__al_isDateTime(v) : false);
  function replacer(key, value) {
    const original = this[key];
    if (original !== null && typeof original === 'object' && isDateTime(original)) return original.toString();
    return value;
  }
  function encode(v) {
    switch (typeof v) {
      // The binding cuts strings at NUL: those (and tag-like ones) travel as JSON.
      case 'string': return (v.length && v.charCodeAt(0) < 8) || v.indexOf('\u0000') >= 0 ? '\u0001' + JSON.stringify(v) : v;
      case 'number': case 'boolean': return v;
      case 'undefined': return '\u0007';  // tells undefined from null (Python keeps it on request)
      case 'bigint': return v.toString();
      case 'function':
        return '\u0004' + (v.name === 'DateTime' ? 'this is a DateTime, please access its methods'
          : 'this is a function, please add ()');
      default:
        if (v === null) return null;
        if (isDateTime(v)) {
          return '\u0003' + (v.isValid ? v.toMillis() : '') + '|' + v.toString();
        }
        return '\u0001' + JSON.stringify(v, replacer);
    }
  }
  function encodeError(e) {
    const extra = (e && e.extra) || {};
    return '\u0002' + JSON.stringify({
      message: e && e.message !== undefined ? String(e.message) : String(e),
      name: (e && e.name) || 'Error',
      description: extra.description,
      context: Object.fromEntries(['messageTemplate', 'type', 'nodeCause', 'functionality']
        .filter((k) => extra[k] !== undefined).map((k) => [k, extra[k]])),
    });
  }
  function withCustom(encoded) {
    if (!customDirty) return encoded;
    customDirty = false;
    return '\u0005' + JSON.stringify([S.customData, encoded === undefined ? null : encoded,
      encoded === undefined]);
  }

  // quickjs-ng may return concatenated strings as ropes, which the Python binding cannot read.
  const flat = (v) => (typeof v === 'string' ? v.slice(0) : v);

  const takeMissingZones = () => G.__al_takeMissingZones(); // replaced when the Intl polyfill loads
  // A result computed with an unregistered zone comes back as '\u0006' + [zones, result]:
  // the host registers the zones and evaluates again.
  function withZones(encoded) {
    const zones = takeMissingZones();
    if (zones === null) return encoded;
    return '\u0006' + JSON.stringify([zones, encoded === undefined ? null : encoded, encoded === undefined]);
  }

  function evalEntry(expr, i) {
    I = i;
    NOW = null;
    let result;
    try {
      result = evaluate(expr, false);
    } catch (e) {
      if (e instanceof InternalError) throw e;
      return flat(withZones(withCustom(encodeError(e))));
    }
    return flat(withZones(withCustom(encode(result))));
  }

  // ---- the Code / Function / FunctionItem nodes ---------------------------------------------
  const PAD = 20000; // user code starts after this many lines; no library file is that long
  const PAD_TEXT = '\n'.repeat(PAD);
  const codeCache = new Map();
  let CODE_RESULT = null;
  let LOGS = [];
  const consoleObject = {
    log: (...args) => { LOGS.push(args.map(formatLog).join(' ')); },
  };
  consoleObject.info = consoleObject.log;
  consoleObject.warn = consoleObject.log;
  consoleObject.error = consoleObject.log;
  consoleObject.debug = consoleObject.log;
  function formatLog(v) {
    if (typeof v === 'string') return v;
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return `[Function: ${v.name || 'anonymous'}]`;
    try { return JSON.stringify(v, replacer); } catch (e) { return String(v); }
  }

  const COMMON_PARAMS = ['$getWorkflowStaticData', 'getWorkflowStaticData', 'console', 'helpers',
    '$getNodeParameter', 'getNodeParameter'];
  function compileCode(code, flavor) {
    const key = flavor + '\u0000' + code;
    let fn = codeCache.get(key);
    if (fn === undefined) {
      const first = flavor === 'code_all' || flavor === 'function' ? 'items' : 'item';
      const params = [first].concat(COMMON_PARAMS).join(', ');
      fn = realEval(`${PAD_TEXT}(async function (${params}) {${code}\n})`);
      codeCache.set(key, fn);
    }
    return fn;
  }

  function userLine(e) {
    const stack = (e && typeof e.stack === 'string') ? e.stack : '';
    const re = /:(\d+):\d+\)?$/;
    for (const line of stack.split('\n')) {
      const m = re.exec(line.trim());
      if (m && Number(m[1]) > PAD) return Number(m[1]) - PAD;
    }
    return undefined;
  }

  function v8Message(e) {
    let msg = e && e.message !== undefined ? String(e.message) : String(e);
    let m = /^cannot read property '(.*)' of (undefined|null)$/.exec(msg);
    if (m) return `Cannot read properties of ${m[2]} (reading '${m[1]}')`;
    m = /^cannot set property '(.*)' of (undefined|null)$/.exec(msg);
    if (m) return `Cannot set properties of ${m[2]} (setting '${m[1]}')`;
    return msg;
  }

  function staticData(type) {
    const key = type === 'node' ? `node:${C.node}` : 'global';
    if (type !== 'node' && type !== 'global') throw new Error(`The static data type "${type}" is not known. Only "global" and "node" are supported.`);
    if (key === 'global') return S.staticData;
    if (!S.staticData[key]) S.staticData[key] = {};
    return S.staticData[key];
  }

  function codeHelpers() {
    return {};
  }

  function deepCopy(v) {
    return v === undefined ? v : JSON.parse(JSON.stringify(v));
  }

  // Each item of a per-item run starts without the globals that the code of the
  // previous item created (n8n gives every item a fresh sandbox).
  let BASE_GLOBALS = null;
  function resetGlobals() {
    if (BASE_GLOBALS === null) {
      BASE_GLOBALS = new Set(Object.getOwnPropertyNames(G));
      return;
    }
    for (const name of Object.getOwnPropertyNames(G)) {
      if (BASE_GLOBALS.has(name)) continue;
      const d = Object.getOwnPropertyDescriptor(G, name);
      if (d && d.configurable) delete G[name];
    }
  }

  // Starts the user code; Python pumps the job queue, then reads __al_code_result().
  function codeStart(code, flavor, itemIndex) {
    resetGlobals();
    CODE_RESULT = null;
    LOGS = [];
    I = itemIndex < 0 ? 0 : itemIndex;
    NOW = null;
    let fn;
    try {
      fn = compileCode(code, flavor);
    } catch (e) {
      CODE_RESULT = { error: errorInfo(e) };
      return;
    }
    const items = C.items || [];
    let first;
    if (flavor === 'function') {
      first = deepCopy(items);
      first.forEach((it, i) => { it.index = i; });
    } else if (flavor === 'functionItem') {
      first = deepCopy(items[I]).json;
    } else if (flavor === 'code_all') {
      first = items;
    } else {
      first = items[I];
    }
    let promise;
    try {
      promise = fn(first, staticData, staticData, consoleObject, codeHelpers(), getNodeParameter, getNodeParameter);
    } catch (e) {
      CODE_RESULT = { error: errorInfo(e) };
      return;
    }
    promise.then((v) => { CODE_RESULT = { value: v }; }, (e) => { CODE_RESULT = { error: errorInfo(e) }; });
  }
  function getNodeParameter(name, i, fallback) {
    const saved = I;
    if (i !== undefined) I = i;
    try {
      const v = C.params ? C.params[name] : undefined;
      return v === undefined ? fallback : resolveDeep(v);
    } finally { I = saved; }
  }
  function errorInfo(e) {
    if (e instanceof InternalError) return { message: String(e.message), name: 'InternalError', internal: true };
    const isErr = e instanceof Error;
    return {
      message: isErr ? v8Message(e) : (e === undefined ? 'Unknown error' : String(e)),
      name: isErr ? e.name : 'Error',
      line: isErr ? userLine(e) : undefined,
      description: isErr && e.extra ? e.extra.description : undefined,
    };
  }

  function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
  }
  class ValidationError extends Error {}
  function validationError(message, itemIndex, description) {
    const e = new ValidationError(itemIndex === undefined ? message : `${message} [item ${itemIndex}]`);
    e.description = description;
    return e;
  }
  const N8N_KEYS = new Set(['json', 'binary', 'pairedItem', 'error', 'index']);
  function validateItem(item, i) {
    if (item.json === undefined || !isObject(item.json)) {
      throw validationError("A 'json' property isn't an object", i,
        "In the returned data, every key named 'json' must point to an object.");
    }
    if (item.binary !== undefined && !isObject(item.binary)) {
      throw validationError("A 'binary' property isn't an object", i,
        "In the returned data, every key named 'binary' must point to an object.");
    }
  }
  function validateTopLevelKeys(item, i) {
    let reserved = null;
    const unknown = [];
    for (const key in item) {
      if (!hasOwn(item, key)) continue;
      if (N8N_KEYS.has(key)) { if (reserved === null) reserved = key; } else unknown.push(key);
    }
    if (unknown.length) {
      if (reserved) throw validationError('Invalid output format', i, `An output item contains the reserved key ${reserved}.`);
      throw validationError(`Unknown top-level item key: ${unknown[0]}`, i,
        'Access the properties of an item under `.json`, e.g. `item.json`');
    }
  }
  function normalizeItems(data) {
    if (typeof data === 'object' && !Array.isArray(data)) data = data.json ? [data] : [{ json: data }];
    const hasJson = (it) => typeof it === 'object' && it !== null && 'json' in it;
    const hasBinary = (it) => typeof it === 'object' && it !== null && 'binary' in it;
    if (data.every(hasJson)) return data;
    if (data.some(hasJson)) throw new ValidationError('Inconsistent item format');
    if (data.every(hasBinary)) {
      return data.map((it) => {
        const json = {};
        for (const k of Object.keys(it)) if (k !== 'binary') json[k] = it[k];
        return { json, binary: it.binary };
      });
    }
    if (data.some(hasBinary)) throw new ValidationError('Inconsistent item format');
    return data.map((it) => ({ json: it }));
  }
  function standardize(obj, seen) {
    seen = seen || new WeakSet();
    for (const [k, v] of Object.entries(obj)) {
      if (!(isObject(v) && typeof v.toJSON !== 'function' && Object.keys(v).length > 0)) continue;
      if (seen.has(v)) continue;
      seen.add(v);
      obj[k] = v.constructor && v.constructor.name !== 'Object' ? JSON.stringify(v) : standardize(v, seen);
    }
    return obj;
  }
  const PROPER = "Please return an array of objects, one for each item you would like to output.";
  function validateAll(result) {
    if (typeof result !== 'object') throw validationError("Code doesn't return items properly", undefined, PROPER);
    if (Array.isArray(result)) {
      for (const it of result) if (!isObject(it)) throw validationError("Code doesn't return items properly", undefined, PROPER);
      if (result.some((it) => Object.keys(it).some((k) => N8N_KEYS.has(k)))) result.forEach(validateTopLevelKeys);
    }
    const items = normalizeItems(result);
    items.forEach(validateItem);
    return items;
  }
  function validateEach(result, i) {
    if (typeof result !== 'object') {
      throw validationError("Code doesn't return an object", i,
        `Please return an object representing the output item. ('${result}' was returned instead.)`);
    }
    if (Array.isArray(result)) {
      const first = result.length > 0 ? `An array of ${typeof result[0]}s was returned.` : 'An empty array was returned.';
      throw validationError("Code doesn't return a single object", i,
        `${first} If you need to output multiple items, please use the 'Run Once for All Items' mode instead.`);
    }
    const [item] = normalizeItems([result]);
    validateItem(item, i);
    validateTopLevelKeys(item, i);
    return item;
  }
  function cleanup(obj) {
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v !== null && typeof v === 'object') {
        obj[k] = v.constructor && v.constructor.name === 'Object' ? cleanup(v) : deepCopy(v);
      }
    }
    return obj;
  }

  // Validates and encodes the result of a finished code run: '\u0001' + JSON, or an error.
  function codeResult(flavor, itemIndex) {
    const logs = LOGS;
    LOGS = [];
    const out = { logs, staticData: S.staticData, customData: customDirty ? S.customData : undefined,
      missingZones: takeMissingZones() || undefined };
    customDirty = false;
    const r = CODE_RESULT;
    if (r === null) {
      out.error = { message: 'Code did not finish (an awaited promise never settled)', name: 'Error' };
    } else if (r.error) {
      out.error = r.error;
    } else {
      try {
        out.value = finish(r.value, flavor, itemIndex);
      } catch (e) {
        if (e instanceof InternalError) throw e;
        out.error = { message: e.message, name: e instanceof ValidationError ? 'ValidationError' : e.name,
          description: e.description, validation: e instanceof ValidationError };
      }
    }
    return flat('\u0001' + JSON.stringify(out, replacer));
  }
  function finish(value, flavor, itemIndex) {
    if (flavor === 'code_all' || flavor === 'code_each') {
      if (flavor === 'code_all') {
        if (value === null) return { items: [] };
        const items = validateAll(value);
        for (const it of items) standardize(it.json);
        return { items };
      }
      if (value === null) return { items: null };
      const item = validateEach(value, itemIndex);
      return { items: [item] };
    }
    if (flavor === 'function') {
      let items = value;
      if (items !== undefined && items !== null) items = normalizeItems(items);
      if (items === undefined) throw new Error('No data got returned. Always return an Array of items!');
      if (!Array.isArray(items)) throw new Error('Always an Array of items has to be returned!');
      for (const it of items) {
        if (it.json === undefined) throw new Error('All returned items have to contain a property named "json"!');
        if (typeof it.json !== 'object') throw new Error('The json-property has to be an object!');
        it.json = cleanup(it.json);
        if (it.binary !== undefined && (Array.isArray(it.binary) || typeof it.binary !== 'object')) {
          throw new Error('The binary-property has to be an object!');
        }
      }
      return { items };
    }
    // functionItem
    if (value === undefined) throw new Error('No data got returned. Always an object has to be returned!');
    return { items: [{ json: value !== null && typeof value === 'object' ? cleanup(value) : value }] };
  }

  return {
    reset, task, node, extra, state, evalEntry, codeStart, codeResult, split,
  };
})();
var __al_reset = __al.reset;
var __al_task = __al.task;
var __al_node = __al.node;
var __al_extra = __al.extra;
var __al_state = __al.state;
var __al_eval = __al.evalEntry;
var __al_code_start = __al.codeStart;
var __al_code_result = __al.codeResult;
var __al_split = (s) => JSON.stringify(__al.split(s));
