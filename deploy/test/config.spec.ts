import { acceptedEnvKeys, loadConfig } from '@gateway/config';

import { DEPLOYABLE_PATHS, gatewayConfigMap, render, type K8sObject } from './support/render';
import { podTemplate } from './support/workloads';

describe.each(DEPLOYABLE_PATHS)('gateway ConfigMap: %s', (path) => {
  const objects = render(path);
  const data = gatewayConfigMap(objects);

  it('uses only variable names the config library accepts', () => {
    const accepted = new Set(acceptedEnvKeys());
    expect(Object.keys(data).filter((key) => !accepted.has(key))).toEqual([]);
  });

  it('passes the config library validation, with the Ollama backend chosen explicitly', () => {
    const config = loadConfig({ ...data });
    expect(config.server.nodeEnv).toBe('production');
    expect(config.inference.backend).toBe('ollama');
    expect(config.inference.backendDefaulted).toBe(false);
    expect(config.server.port).toBe(8080);
  });

  it('points the gateway at the Ollama Service and drains within the grace period', () => {
    expect(data.OLLAMA_HOST).toBe('http://ollama:11434');
    const spec = podTemplate(
      objects.find(
        (object) => object.kind === 'Deployment' && object.metadata.name === 'llm-api',
      ) as K8sObject,
    ).spec;
    const preStopSeconds = 5;
    expect(Number(data.DRAIN_TIMEOUT_MS) / 1000 + preStopSeconds).toBeLessThan(
      spec.terminationGracePeriodSeconds ?? 30,
    );
  });
});
