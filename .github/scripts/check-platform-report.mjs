// CI on macOS and Windows: what the gate measured of the example server, and that what it cannot measure there
// (the /proc signals) is reported n/a and not measured, never passed. Usage: node check-platform-report.mjs REPORT
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const problems = [];
const expect = (ok, what) => ok || problems.push(what);
const check = (id) => report.checks.find((c) => c.id === id);

expect(report.verdict === 'pass', `verdict ${report.verdict}`);
expect(report.environment.os === process.platform, `report of ${report.environment.os} on ${process.platform}`);
// The tree, not only the shell: cmd.exe or sh alone holds a few MB, the Node server tens.
expect(report.memory.measured && report.memory.baselineBytes > 20 * 1024 * 1024, `memory baseline ${report.memory.baselineBytes} bytes`);
expect(
  report.server.processes.some((p) => p.command.includes('echo-server.js')),
  `processes: ${JSON.stringify(report.server.processes)}`,
);
for (const id of ['fd-growth', 'thread-growth', 'lingering-connections']) {
  expect(check(id)?.status === 'not-measured' && check(id)?.measured === 'n/a', `${id}: ${JSON.stringify(check(id))}`);
}
expect(check('process-growth')?.status === 'pass', `process-growth: ${JSON.stringify(check('process-growth'))}`);
expect(
  report.signals.notes.some((n) => n.includes('/proc')),
  `notes: ${JSON.stringify(report.signals.notes)}`,
);
expect(report.server.survivors.length === 0, `survivors: ${report.server.survivors}`);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
// An orphan that has just exited may wait a moment to be reaped (kill(pid, 0) still finds a zombie).
let left = report.server.pidsSeen.filter(alive);
for (let i = 0; i < 50 && left.length > 0; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  left = left.filter(alive);
}
for (const pid of left) problems.push(`pid ${pid} of the server tree is still alive`);

for (const c of report.checks) console.log(`${c.status.padEnd(13)} ${c.id}: ${c.measured}`);
console.log(
  `memory: baseline ${(report.memory.baselineBytes / 1048576).toFixed(1)} MB, retained growth ` +
    `${(report.memory.retainedGrowthBytes / 1048576).toFixed(1)} MB, ${report.memory.samples.length} samples`,
);
console.log(`processes: ${report.server.processes.map((p) => `${p.pid} ${p.command}`).join(' | ')}`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
