// `k6/execution` under the Node engine: the current VU, iteration and scenario,
// read from the iteration's async context (all VUs share one event loop here).
import { abortTest, context, state } from '../runtime.js';

const store = () => context.getStore();

const execution = {
  vu: {
    get idInTest() {
      return store()?.vu.id ?? 0;
    },
    get iterationInInstance() {
      return store()?.vu.iterations ?? 0;
    },
    get iterationInScenario() {
      return store()?.iteration ?? 0;
    },
  },
  scenario: {
    get name() {
      return store()?.scenario.name ?? '';
    },
    get executor() {
      return store()?.scenario.executor ?? '';
    },
    get iterationInTest() {
      return store()?.iteration ?? 0;
    },
    get startTime() {
      return store()?.scenario.startedAt ?? 0;
    },
  },
  instance: {
    get iterationsCompleted() {
      return state.iterationsInTest;
    },
  },
  test: {
    abort(message = 'test aborted by the script') {
      abortTest(message);
      throw new Error(message);
    },
  },
};

export default execution;
