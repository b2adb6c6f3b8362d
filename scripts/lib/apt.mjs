// Installs Debian packages with apt-get, once per machine (the CI starters call it when a binary is missing).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/**
 * `apt-get update` then `apt-get install` of `packages`, without recommends and without letting a package
 * start its own daemon (policy-rc.d, Debian's switch for "do not start services from package scripts").
 * Needs root; otherwise throws with the command to run.
 */
export function aptInstall(packages, log) {
  if (process.getuid?.() !== 0)
    throw new Error(
      `${packages.join(', ')} missing: install with sudo apt-get install -y ${packages.join(' ')} and run again`,
    );
  const started = Date.now();
  log(`installing ${packages.join(', ')} with apt-get (once per machine)…`);
  const policy = '/usr/sbin/policy-rc.d';
  const ours = !existsSync(policy);
  if (ours)
    writeFileSync(policy, '#!/bin/sh\n# written by scripts/lib/apt.mjs during an install\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const stdio = ['ignore', 'ignore', 'inherit'];
    execFileSync('apt-get', ['update', '-qq'], { env, stdio });
    execFileSync(
      'apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold', ...packages],
      { env, stdio },
    );
  } finally {
    if (ours) rmSync(policy, { force: true });
  }
  log(`installed ${packages.join(', ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
