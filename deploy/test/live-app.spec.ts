import { join } from 'node:path';

import type { GatewayProcess } from '../../apps/gateway/test/support/gateway-process';
import { ensureBuilt, startGateway, stopGateway } from './support/gateway-process';
import { dashboardExpressions, ruleExpressions } from './support/monitoring-files';
import { exposedFamilies, isExposed, metricNames } from './support/promql';
import { DEPLOY_DIR, find, gatewayConfigMap, render, renderWithComponents } from './support/render';
import { allContainers, podTemplate } from './support/workloads';

/** The key whose hash deploy/overlays/dev/api-keys.dev.json holds (a development key, public). */
const DEV_API_KEY = 'dev-local-key-not-a-secret';

/** Series the alert rules read from other exporters, not from the gateway. */
const EXTERNAL_METRICS: Record<string, string> = {
  up: 'Prometheus (scrape health)',
  kube_deployment_status_replicas_ready: 'kube-state-metrics',
  kube_statefulset_status_replicas_ready: 'kube-state-metrics',
  kubelet_volume_stats_used_bytes: 'kubelet',
  kubelet_volume_stats_capacity_bytes: 'kubelet',
};

describe('the built gateway, as the manifests run it', () => {
  let gateway: GatewayProcess | undefined;
  let families = new Map<string, string>();

  beforeAll(async () => {
    const configMap = gatewayConfigMap(render('deploy/overlays/dev'));
    const keysFile = join(DEPLOY_DIR, 'overlays/dev/api-keys.dev.json');
    gateway = await startGateway(ensureBuilt(), configMap, keysFile);
    const response = await fetch(`${gateway.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    families = exposedFamilies(await response.text());
  }, 120_000);

  afterAll(() => {
    if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
      gateway.child.kill('SIGKILL');
    }
  });

  it('serves every probe path the Deployment uses (never 404)', async () => {
    const spec = podTemplate(find(render('deploy/overlays/prod'), 'Deployment', 'llm-api')).spec;
    const gatewayContainer = allContainers(spec).find((candidate) => candidate.name === 'gateway');
    const probes = [
      gatewayContainer?.livenessProbe,
      gatewayContainer?.readinessProbe,
      gatewayContainer?.startupProbe,
    ];
    const paths = probes.map((probe) => probe?.httpGet?.path);
    expect(paths).toEqual(['/health', '/ready', '/health']);
    expect((await fetch(`${gateway?.baseUrl}/health`)).status).toBe(200);
    // Ollama is unreachable here, so readiness must say so instead of pretending.
    expect((await fetch(`${gateway?.baseUrl}/ready`)).status).toBe(503);
  });

  it("accepts the dev overlay's documented API key (docs/kubernetes.md) and refuses callers without one", async () => {
    const models = `${gateway?.baseUrl}/v1/models`;
    expect((await fetch(models)).status).toBe(401);
    const withKey = await fetch(models, { headers: { authorization: `Bearer ${DEV_API_KEY}` } });
    // /v1/models answers from the model catalog, so it works even while Ollama is unreachable.
    expect(withKey.status).toBe(200);
    expect(await withKey.json()).toMatchObject({
      object: 'list',
      data: [expect.objectContaining({ object: 'model' })],
    });
  });

  it('exports every metric the dashboard queries', () => {
    const missing = dashboardExpressions()
      .flatMap(metricNames)
      .filter((name) => !isExposed(name, families));
    expect(missing).toEqual([]);
  });

  it('exports every metric the Ollama autoscaler queries', () => {
    const scaledObject = find(
      renderWithComponents('deploy/overlays/prod', ['ollama-autoscaling']),
      'ScaledObject',
      'ollama',
    );
    const queries = (scaledObject.spec as { triggers: { metadata: { query: string } }[] }).triggers.map(
      (trigger) => trigger.metadata.query,
    );
    const names = queries.flatMap(metricNames);
    expect(names).toEqual(
      expect.arrayContaining(['llm_gateway_queue_depth', 'llm_gateway_upstream_inflight']),
    );
    expect(names.filter((name) => !isExposed(name, families))).toEqual([]);
  });

  it('exports every gateway metric the alert rules read', () => {
    const missing = ruleExpressions()
      .flatMap(metricNames)
      .filter((name) => !(name in EXTERNAL_METRICS))
      .filter((name) => !isExposed(name, families));
    expect(missing).toEqual([]);
    const foreign = ruleExpressions()
      .flatMap(metricNames)
      .filter((name) => !name.startsWith('llm_gateway_') && !(name in EXTERNAL_METRICS));
    expect(foreign).toEqual([]);
  });

  it('exits promptly and cleanly on SIGTERM, as the kubelet stops it', async () => {
    if (!gateway) {
      throw new Error('gateway not started');
    }
    const { code, signal, ms } = await stopGateway(gateway);
    // The gateway drains, then exits 0 (app.setup.ts). "Killed by SIGTERM" is what a process
    // without shutdown hooks shows, so it is not accepted.
    const clean = code === 0;
    expect({ code, signal, output: clean ? '' : gateway.output() }).toEqual({
      code: 0,
      signal: null,
      output: '',
    });
    expect(ms).toBeLessThan(10_000);
  });
});
