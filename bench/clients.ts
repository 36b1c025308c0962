// `npm run bench:clients`: the `aitta` client side by side with s3cmd and the
// aws CLI against one `aitta serve`, on the same files in the same run: a
// large file up and down, a sync of many small files, and `ls`. Prints a
// markdown table with the ratios the client's targets are stated in, next
// to what the machine allows in the same run (its fdatasync'd and buffered
// write speed, and the server's own rate for the sync's PUTs), and writes it
// to bench/results/.
//
//   npm run bench:clients -- [--large-gib N] [--files N] [--file-kib N]

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { smallOps } from "../src/bench/workloads.js";
import { saveReport } from "./report.js";
import { AITTA_MAIN, CREDENTIALS, clientFor, killAll, killAllSync, spawnTracked, startServer } from "./servers.js";
import { md5Ceiling, writeCeiling } from "./workloads.js";

type Tool = "aitta" | "s3cmd" | "aws";
const TOOLS: readonly Tool[] = ["aitta", "s3cmd", "aws"];
const MB = 1e6;
const LS_RUNS = 7;

interface Setup {
  endpoint: string;
  s3cfg: string;
  awsEnv: NodeJS.ProcessEnv;
}

/** The command line each tool runs for one step. */
function command(tool: Tool, setup: Setup, args: { aitta: string[]; aws: string[] }): [string, string[], NodeJS.ProcessEnv] {
  switch (tool) {
    case "aitta":
      return [AITTA_MAIN, ["-c", setup.s3cfg, ...args.aitta], process.env];
    case "s3cmd":
      return ["s3cmd", ["-c", setup.s3cfg, ...args.aitta], process.env];
    case "aws":
      return ["aws", ["--endpoint-url", setup.endpoint, ...args.aws], setup.awsEnv];
  }
}

/** Runs the step (tracked, so a hung tool is killed on the way out) and returns its wall time in seconds; a failure stops the bench. */
function timed([cmd, args, env]: [string, string[], NodeJS.ProcessEnv]): Promise<number> {
  const started = performance.now();
  const { child, tail } = spawnTracked(cmd, args, env);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve((performance.now() - started) / 1000);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${tail()}`));
    });
  });
}

async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = 8 * 1024 * 1024;
  for (let left = bytes; left > 0; left -= chunk) {
    if (!out.write(randomBytes(Math.min(chunk, left)))) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  out.end();
  await finished(out);
}

interface Row {
  step: string;
  seconds: Record<Tool, number>;
  /** Bytes moved, for a MB/s column. */
  bytes?: number;
  /** The targets: aitta at least this many times faster than the tool. */
  targets: Partial<Record<Exclude<Tool, "aitta">, number>>;
}

function render(rows: Row[], meta: string[]): string {
  const lines = [
    "# aitta client vs s3cmd vs aws CLI",
    "",
    ...meta.map((m) => `- ${m}`),
    "",
    "| step | aitta | s3cmd | aws | aitta vs s3cmd | aitta vs aws |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const cell = (tool: Tool) => {
      const s = row.seconds[tool];
      return row.bytes === undefined ? `${s.toFixed(2)} s` : `${(row.bytes / MB / s).toFixed(0)} MB/s (${s.toFixed(1)} s)`;
    };
    const ratio = (other: Exclude<Tool, "aitta">) => {
      const times = row.seconds[other] / row.seconds.aitta;
      const target = row.targets[other];
      return `${times.toFixed(2)}×${target === undefined ? "" : ` (≥ ${target}× ${times >= target ? "✓" : "✗"})`}`;
    };
    lines.push(`| ${row.step} | ${cell("aitta")} | ${cell("s3cmd")} | ${cell("aws")} | ${ratio("s3cmd")} | ${ratio("aws")} |`);
  }
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "large-gib": { type: "string", default: "2" },
      files: { type: "string", default: "1000" },
      "file-kib": { type: "string", default: "100" },
    },
  });
  const largeBytes = Math.round(Number(values["large-gib"]) * 1024 ** 3);
  const fileCount = Number(values.files);
  const fileBytes = Number(values["file-kib"]) * 1024;
  const startedAt = new Date();
  const work = await mkdtemp(join(os.tmpdir(), "aitta-bench-clients-"));
  try {
    const server = await startServer("aitta", join(work, "data"));
    const endpoint = `http://${server.host}:${server.port}`;
    const s3cfg = join(work, "s3cfg");
    const hostPort = `${server.host}:${server.port}`;
    await writeFile(
      s3cfg,
      [
        "[default]",
        `access_key = ${CREDENTIALS.accessKey}`,
        `secret_key = ${CREDENTIALS.secretKey}`,
        `host_base = ${hostPort}`,
        `host_bucket = ${hostPort}`,
        "use_https = False",
        "signature_v2 = False",
        "use_mime_magic = False",
        "",
      ].join("\n"),
    );
    const awsEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKey,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretKey,
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    };
    const setup: Setup = { endpoint, s3cfg, awsEnv };

    const large = join(work, "large.bin");
    await randomFile(large, largeBytes);
    const tree = join(work, "tree");
    await mkdir(tree);
    for (let i = 0; i < fileCount; i++) await writeFile(join(tree, `file-${String(i).padStart(5, "0")}.bin`), randomBytes(fileBytes));

    const seconds = (): Record<Tool, number> => ({ aitta: 0, s3cmd: 0, aws: 0 });
    const up = seconds();
    const down = seconds();
    const sync = seconds();
    const ls = seconds();
    for (const tool of TOOLS) {
      const bucket = `s3://bench-${tool}`;
      await timed(command(tool, setup, { aitta: ["mb", bucket], aws: ["s3", "mb", bucket] }));
      up[tool] = await timed(command(tool, setup, { aitta: ["put", large, `${bucket}/large.bin`], aws: ["s3", "cp", "--no-progress", large, `${bucket}/large.bin`] }));
      const out = join(work, `large-${tool}.bin`);
      down[tool] = await timed(command(tool, setup, { aitta: ["get", "--force", `${bucket}/large.bin`, out], aws: ["s3", "cp", "--no-progress", `${bucket}/large.bin`, out] }));
      await rm(out);
      sync[tool] = await timed(command(tool, setup, { aitta: ["sync", `${tree}/`, `${bucket}/tree/`], aws: ["s3", "sync", "--no-progress", tree, `${bucket}/tree/`] }));
      // A start takes a few tenths of a second, as much as this machine's jitter: the median of LS_RUNS.
      const runs: number[] = [];
      for (let i = 0; i < LS_RUNS; i++) runs.push(await timed(command(tool, setup, { aitta: ["ls", bucket], aws: ["s3", "ls", bucket] })));
      ls[tool] = runs.sort((a, b) => a - b)[Math.floor(LS_RUNS / 2)]!;
    }
    // What this machine allows, in the same run: the client targets read against these.
    const buf = randomBytes(1024 * 1024);
    const fsyncWrite = await writeCeiling(work, buf, largeBytes);
    const bufferedWrite = await writeCeiling(work, buf, largeBytes, "buffered");
    const md5 = await md5Ceiling(buf, largeBytes);
    const client = clientFor(server, 16);
    let putRate: number;
    try {
      await client.createBucket("bench-ceiling");
      const target = { client, bucket: "bench-ceiling", prefix: "" };
      const puts = await smallOps(target, { concurrency: 16, maxOps: fileCount, maxMs: 60_000, objectBytes: fileBytes });
      if (puts.PUT instanceof Error) throw puts.PUT;
      putRate = puts.PUT.opsPerSec;
    } finally {
      client.close();
    }
    const rows: Row[] = [
      { step: `${values["large-gib"]} GiB put`, seconds: up, bytes: largeBytes, targets: { s3cmd: 4, aws: 1.5 } },
      { step: `${values["large-gib"]} GiB get`, seconds: down, bytes: largeBytes, targets: { s3cmd: 4, aws: 1.5 } },
      { step: `sync of ${fileCount} files of ${values["file-kib"]} KiB`, seconds: sync, bytes: fileCount * fileBytes, targets: { s3cmd: 10 } },
      { step: `ls of the bucket (start and answer, median of ${LS_RUNS})`, seconds: ls, targets: { s3cmd: 1 } },
    ];
    const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
    const markdown = render(rows, [
      `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load average at end ${load}`,
      "one `aitta serve` on 127.0.0.1 (durable: fsync before every acknowledgement); each tool its own bucket; times are wall clock of the whole command",
      `this machine, same run: fdatasync'd write of ${values["large-gib"]} GiB ${fsyncWrite.toFixed(0)} MB/s (the most any durable put can reach: ` +
        `${(fsyncWrite / (largeBytes / MB / up.s3cmd)).toFixed(2)}× s3cmd's put); buffered write of it ${bufferedWrite.toFixed(0)} MB/s; MD5 on one core ${md5.toFixed(0)} MB/s`,
      // MD5 is one sequential pass: a download verified by it (as the client's issue asks) takes at least that long.
      `a get verified by MD5 hashes the whole file on one core: at least ${(largeBytes / MB / md5).toFixed(2)} s, so at most ${(down.s3cmd / (largeBytes / MB / md5)).toFixed(2)}× s3cmd's get`,
      `the server alone takes ${fileCount} PUTs of ${values["file-kib"]} KiB from aitta bench at ${putRate.toFixed(0)}/s with 16 in flight: ` +
        `a sync of them needs ${(fileCount / putRate).toFixed(2)} s at least (${(sync.s3cmd / (fileCount / putRate)).toFixed(2)}× s3cmd's sync)`,
    ]);
    process.stdout.write(markdown);
    process.stdout.write(`[bench] written to ${await saveReport(markdown, startedAt, "clients-")}\n`);
  } finally {
    await killAll();
    await rm(work, { recursive: true, force: true });
  }
}

process.on("exit", killAllSync);
await main();
