// One measured run for analyze.bench.ts, in a child process of its own so that its peak RSS is
// this work's alone: `node --import tsx analyze-run.ts <peer|analyze> <orders.csv> <out dir>`.
// Prints one JSON line: { rows, wall, cpu, peakRss } (seconds, bytes).
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { EXIT, run } from '../src/index';

const [mode, file, out] = process.argv.slice(2);
if (file === undefined || out === undefined || (mode !== 'peer' && mode !== 'analyze'))
  throw new Error('usage: analyze-run.ts <peer|analyze> <orders.csv> <out dir>');

const cpu = process.cpuUsage();
const started = performance.now();
let rows = 0;
if (mode === 'peer') {
  for await (const _ of createReadStream(file).pipe(parse())) rows++;
  rows--;
} else {
  const quiet = { stdout: () => {}, stderr: () => {}, isTTY: false };
  const code = await run(['analyze', file, '--out', out], quiet);
  if (code !== EXIT.OK) throw new Error(`crmkit analyze exited with ${code}`);
}
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${JSON.stringify({
    rows,
    wall: (performance.now() - started) / 1000,
    cpu: (used.user + used.system) / 1e6,
    peakRss: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
