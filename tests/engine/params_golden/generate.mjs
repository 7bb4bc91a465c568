#!/usr/bin/env node
// Test-authoring tool: run the REAL n8n NodeHelpers.getNodeParameters (returnDefaults=true,
// returnNoneDisplayed=false) on sample parameter sets and store the results as goldens.
//
//   node tests/engine/params_golden/generate.mjs [--all OUT.json] [--ref DIR]
//
// Default output (committed): defaults.json ({} for every covered type/version),
// conformance.json (nodes of /work/shared/conformance/cases) and corpus.json (a
// deterministic sample of ~300 corpus nodes). With --all, every covered corpus node
// is written to OUT.json instead (for local checking, not committed). fuzz.json holds one mutation
// (odd types, expressions, other option values, deleted keys) of each committed case; --fuzz OUT
// [--per N] [--seed S] mutates every corpus node N times instead.

import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_TYPES, loadNodeTypes, descriptionsByVersion } from '../../../automatelanka/engine/schemas/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (k) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
const refDir = opt('--ref') ?? join(homedir(), '.cache', 'n8n-ref');
const SHARED = '/work/shared';
const SAMPLE = 300;

const require = createRequire(join(refDir, 'node_modules', 'noop.js'));
const { NodeHelpers } = require('n8n-workflow');

const { found } = loadNodeTypes(refDir, NODE_TYPES);
const descs = new Map();
for (const [name, inst] of found) descs.set(`n8n-nodes-base.${name}`, descriptionsByVersion(inst));

function resolve(type, version, parameters) {
	const desc = descs.get(type)?.[String(version)];
	if (!desc) return undefined;
	const node = { name: 'N', type, typeVersion: version, parameters, position: [0, 0] };
	const params = structuredClone(parameters);
	try {
		const out = NodeHelpers.getNodeParameters(desc.properties, params, true, false, node, desc);
		return { expected: out ?? {} };
	} catch (err) {
		return { error: String(err.message ?? err) };
	}
}

function walk(dir, out = []) {
	for (const f of readdirSync(dir).sort()) {
		const p = join(dir, f);
		if (statSync(p).isDirectory()) walk(p, out);
		else if (f.endsWith('.json')) out.push(p);
	}
	return out;
}

function nodesOf(file) {
	let doc;
	try {
		doc = JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return [];
	}
	const wf = doc && typeof doc === 'object' ? (doc.workflow ?? doc) : null;
	return Array.isArray(wf?.nodes) ? wf.nodes : [];
}

function caseFor(file, node) {
	const version = typeof node.typeVersion === 'number' ? node.typeVersion : 1;
	const parameters = node.parameters ?? {};
	const res = resolve(node.type, version, parameters);
	if (!res) return undefined;
	return { source: `${file.replace(`${SHARED}/`, '')}#${node.name}`, type: node.type, version, parameters, ...res };
}

function write(name, cases) {
	writeFileSync(join(here, name), `${JSON.stringify(cases)}\n`);
	console.log(`${name}: ${cases.length} cases`);
}

// ------------------------------------------------------------------ fuzzing
// Mutations of real parameter sets: odd types, expressions, other option values, deleted keys.

function mulberry32(seed) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WEIRD = [null, '={{ 1 }}', '=', '', 0, 1, -1, 2.5, false, true, [], {}, 'abc', 'a_b', [1, 'a'],
	['x', { y: 1 }], { a: 1 }, { __rl: true, value: '={{ $json.x }}', mode: 'id' },
	{ __rl: true, value: 'abc', mode: 'list' }, { values: [] }, { values: [{}] }, '{{ 1 }}'];

function optionValues(props, out = new Map()) {
	for (const p of props ?? []) {
		if (!out.has(p.name)) out.set(p.name, []);
		if (p.type === 'options' || p.type === 'multiOptions') {
			for (const o of p.options ?? []) if (o && 'value' in o) out.get(p.name).push(o.value);
		}
		if (p.default !== undefined) out.get(p.name).push(p.default);
		if (p.type === 'collection') optionValues(p.options, out);
		if (p.type === 'fixedCollection') for (const o of p.options ?? []) optionValues(o.values, out);
	}
	return out;
}

function containers(v, out = []) {
	if (v && typeof v === 'object') {
		out.push(v);
		for (const x of Object.values(v)) containers(x, out);
	}
	return out;
}

function mutate(params, desc, rand) {
	const pick = (a) => a[Math.floor(rand() * a.length)];
	const p = structuredClone(params);
	const names = optionValues(desc.properties);
	const keys = [...names.keys()];
	const n = 1 + Math.floor(rand() * 3);
	for (let i = 0; i < n; i++) {
		const target = pick(containers(p));
		const key = Array.isArray(target) ? String(Math.floor(rand() * (target.length + 1)))
			: rand() < 0.5 && Object.keys(target).length ? pick(Object.keys(target)) : pick(keys);
		const r = rand();
		if (r < 0.15 && !Array.isArray(target)) delete target[key];
		else if (r < 0.55 && names.get(key)?.length) target[key] = structuredClone(pick(names.get(key)));
		else target[key] = structuredClone(pick(WEIRD));
	}
	return p;
}

function fuzzCases(base, perCase, seed) {
	const rand = mulberry32(seed);
	const out = [];
	for (const c of base) {
		const desc = descs.get(c.type)?.[String(c.version)];
		if (!desc) continue;
		for (let i = 0; i < perCase; i++) {
			const parameters = mutate(c.parameters, desc, rand);
			out.push({ source: `fuzz:${c.source}`, type: c.type, version: c.version, parameters,
				...resolve(c.type, c.version, parameters) });
		}
	}
	return out;
}

const allOut = opt('--all');
const fuzzOut = opt('--fuzz');
const corpusFiles = walk(join(SHARED, 'corpus', 'workflows'));
if (allOut) {
	const cases = [];
	for (const f of corpusFiles) for (const n of nodesOf(f)) {
		const c = caseFor(f, n);
		if (c) cases.push(c);
	}
	writeFileSync(allOut, JSON.stringify(cases));
	console.log(`${allOut}: ${cases.length} cases`);
} else if (fuzzOut) {
	const base = [];
	for (const [type, byVersion] of descs) for (const v of Object.keys(byVersion)) {
		base.push({ source: 'defaults', type, version: Number(v), parameters: {} });
	}
	for (const f of corpusFiles) for (const n of nodesOf(f)) {
		if (descs.get(n.type)?.[String(n.typeVersion ?? 1)]) {
			base.push({ source: f, type: n.type, version: n.typeVersion ?? 1, parameters: n.parameters ?? {} });
		}
	}
	const cases = fuzzCases(base, Number(opt('--per') ?? 3), Number(opt('--seed') ?? 1));
	writeFileSync(fuzzOut, JSON.stringify(cases));
	console.log(`${fuzzOut}: ${cases.length} cases, ${cases.filter((c) => c.error).length} errors`);
} else {
	const defaults = [];
	for (const [type, byVersion] of descs) for (const v of Object.keys(byVersion)) {
		defaults.push({ source: 'defaults', type, version: Number(v), parameters: {}, ...resolve(type, Number(v), {}) });
	}
	write('defaults.json', defaults);

	const conf = [];
	const caseDir = join(SHARED, 'conformance', 'cases');
	for (const f of readdirSync(caseDir).sort()) {
		if (!f.endsWith('.json') || f.endsWith('.golden.json')) continue;
		for (const n of nodesOf(join(caseDir, f))) {
			const c = caseFor(join(caseDir, f), n);
			if (c) conf.push(c);
		}
	}
	write('conformance.json', conf);

	// Round-robin over (type, version) groups so every variant is represented.
	const groups = new Map();
	for (const f of corpusFiles) for (const n of nodesOf(f)) {
		if (!descs.has(n.type) || n.type === 'n8n-nodes-base.stickyNote') continue;
		const key = `${n.type}@${n.typeVersion}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push([f, n]);
	}
	const keys = [...groups.keys()].sort();
	const picked = [];
	for (let round = 0; picked.length < SAMPLE; round++) {
		let any = false;
		for (const k of keys) {
			const g = groups.get(k);
			// spread picks over the group: take element at a stride position
			const idx = Math.floor((round * 7919) % Math.max(g.length, 1));
			if (round < g.length && picked.length < SAMPLE) {
				const [f, n] = g.splice(idx % g.length, 1)[0];
				const c = caseFor(f, n);
				if (c) picked.push(c);
				any = true;
			}
		}
		if (!any) break;
	}
	write('corpus.json', picked);

	write('fuzz.json', fuzzCases([...defaults, ...conf, ...picked], 1, 1));
}
