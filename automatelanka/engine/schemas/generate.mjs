#!/usr/bin/env node
// Dump the parameter schema (names, types, defaults, display rules) of selected
// n8n-nodes-base node types into compact JSON files next to this script.
//
// Authoring-time tool only: nothing imports or runs it at install or run time.
//
//   node automatelanka/engine/schemas/generate.mjs [path/to/n8n-ref]
//
// The reference install (default ~/.cache/n8n-ref) must contain
// node_modules/n8n-nodes-base. Output file per type: <short>.json =
//   {"type": "n8n-nodes-base.<short>", "versions": {"<v>": <index>}, "props": [[...], ...]}
// where identical property lists are shared between versions.

import { createRequire } from 'node:module';
import { writeFileSync, readdirSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_TYPES = [
	'manualTrigger', 'start', 'webhook', 'formTrigger', 'scheduleTrigger', 'cron', 'interval',
	'executeWorkflowTrigger', 'errorTrigger', 'set', 'if', 'switch', 'filter', 'merge', 'code',
	'function', 'functionItem', 'noOp', 'stopAndError', 'splitOut', 'aggregate', 'splitInBatches',
	'limit', 'sort', 'removeDuplicates', 'summarize', 'itemLists', 'renameKeys', 'dateTime', 'crypto',
	'html', 'markdown', 'xml', 'jwt', 'compareDatasets', 'wait', 'respondToWebhook', 'executeWorkflow',
	'stickyNote', 'convertToFile', 'extractFromFile', 'readWriteFile', 'httpRequest',
	// integration nodes
	'slack', 'gmail', 'googleSheets', 'googleDrive', 'googleCalendar', 'telegram', 'airtable',
	'notion', 'discord', 'github', 'emailSend', 'emailReadImap', 'rssFeedRead', 'postgres', 'mySql',
	'redis', 'openAi',
	// messaging / productivity / developer service nodes
	'n8n', 'mattermost', 'twitter', 'wordpress', 'hubspot', 'jira', 'twilio', 'whatsApp',
	'openWeatherMap', 'executionData', 'moveBinaryData', 'spreadsheetFile', 'readBinaryFile',
	'writeBinaryFile', 'compression', 'editImage',
	// polling triggers and Google long tail
	'googleSheetsTrigger', 'youTube',
];

const here = dirname(fileURLToPath(import.meta.url));

/** Reduce one property to what getNodeParameters needs. */
export function reduceProperty(p) {
	const out = { name: p.name, type: p.type };
	if (p.default !== undefined) out.default = p.default;
	if (p.displayOptions) {
		const d = {};
		if (p.displayOptions.show) d.show = p.displayOptions.show;
		if (p.displayOptions.hide) d.hide = p.displayOptions.hide;
		if (Object.keys(d).length) out.displayOptions = d;
	}
	if (p.typeOptions && p.typeOptions.multipleValues !== undefined) {
		out.typeOptions = { multipleValues: p.typeOptions.multipleValues };
	}
	if (p.noDataExpression) out.noDataExpression = true;
	if (p.required) out.required = true;
	if (p.type === 'collection' && Array.isArray(p.options)) {
		out.options = p.options.map(reduceProperty);
	} else if (p.type === 'fixedCollection' && Array.isArray(p.options)) {
		out.options = p.options.map((o) => ({ name: o.name, values: (o.values || []).map(reduceProperty) }));
	}
	return out;
}

/** Load every node class of the package, keyed by description name ("set", "if", ...). */
export function loadNodeTypes(refDir, wanted) {
	const require = createRequire(join(refDir, 'node_modules', 'noop.js'));
	const pkgDir = dirname(require.resolve('n8n-nodes-base/package.json'));
	const pkg = require('n8n-nodes-base/package.json');
	const found = new Map();
	const failed = [];
	for (const rel of pkg.n8n.nodes) {
		const base = rel.split('/').pop().replace(/\.node\.js$/, '');
		const guess = base.charAt(0).toLowerCase() + base.slice(1);
		if (!wanted.some((w) => w.toLowerCase() === guess.toLowerCase())) continue;
		try {
			const mod = require(join(pkgDir, rel));
			const Cls = mod[base] ?? Object.values(mod).find((v) => typeof v === 'function');
			const inst = new Cls();
			const name = inst.description.name.replace(/^n8n-nodes-base\./, '');
			if (wanted.includes(name)) found.set(name, inst);
		} catch (err) {
			failed.push(`${base}: ${err.message}`);
		}
	}
	return { found, failed };
}

/** version string -> full node description, for a node instance. */
export function descriptionsByVersion(inst) {
	const out = {};
	if (inst.nodeVersions) {
		for (const [v, nt] of Object.entries(inst.nodeVersions)) out[String(Number(v))] = nt.description;
	} else {
		const versions = Array.isArray(inst.description.version)
			? inst.description.version
			: [inst.description.version ?? 1];
		for (const v of versions) out[String(v)] = inst.description;
	}
	return out;
}

function main() {
	const refDir = process.argv[2] ?? join(homedir(), '.cache', 'n8n-ref');
	const { found, failed } = loadNodeTypes(refDir, NODE_TYPES);
	for (const f of readdirSync(here)) if (f.endsWith('.json')) unlinkSync(join(here, f));
	let count = 0;
	for (const name of NODE_TYPES) {
		const inst = found.get(name);
		if (!inst) {
			failed.push(`${name}: not found`);
			continue;
		}
		const props = [];
		const seen = new Map();
		const versions = {};
		const byVersion = descriptionsByVersion(inst);
		const keys = Object.keys(byVersion).sort((a, b) => Number(a) - Number(b));
		for (const v of keys) {
			const text = JSON.stringify(byVersion[v].properties.map(reduceProperty));
			if (!seen.has(text)) {
				seen.set(text, props.length);
				props.push(JSON.parse(text));
			}
			versions[v] = seen.get(text);
			count += 1;
		}
		const doc = { type: `n8n-nodes-base.${name}`, versions, props };
		writeFileSync(join(here, `${name}.json`), JSON.stringify(doc));
	}
	console.log(`wrote ${found.size} node types, ${count} (type, version) pairs`);
	if (failed.length) console.log(`skipped:\n  ${failed.join('\n  ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
