// `npm run dev`: builds, then runs the four services on this machine with no
// Docker. With DATABASE_URL / RABBITMQ_URL unset they use SQLite files under
// .data/ and the broker-less TCP transport for events. Ctrl-C stops all four.
import { execFileSync, spawn } from 'node:child_process';

const SERVICES = [
  ['payment', 35],
  ['notification', 33],
  ['order', 36],
  ['gateway', 32],
];

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

const children = SERVICES.map(([name, color]) => {
  const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${name}/src/main.js`], {
    env: { NODE_ENV: 'development', ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${color}m${name.padEnd(12)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
});

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 12_000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
