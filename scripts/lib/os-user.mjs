// Looks up a system user, for the CI starters that run a server as its own OS user when we are root.
import { spawnSync } from 'node:child_process';

/** `{ uid, gid }` of the OS user `name`, or undefined when there is none. */
export function lookupUser(name) {
  const id = (flag) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  const uid = id('-u');
  if (uid.status !== 0) return undefined;
  return { uid: Number(uid.stdout), gid: Number(id('-g').stdout) };
}
