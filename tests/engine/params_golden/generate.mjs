#!/usr/bin/env node
// Test-authoring tool: run the REAL n8n NodeHelpers.getNodeParameters (returnDefaults=true,
// returnNoneDisplayed=false) on sample parameter sets and store the results as goldens.
//
//   node tests/engine/params_golden/generate.mjs [--all OUT.json] [--ref DIR]
//
// Default output (committed): defaults.json ({} for every covered type/version),
// conformance.json (nodes of /work/shared/conformance/cases) and corpus.json (a
// deterministic sample of ~300 corpus nodes). With --all, every covered corpus node
// is written to OUT.json instead (for local checking, not committed).

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

const allOut = opt('--all');
const corpusFiles = walk(join(SHARED, 'corpus', 'workflows'));
if (allOut) {
	const cases = [];
	for (const f of corpusFiles) for (const n of nodesOf(f)) {
		const c = caseFor(f, n);
		if (c) cases.push(c);
	}
	writeFileSync(allOut, JSON.stringify(cases));
	console.log(`${allOut}: ${cases.length} cases`);
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
}
