/**
 * What each mode sets in the services' environment, and the order runs go in.
 * `full` and `off` are the comparison the issue asks for; `--variant` adds
 * modes built from one of them plus some variables (telemetry knobs).
 */
export const BUILT_IN_MODES = {
  // OTLP over HTTP in protobuf, the SDK's default and what the compose stack uses (it sets no protocol).
  // OTEL_LOG_LEVEL=warn only makes the SDK say when its batch queue overflows ("Dropped N spans").
  full: { LOG_LEVEL: 'info', OTEL_LOG_LEVEL: 'warn' },
  off: { LOG_LEVEL: 'warn', OTEL_SDK_DISABLED: 'true' },
};

/** `name:KEY=value;KEY=value` → `full` plus those variables; `name@off:…` starts from `off`. */
export function parseVariant(text) {
  const [label, assignments = ''] = text.split(/:(.*)/s);
  const [name, base = 'full'] = label.split('@');
  if (!BUILT_IN_MODES[base]) throw new Error(`--variant ${text}: unknown base mode ${base}`);
  const env = { ...BUILT_IN_MODES[base] };
  for (const pair of assignments.split(';').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--variant ${text}: "${pair}" is not KEY=value`);
    env[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return { name, env };
}

/** `--modes full,off` plus every `--variant`. */
export function modeList(builtIn, variants) {
  const modes = builtIn
    .split(',')
    .filter(Boolean)
    .map((name) => {
      if (!BUILT_IN_MODES[name])
        throw new Error(`unknown mode ${name} (built in: full, off; use --variant for others)`);
      return { name, env: BUILT_IN_MODES[name] };
    });
  return [...modes, ...variants.map(parseVariant)];
}

export const telemetryOn = (env) => String(env.OTEL_SDK_DISABLED).toLowerCase() !== 'true';

/** Round 1 runs the modes in order, round 2 in reverse, and so on: drift hits every mode alike. */
export function schedule(modes, rounds) {
  return Array.from({ length: rounds }, (_, i) =>
    (i % 2 === 0 ? modes : [...modes].reverse()).map((mode) => ({ mode, round: i + 1 })),
  ).flat();
}
