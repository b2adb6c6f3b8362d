// `k6/metrics` under the Node engine: custom metrics in the run's metric store.
import { contextTags, state } from '../runtime.js';

class Metric {
  constructor(type, name, isTime = false) {
    if (state.phase !== 'init') throw new Error(`metrics must be created in the init context (${name})`);
    this.name = name;
    state.metrics.define(name, type, isTime);
  }

  add(value, tags = {}) {
    state.metrics.add(this.name, typeof value === 'boolean' ? Number(value) : value, { ...contextTags(), ...tags });
  }
}

export class Counter extends Metric {
  constructor(name) {
    super('counter', name);
  }
}
export class Gauge extends Metric {
  constructor(name) {
    super('gauge', name);
  }
}
export class Rate extends Metric {
  constructor(name) {
    super('rate', name);
  }
}
export class Trend extends Metric {
  constructor(name, isTime = false) {
    super('trend', name, isTime);
  }
}

export default { Counter, Gauge, Rate, Trend };
