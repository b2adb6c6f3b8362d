// Module resolve hook (registered with module.register by ./index.js): maps the
// k6 built-in modules a script imports to the Node engine's shims, so the very
// same script files run under k6 and under Node.
const SHIMS = {
  k6: 'k6.js',
  'k6/http': 'k6-http.js',
  'k6/metrics': 'k6-metrics.js',
  'k6/execution': 'k6-execution.js',
};

export async function resolve(specifier, context, nextResolve) {
  const shim = SHIMS[specifier];
  if (shim) return { url: new URL(`./shims/${shim}`, import.meta.url).href, shortCircuit: true };
  if (specifier.startsWith('k6/')) {
    throw new Error(`${specifier} is not available under the Node engine (it has ${Object.keys(SHIMS).join(', ')}); run this script with k6`);
  }
  return nextResolve(specifier, context);
}
