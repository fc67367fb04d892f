// Run halsocenter.lite in real Pyodide under Node, as xlwings Lite would (tests/test_pyodide_runtime.py).
//
//   node run.mjs CONFIG.json      prints one line: RESULT{...json...}
//
// Loads Pyodide from the folder scripts/pyodide-env prepared, micropip and packaging from its
// wheels, puts a stand-in for xlwings Lite's JavaScript client on globalThis.xlwings (notes'
// and threaded comments' text, as Lite asks Excel for them), then hands over to harness.py.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { loadPyodide } = await import(
  pathToFileURL(path.join(config.pyodide_dir, "node_modules", "pyodide", "pyodide.mjs")).href
);

// What Lite's client answers from Excel: config.notes = {"Sheet!B3": "text"},
// config.comments = {"Sheet!B2": ["comment", "reply", ...]}.
const notes = config.notes || {};
const threads = Object.entries(config.comments || {}).map(([where, texts], i) => {
  const [sheet, address] = where.split("!");
  return { id: `c${i}`, sheet, address, texts };
});
const calls = [];
globalThis.xlwings = {
  async getNoteText(sheet, address) {
    calls.push("getNoteText");
    return notes[`${sheet}!${address.replaceAll("$", "")}`] ?? null;
  },
  async getNoteLocation(sheet, address) {
    calls.push("getNoteLocation");
    return address;
  },
  async getComments(sheet) {
    calls.push("getComments");
    return threads
      .filter((t) => sheet === undefined || t.sheet === sheet)
      .map((t) => ({ sheet: t.sheet, address: t.address, id: t.id }));
  },
  async getCommentData(sheet, id, address, key) {
    calls.push(`getCommentData:${key}`);
    const t = threads.find((c) => c.id === id);
    return { text: t.texts[0], location: { sheet: t.sheet, address: t.address } }[key] ?? null;
  },
  async getCommentReplies(sheet, id, address) {
    calls.push("getCommentReplies");
    const t = threads.find((c) => c.id === id);
    return t.texts.slice(1).map((_, i) => ({ id: `${id}r${i}` }));
  },
  async getCommentReplyText(sheet, id, address, replyId) {
    calls.push("getCommentReplyText");
    const t = threads.find((c) => c.id === id);
    return t.texts[1 + Number(replyId.split("r").pop())];
  },
};
globalThis.hcClientCalls = calls;

const started = Date.now();
const pyodide = await loadPyodide({
  indexURL: path.join(config.pyodide_dir, "node_modules", "pyodide") + path.sep,
  stdout: (line) => process.stderr.write(`[py] ${line}\n`),
  stderr: (line) => process.stderr.write(`[py!] ${line}\n`),
});
for (const wheel of config.bootstrap_wheels) {
  await pyodide.loadPackage(wheel, { messageCallback: () => {} });
}
pyodide.FS.mkdirTree("/harness");
pyodide.FS.writeFile("/harness/harness.py", readFileSync(new URL("./harness.py", import.meta.url)));
pyodide.FS.writeFile("/harness/payload.json", readFileSync(config.payload));
pyodide.FS.writeFile("/harness/config.json", JSON.stringify(config));
const result = await pyodide.runPythonAsync(`
import sys
sys.path.insert(0, "/harness")
import harness
await harness.main("/harness/config.json")
`);
const out = JSON.parse(result);
out.client_calls = calls;
out.seconds = (Date.now() - started) / 1000;
process.stdout.write("RESULT" + JSON.stringify(out) + "\n");
