// `k6/metrics` under the Node engine: custom metrics in the run's metric store.
import { contextTags, state } from '../runtime.js';

const metric = (type) =>
  class {
    constructor(name, isTime = false) {
      if (state.phase !== 'init') throw new Error(`metrics must be created in the init context (${name})`);
      state.metrics.define(name, type, type === 'trend' && isTime);
      this.name = name;
    }

    add(value, tags = {}) {
      state.metrics.add(this.name, Number(value), { ...contextTags(), ...tags });
    }
  };

export const Counter = metric('counter');
export const Gauge = metric('gauge');
export const Rate = metric('rate');
export const Trend = metric('trend');
export default { Counter, Gauge, Rate, Trend };
