import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { find, readRepoFile, render, REPO_ROOT } from './support/render';

interface JsonPatch {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

interface SkaffoldConfig {
  apiVersion: string;
  kind: string;
  build: { artifacts: { image: string; context?: string; docker?: { dockerfile: string } }[] };
  manifests: { kustomize: { paths: string[] } };
  deploy: { kubeContext?: string; kubectl?: unknown };
  portForward: {
    resourceType: string;
    resourceName: string;
    namespace: string;
    port: number;
    localPort: number;
  }[];
  profiles: { name: string; patches?: JsonPatch[]; manifests?: { kustomize: { paths: string[] } } }[];
}

const skaffold = parse(readRepoFile('skaffold.yaml')) as SkaffoldConfig;

/** Applies a profile the way skaffold does: JSON patches first, then its own sections. */
function withProfile(name: string): SkaffoldConfig {
  const profile = skaffold.profiles.find((candidate) => candidate.name === name);
  if (!profile) {
    throw new Error(`profile ${name} missing`);
  }
  const config = structuredClone(skaffold);
  for (const patch of profile.patches ?? []) {
    const keys = patch.path.split('/').slice(1);
    const last = keys.pop() as string;
    let parent = config as unknown as Record<string, unknown>;
    for (const key of keys) {
      parent = parent[key] as Record<string, unknown>;
      expect(parent).toBeDefined();
    }
    if (patch.op === 'remove') {
      expect(parent[last]).toBeDefined();
      delete parent[last];
    } else {
      if (patch.op === 'replace') {
        expect(parent[last]).toBeDefined();
      }
      parent[last] = patch.value;
    }
  }
  if (profile.manifests) {
    config.manifests = profile.manifests;
  }
  return config;
}

describe('skaffold.yaml', () => {
  it('uses the current v4 schema and builds the gateway from the Dockerfile', () => {
    expect(skaffold).toMatchObject({ apiVersion: 'skaffold/v4beta13', kind: 'Config' });
    const [artifact] = skaffold.build.artifacts;
    expect(artifact.image).toBe('llm-gateway');
    expect(existsSync(join(REPO_ROOT, artifact.docker?.dockerfile ?? 'Dockerfile'))).toBe(true);
  });

  it('defaults to dev on the minikube context', () => {
    expect(skaffold.deploy.kubeContext).toBe('minikube');
    expect(skaffold.manifests.kustomize.paths).toEqual(['deploy/overlays/dev']);
    expect(withProfile('dev').manifests).toEqual(skaffold.manifests);
  });

  it.each([
    ['(default)', skaffold],
    ['dev', withProfile('dev')],
    ['prod', withProfile('prod')],
    ['gpu', withProfile('gpu')],
  ])('profile %s renders every path it references and forwards to a Service that exists', (_name, config) => {
    expect(config.manifests.kustomize.paths.length).toBeGreaterThan(0);
    const objects = config.manifests.kustomize.paths.flatMap((path) => render(path));
    for (const forward of config.portForward) {
      expect(forward.resourceType.toLowerCase()).toBe('service');
      const service = find(objects, 'Service', forward.resourceName);
      expect(service.metadata.namespace).toBe(forward.namespace);
      const ports = (service.spec as { ports: { port: number }[] }).ports.map((port) => port.port);
      expect(ports).toContain(forward.port);
    }
    expect(config.portForward).toContainEqual(
      expect.objectContaining({ resourceName: 'llm-api-service', port: 8080, localPort: 8080 }),
    );
    // The manifests must reference the artifact by its (possibly patched) name, or skaffold
    // would deploy an image it did not build.
    const images = JSON.stringify(objects);
    expect(images).toContain(`"image":"${config.build.artifacts[0].image}:`);
  });

  it('swaps only kustomize paths and image names in the prod and gpu profiles', () => {
    expect(withProfile('prod').manifests.kustomize.paths).toEqual(['deploy/overlays/prod']);
    expect(withProfile('gpu').manifests.kustomize.paths).toEqual(['deploy/overlays/prod-gpu']);
    expect(withProfile('prod').deploy.kubeContext).toBeUndefined();
  });
});
