export { SCENARIOS, SCENARIO_NAMES, scenario } from './catalogue.js';
export type { Evidence, FaultParam, Scenario, ScenarioName, ServiceName } from './catalogue.js';
export { FaultSettingsError, faultsOf, parseFaultsEnv, resolveFault } from './fault-settings.js';
export type { ActiveFault } from './fault-settings.js';
export { FaultRegistry, faultActive } from './fault-registry.js';
export type { FaultState } from './fault-registry.js';
export { FaultsModule } from './faults.module.js';
export { AdminTokenGuard } from './admin-token.guard.js';
export { burnCpu, releaseRetainedMemory, retainMemory, retainedBytes } from './effects.js';
