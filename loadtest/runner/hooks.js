// Module resolve hook (registered by ./index.js): maps the k6 modules a script imports to the
// Node engine's shims, so the very same script files run under k6 and under Node.
const SHIMS = { k6: 'k6.js', 'k6/http': 'k6-http.js', 'k6/metrics': 'k6-metrics.js' };

export async function resolve(specifier, context, nextResolve) {
  if (SHIMS[specifier])
    return { url: new URL(`./shims/${SHIMS[specifier]}`, import.meta.url).href, shortCircuit: true };
  if (specifier.startsWith('k6/'))
    throw new Error(
      `${specifier} is not supported by the Node engine (it has ${Object.keys(SHIMS).join(', ')}): run the script with k6`,
    );
  return nextResolve(specifier, context);
}
