import { join } from 'node:path';
import { Server, type ServerOptions } from './server.js';
import { type ToolName, toolBinary } from './tools.js';

export interface ToolServerOptions extends ServerOptions {
  /** The data folder, under the config's folder; default `data`. */
  dataDir?: string;
  /** Flags after the ones every suite passes. */
  flags?: string[];
}

/** The pinned Prometheus on `<dir>/prometheus.yml`, its TSDB under `dir`, listening on 127.0.0.1:`port`. */
export function startPrometheus(name: string, dir: string, port: number, options: ToolServerOptions = {}) {
  const config = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, options.dataDir ?? 'data')}`,
  ];
  return startTool('prometheus', name, port, config, options);
}

/** The pinned Alertmanager on `<dir>/alertmanager.yml`, a single instance (no gossip port) on 127.0.0.1:`port`. */
export function startAlertmanager(name: string, dir: string, port: number, options: ToolServerOptions = {}) {
  const config = [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, options.dataDir ?? 'data')}`,
  ];
  return startTool('alertmanager', name, port, [...config, '--cluster.listen-address='], options);
}

function startTool(
  tool: ToolName,
  name: string,
  port: number,
  args: string[],
  { dataDir: _dataDir, flags = [], ...options }: ToolServerOptions,
): Promise<Server> {
  const listen = `--web.listen-address=127.0.0.1:${port}`;
  return Server.start(name, toolBinary(tool), [...args, listen, ...flags], port, options);
}
