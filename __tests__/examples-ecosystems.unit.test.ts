// The example servers and workflows for other ecosystems: each workflow gates a server file that exists, with the
// settings its protocol needs, and the README links every one of them.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUTS } from '../src/config/inputs.js';
import { parseConfig } from '../src/config/parse.js';
import { portOf } from '../src/server/endpoint.js';
import { ROOT } from './helpers/gate-run.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | number>;
  'working-directory'?: string;
}
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const stepsOf = (path: string): Step[] =>
  Object.values((parseYaml(read(path)) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap((j) => j.steps);
const gateWith = (path: string): Record<string, string> => {
  const step = stepsOf(path).find((s) => s.uses?.startsWith('ws-resilience-gate/ws-resilience-gate@'));
  expect(step, `${path} has no gate step`).toBeDefined();
  return Object.fromEntries(Object.entries(step!.with!).map(([k, v]) => [k, String(v)]));
};

const LAUNCHED: Array<[string, string]> = [
  ['websocket-resilience.yml', 'examples/echo-server.js'],
  ['socketio.yml', 'examples/socketio/server.js'],
  ['python.yml', 'examples/python/echo_server.py'],
  ['websocketd.yml', 'cat'],
];
const ATTACHED = ['attach-npm-start.yml', 'attach-docker-compose.yml'];

describe('ecosystem example workflows', () => {
  it.each(LAUNCHED)('%s launches %s on a free port, with inputs the gate accepts', (file, server) => {
    const inputs = gateWith(`examples/workflows/${file}`);
    expect(inputs['server-command']).toContain(server);
    if (server.includes('/')) expect(existsSync(join(ROOT, server))).toBe(true);
    expect(portOf(inputs.url!)).toBe(0);
    // Every setting is an input the action declares (the runner only warns about others, and drops them)...
    expect(Object.keys(inputs).filter((name) => !INPUTS.some((input) => input.name === name))).toEqual([]);
    // ...and the gate launches and reaches the server as written.
    const config = parseConfig(inputs);
    expect(config.server.command).toBe(inputs['server-command']);
    expect(config.client.url).toBe(inputs.url);
  });

  it('socketio.yml reaches the Engine.IO WebSocket transport and sends only a valid packet', () => {
    const inputs = gateWith('examples/workflows/socketio.yml');
    expect(new URL(inputs.url!).pathname).toBe('/socket.io/');
    expect(new URL(inputs.url!).searchParams.get('transport')).toBe('websocket');
    expect(new URL(inputs.url!).searchParams.get('EIO')).toBe('4');
    // More than one message would get a " #n" suffix, which no Engine.IO packet survives.
    expect(inputs['recovery-messages']).toBe('1');
    expect(inputs.message).toBe('40');
    const expected = parseConfig(inputs).recovery.expect;
    expect(expected.kind).toBe('regex');
    if (expected.kind === 'regex') expect(new RegExp(expected.source, expected.flags).test('40{"sid":"abc"}')).toBe(true);
  });

  it.each(ATTACHED)('%s attaches: no server-command, a fixed port, a server started in an earlier step', (file) => {
    const inputs = gateWith(`examples/workflows/${file}`);
    expect(inputs['server-command']).toBeUndefined();
    // The runner fills in the pid from an earlier step's output.
    const config = parseConfig({ ...inputs, ...(inputs['server-pid'] ? { 'server-pid': '4242' } : {}) });
    expect(config.server.command).toBeNull();
    const steps = stepsOf(`examples/workflows/${file}`);
    const gateIndex = steps.findIndex((s) => s.uses?.startsWith('ws-resilience-gate/'));
    expect(steps.slice(0, gateIndex).some((s) => /npm start|docker compose .*up/.test(s.run ?? ''))).toBe(true);
  });

  it('attach-npm-start.yml starts examples/attach on the port the gate attaches to', () => {
    const steps = stepsOf('examples/workflows/attach-npm-start.yml');
    const start = steps.find((s) => s.run?.includes('npm start'))!;
    expect(start['working-directory']).toBe('examples/attach');
    const pkg = JSON.parse(read('examples/attach/package.json')) as { scripts: { start: string } };
    expect(existsSync(join(ROOT, 'examples/attach', pkg.scripts.start.replace(/^node /, '')))).toBe(true);
    expect(start.run).toContain(`PORT=${portOf(gateWith('examples/workflows/attach-npm-start.yml').url!)}`);
  });

  it('attach-docker-compose.yml samples the container (server-pid), published under the same port inside and out', () => {
    const inputs = gateWith('examples/workflows/attach-docker-compose.yml');
    expect(inputs['server-pid']).toBe('${{ steps.server.outputs.pid }}');
    expect(stepsOf('examples/workflows/attach-docker-compose.yml').find((s) => s.run?.includes('docker inspect'))!.run).toContain(
      '{{.State.Pid}}',
    );
    const compose = parseYaml(read('examples/docker/compose.yaml')) as {
      services: Record<string, { command: string[]; environment: Record<string, string>; ports: string[] }>;
    };
    const service = compose.services.echo!;
    const port = String(portOf(inputs.url!));
    expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    expect(service.environment.PORT).toBe(port);
    expect(existsSync(join(ROOT, service.command[1]!))).toBe(true);
  });

  it('the README links every example workflow and server', () => {
    const readme = read('README.md');
    for (const file of [...LAUNCHED.map(([f]) => f), ...ATTACHED]) expect(readme).toContain(`examples/workflows/${file}`);
    for (const server of [
      'examples/socketio/server.js',
      'examples/python/echo_server.py',
      'examples/attach/package.json',
      'examples/docker/compose.yaml',
    ]) {
      expect(readme).toContain(server);
    }
  });
});
