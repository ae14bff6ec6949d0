import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { acceptedEnvKeys, loadConfig } from '@gateway/config';

import {
  DEPLOY_DIR,
  DEPLOYABLE_PATHS,
  find,
  gatewayConfigMap,
  parseYamlDocuments,
  render,
  type K8sObject,
} from './support/render';
import { podTemplate } from './support/workloads';

/** An overlay plus the otel component, rendered from a throw-away kustomization inside deploy/. */
function renderWithOtel(overlay: string): K8sObject[] {
  const scratch = join(DEPLOY_DIR, '.tmp');
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'otel-'));
  try {
    const kustomization = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      `  - ${relative(dir, join(DEPLOY_DIR, overlay))}`,
      'components:',
      `  - ${relative(dir, join(DEPLOY_DIR, 'components/otel'))}`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    return parseYamlDocuments(
      execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' }),
    ) as K8sObject[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(['overlays/dev', 'overlays/prod'])('the otel component on %s', (overlay) => {
  const objects = renderWithOtel(overlay);
  const data = gatewayConfigMap(objects);

  it('adds only settings the config library accepts, keeping the overlay’s own', () => {
    const accepted = new Set(acceptedEnvKeys());
    expect(Object.keys(data).filter((key) => !accepted.has(key))).toEqual([]);
    expect(data.OLLAMA_HOST).toBe('http://ollama:11434');
  });

  it('turns tracing on towards the collector’s OTLP/HTTP port, without content capture', () => {
    const { tracing } = loadConfig({ ...data }).observability;
    expect(tracing).toMatchObject({
      enabled: true,
      tracesUrl: 'http://otel-collector.observability.svc.cluster.local:4318/v1/traces',
      serviceName: 'llm-gateway',
      resourceAttributes: { 'service.namespace': 'llm-serving' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      captureContent: false,
    });
  });

  it('rolls the gateway: its Deployment reads the merged ConfigMap', () => {
    const configMap = objects.find(
      (object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('llm-api-config-'),
    );
    const spec = podTemplate(find(objects, 'Deployment', 'llm-api')).spec;
    const gateway = spec.containers.find((container) => container.name === 'gateway');
    expect(gateway?.envFrom?.map((source) => source.configMapRef?.name)).toContain(configMap?.metadata.name);
  });
});

describe('without the otel component', () => {
  it.each(DEPLOYABLE_PATHS)('%s keeps tracing off', (path) => {
    expect(loadConfig({ ...gatewayConfigMap(render(path)) }).observability.tracing.enabled).toBe(false);
  });
});
