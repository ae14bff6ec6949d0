import { stringify } from 'yaml';

import {
  DEPLOYABLE_PATHS,
  find,
  gatewayConfigMap,
  render,
  renderKustomization,
  type K8sObject,
} from './support/render';
import { allContainers, podTemplate, type Container, type PodSpec } from './support/workloads';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: string };
  };
}

type OllamaContainer = Omit<Container, 'env'> & {
  env?: EnvVar[];
  lifecycle?: { postStart?: { exec?: { command: string[] } }; preStop?: { exec?: { command: string[] } } };
};

/** CPU quantity ("4", "3500m") in whole CPUs, rounded up as the downward API does with divisor 1. */
function wholeCpus(quantity: string): number {
  return Math.ceil(quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity));
}

function ollamaPod(objects: K8sObject[]): PodSpec {
  return podTemplate(find(objects, 'StatefulSet', 'ollama')).spec;
}

function ollamaContainer(objects: K8sObject[]): OllamaContainer {
  const found = allContainers(ollamaPod(objects)).find((candidate) => candidate.name === 'ollama');
  if (!found) {
    throw new Error('ollama container missing');
  }
  return found as OllamaContainer;
}

function env(container: OllamaContainer, name: string): EnvVar | undefined {
  return container.env?.find((entry) => entry.name === name);
}

function configMapData(objects: K8sObject[], prefix: string): Record<string, string> {
  const found = objects.find(
    (object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith(`${prefix}-`),
  );
  if (!found) {
    throw new Error(`ConfigMap ${prefix} not rendered`);
  }
  return found.data as Record<string, string>;
}

describe.each(DEPLOYABLE_PATHS)('Ollama tier: %s', (path) => {
  const objects = render(path);
  const gateway = gatewayConfigMap(objects);
  const ollama = ollamaContainer(objects);

  it('runs as many threads as its CPU limit allows: the gateway sends num_thread from that limit', () => {
    const limit = ollama.resources?.limits?.cpu;
    expect(limit).toBeDefined();
    expect(gateway.OLLAMA_NUM_THREAD).toBe(String(wholeCpus(limit ?? '')));
    // The start-up load uses the same count (a different one would make Ollama reload the model),
    // read from the container's own limit by the downward API.
    expect(env(ollama, 'NUM_THREAD')?.valueFrom?.resourceFieldRef).toEqual({
      containerName: 'ollama',
      resource: 'limits.cpu',
      divisor: '1',
    });
  });

  it('runs every request with one context length: the gateway num_ctx equals OLLAMA_CONTEXT_LENGTH', () => {
    expect(Number(gateway.MODEL_CONTEXT_LENGTH)).toBeGreaterThan(0);
    expect(env(ollama, 'OLLAMA_CONTEXT_LENGTH')?.value).toBe(gateway.MODEL_CONTEXT_LENGTH);
  });

  it('pulls and preloads the model the gateway serves, named in a ConfigMap of its own', () => {
    const model = configMapData(objects, 'ollama-model');
    expect(model.MODEL_NAME).toBe(gateway.MODEL_NAME);
    const refs = allContainers(ollamaPod(objects)).map(
      (container) =>
        (container as OllamaContainer).env?.find((entry) => entry.name === 'MODEL_NAME')?.valueFrom,
    );
    for (const ref of refs) {
      expect(ref?.configMapKeyRef?.name).toMatch(/^ollama-model-/);
    }
    expect(ollama.lifecycle?.postStart?.exec?.command).toEqual(['/bin/bash', '/scripts/warm-model.sh']);
  });

  it('drains before Ollama stops: preStop within a grace period sized for it', () => {
    const spec = ollamaPod(objects);
    expect(ollama.lifecycle?.preStop?.exec?.command).toEqual(['/bin/bash', '/scripts/drain-ollama.sh']);
    // drain-ollama.sh defaults: 15 s for DNS discovery + at most the gateway's drain, + Ollama's exit.
    const discoveryWait = 15;
    const drain = Number(gateway.DRAIN_TIMEOUT_MS) / 1000;
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(discoveryWait + drain + 10);
    // The preStop's discovery wait covers the gateways' re-resolution interval.
    if (gateway.OLLAMA_DISCOVERY_INTERVAL_MS !== undefined) {
      expect(Number(gateway.OLLAMA_DISCOVERY_INTERVAL_MS) / 1000).toBeLessThanOrEqual(discoveryWait / 2);
    }
  });

  it('sizes the gateway grace period from its drain, so open streams are never cut by SIGKILL', () => {
    const spec = podTemplate(find(objects, 'Deployment', 'llm-api')).spec;
    const drain = Number(gateway.DRAIN_TIMEOUT_MS) / 1000;
    // The drain covers the longest wait for a first token, so an admitted request gets its answer started.
    expect(drain).toBeGreaterThanOrEqual(Number(gateway.FIRST_TOKEN_TIMEOUT_MS) / 1000);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(5 + drain + 10);
  });

  it('spreads its pods over nodes and zones, and scales them independently of each other', () => {
    const statefulSet = find(objects, 'StatefulSet', 'ollama').spec as {
      podManagementPolicy?: string;
      persistentVolumeClaimRetentionPolicy?: unknown;
    };
    expect(statefulSet.podManagementPolicy).toBe('Parallel');
    expect(statefulSet.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: 'Retain',
      whenScaled: 'Retain',
    });
    const spread = (ollamaPod(objects).topologySpreadConstraints ?? []) as {
      topologyKey: string;
      labelSelector: { matchLabels: Record<string, string> };
    }[];
    expect(spread.map((constraint) => constraint.topologyKey)).toEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
    for (const constraint of spread) {
      expect(constraint.labelSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'ollama' });
    }
  });

  it('does not change when only the gateway configuration changes (no Ollama restart)', () => {
    const changed = renderKustomization(
      path,
      () =>
        'configMapGenerator:\n  - name: llm-api-config\n    behavior: merge\n    literals:\n' +
        '      - LOG_LEVEL=warn\n      - MAX_QUEUE=7\n      - BREAKER_COOLDOWN_MS=12345\n',
    );
    // The change took effect: the gateway's ConfigMap (and so its Deployment) did change.
    expect(gatewayConfigMap(changed).LOG_LEVEL).toBe('warn');
    expect(stringify(find(changed, 'Deployment', 'llm-api'))).not.toBe(
      stringify(find(objects, 'Deployment', 'llm-api')),
    );
    expect(stringify(find(changed, 'StatefulSet', 'ollama'))).toBe(
      stringify(find(objects, 'StatefulSet', 'ollama')),
    );
  });
});

describe.each(['deploy/overlays/prod', 'deploy/overlays/prod-gpu'])('Ollama tier HA: %s', (path) => {
  const objects = render(path);

  it('keeps all but one model server up through node drains and upgrades', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'ollama').spec as {
      maxUnavailable?: number;
      selector: { matchLabels: Record<string, string> };
    };
    expect(pdb.maxUnavailable).toBe(1);
    expect(podTemplate(find(objects, 'StatefulSet', 'ollama')).metadata.labels).toMatchObject(
      pdb.selector.matchLabels,
    );
    expect(
      (find(objects, 'StatefulSet', 'ollama').spec as { replicas?: number }).replicas,
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('large-model component (prod-gpu)', () => {
  const cpu = render('deploy/overlays/prod');
  const gpu = render('deploy/overlays/prod-gpu');

  it('sets model, volume, memory and context length together', () => {
    const gateway = gatewayConfigMap(gpu);
    expect(gateway.MODEL_NAME).not.toBe(gatewayConfigMap(cpu).MODEL_NAME);
    expect(configMapData(gpu, 'ollama-model').MODEL_NAME).toBe(gateway.MODEL_NAME);
    expect(env(ollamaContainer(gpu), 'OLLAMA_CONTEXT_LENGTH')?.value).toBe(gateway.MODEL_CONTEXT_LENGTH);
    expect(Number(gateway.MODEL_CONTEXT_LENGTH)).toBeGreaterThan(
      Number(gatewayConfigMap(cpu).MODEL_CONTEXT_LENGTH),
    );
    const storage = (objects: K8sObject[]): string =>
      (
        find(objects, 'StatefulSet', 'ollama').spec as {
          volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[];
        }
      ).volumeClaimTemplates[0].spec.resources.requests.storage;
    expect(parseInt(storage(gpu), 10)).toBeGreaterThan(parseInt(storage(cpu), 10));
    expect(parseInt(ollamaContainer(gpu).resources?.limits?.memory ?? '', 10)).toBeGreaterThan(
      parseInt(ollamaContainer(cpu).resources?.limits?.memory ?? '', 10),
    );
  });
});
