// Turns the measurements into one markdown report: the machine's ceilings,
// then a table with a row per metric, a column per server, the target beside
// it and ✓/✗ where there is one. Failed cells read "n/a" with a footnote;
// a figure that came with some failed ops carries a footnote saying so.

import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { ServerName } from "./servers.js";

export type Cell = { kind: "num"; value: number; warning?: string } | { kind: "lat"; p50: number; p99: number } | { kind: "na"; reason: string };

export type MetricId =
  | "put.ops" | "put.lat" | "get.ops" | "get.lat" | "head.ops" | "head.lat" | "del.ops" | "del.lat"
  | "list" | "large.put" | "large.get" | "large.curl" | "multipart" | "rss.run" | "rss.upload" | "upload.speed";

export interface Target {
  op: ">=" | "<";
  value: number;
}

export interface MetricRow {
  id: MetricId;
  label: string;
  unit: string;
  target?: Target;
}

export interface Report {
  title: string;
  context: string[];
  ceilings: { label: string; cell: Cell }[];
  rows: MetricRow[];
  servers: ServerName[];
  cells: Map<ServerName, Map<MetricId, Cell>>;
  notes: string[];
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return "—";
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function meets(t: Target, v: number): boolean {
  return t.op === ">=" ? v >= t.value : v < t.value;
}

export function renderReport(r: Report): string {
  const footnotes: string[] = [];
  const note = (where: string, text: string): string => {
    footnotes.push(`${where}: ${text}`);
    return `[${footnotes.length}]`;
  };
  const show = (where: string, cell: Cell | undefined, target?: Target): string => {
    if (cell === undefined) return "—";
    if (cell.kind === "na") return `n/a ${note(where, cell.reason)}`;
    if (cell.kind === "lat") return `${fmt(cell.p50)} / ${fmt(cell.p99)}`;
    const value = target ? `${fmt(cell.value)} ${meets(target, cell.value) ? "✓" : "✗"}` : fmt(cell.value);
    return cell.warning === undefined ? value : `${value} ${note(where, cell.warning)}`;
  };
  const out: string[] = [`# ${r.title}`, "", ...r.context.map((c) => `- ${c}`), "", "## Machine ceilings (this run)", ""];
  out.push("| ceiling | MB/s |", "| --- | ---: |");
  for (const c of r.ceilings) out.push(`| ${c.label} | ${show(c.label, c.cell)} |`);
  out.push("", "## Results", "");
  out.push(`| metric | unit | target | ${r.servers.join(" | ")} |`);
  out.push(`| --- | --- | ---: | ${r.servers.map(() => "---:").join(" | ")} |`);
  for (const row of r.rows) {
    const target = row.target ? `${row.target.op === ">=" ? "≥" : "<"} ${fmt(row.target.value)}` : "";
    const cells = r.servers.map((s) => show(`${s}, ${row.label}`, r.cells.get(s)?.get(row.id), row.target));
    out.push(`| ${row.label} | ${row.unit} | ${target} | ${cells.join(" | ")} |`);
  }
  out.push("", ...r.notes.map((n) => `- ${n}`));
  if (footnotes.length > 0) out.push("", ...footnotes.map((f, i) => `[${i + 1}] ${f}`));
  return out.join("\n") + "\n";
}

/** dist/bench/report.js → bench/results/ in the source tree (gitignored). */
const RESULTS_DIR = fileURLToPath(new URL("../../bench/results/", import.meta.url));

/** Writes the report to bench/results/<prefix><ISO date>.md and returns the path. */
export async function saveReport(markdown: string, startedAt: Date, prefix = ""): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${prefix}${startedAt.toISOString().replace(/\.\d{3}Z$/, "Z")}.md`;
  await writeFile(path, markdown);
  return path;
}
