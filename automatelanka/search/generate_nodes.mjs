// Generates nodes.json: the node vocabulary search uses (type -> display name, description,
// categories, aliases), from the reference n8n install. Not needed at runtime.
// usage: node automatelanka/search/generate_nodes.mjs [~/.cache/n8n-ref/node_modules]
import { createRequire } from "node:module";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = process.argv[2] || join(homedir(), ".cache/n8n-ref/node_modules");
const require = createRequire(join(root, "noop.js"));
const packages = [["n8n-nodes-base", "n8n-nodes-base"], ["@n8n/n8n-nodes-langchain", "@n8n/n8n-nodes-langchain"]];
const out = {};

function describe(file) {
  const mod = require(file);
  for (const Exported of Object.values(mod)) {
    if (typeof Exported !== "function") continue;
    try {
      const node = new Exported();
      const d = node.description || node.baseDescription;
      if (d && d.name && d.displayName) return d;
    } catch {
      // not a node class
    }
  }
  return null;
}

for (const [pkg, prefix] of packages) {
  const base = join(root, pkg);
  if (!existsSync(join(base, "package.json"))) continue;
  const files = JSON.parse(readFileSync(join(base, "package.json"), "utf8")).n8n.nodes;
  for (const rel of files) {
    const file = join(base, rel);
    let d = null;
    try { d = describe(file); } catch (e) { process.stderr.write(`skip ${rel}: ${e.message}\n`); }
    if (!d) continue;
    const codexFile = file.replace(/\.js$/, ".json");
    const codex = existsSync(codexFile) ? JSON.parse(readFileSync(codexFile, "utf8")) : {};
    const aliases = [...(codex.alias || []), ...(codex.aliases || [])];
    const key = d.name;
    const prev = out[key];
    const entry = {
      name: d.displayName.replace(/\s+/g, " ").trim(),
      description: String(d.description || "").replace(/\s+/g, " ").trim(),
      categories: codex.categories || [],
      aliases: [...new Set(aliases.map(String))],
      package: prefix,
    };
    // A type known to both packages keeps the n8n-nodes-base entry and gains the aliases.
    out[key] = prev ? { ...prev, aliases: [...new Set([...prev.aliases, ...entry.aliases])] } : entry;
  }
}
const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
const target = join(dirname(fileURLToPath(import.meta.url)), "nodes.json");
writeFileSync(target, JSON.stringify(sorted, null, 0).replace(/\},"/g, '},\n"') + "\n");
process.stderr.write(`${Object.keys(sorted).length} node types -> ${target}\n`);
