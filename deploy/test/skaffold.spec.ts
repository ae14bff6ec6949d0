import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { find, readRepoFile, render, REPO_ROOT } from './support/render';

interface JsonPatch {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

interface SkaffoldBuild {
  artifacts: { image: string; context?: string; docker?: { dockerfile: string } }[];
  platforms?: string[];
}

interface SkaffoldConfig {
  apiVersion: string;
  kind: string;
  manifests: { kustomize: { paths: string[] } };
  build: SkaffoldBuild;
  deploy: {
    kubeContext?: string;
    kubectl?: { hooks?: { before?: { host?: { command: string[]; os?: string[] } }[] } };
  };
  portForward: {
    resourceType: string;
    resourceName: string;
    namespace: string;
    port: number;
    localPort: number;
  }[];
  profiles: {
    name: string;
    patches?: JsonPatch[];
    manifests?: { kustomize: { paths: string[] } };
    deploy?: SkaffoldConfig['deploy'];
  }[];
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
  if (profile.deploy) {
    config.deploy = profile.deploy;
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

/** Secrets an overlay may render because they come from committed, non-secret files (dev only). */
const REPRODUCIBLE_SECRETS = new Map([['deploy/overlays/dev', ['llm-api-keys']]]);

describe('what a skaffold teardown deletes', () => {
  // `skaffold delete`, and the end of `skaffold dev`, delete exactly the objects the profile's
  // manifests render: whatever must survive a teardown must not be among them.
  it.each([
    ['(default)', skaffold],
    ['dev', withProfile('dev')],
    ['prod', withProfile('prod')],
    ['gpu', withProfile('gpu')],
  ])('profile %s deletes workloads only: no Namespace, volume or hand-made Secret', (_name, config) => {
    for (const path of config.manifests.kustomize.paths) {
      const objects = render(path);
      expect(
        objects.filter((object) =>
          ['Namespace', 'PersistentVolumeClaim', 'PersistentVolume'].includes(object.kind),
        ),
      ).toEqual([]);
      const secrets = objects
        .filter((object) => object.kind === 'Secret')
        .map((object) => object.metadata.name);
      expect(secrets).toEqual(REPRODUCIBLE_SECRETS.get(path) ?? []);
      // The model volumes come from volumeClaimTemplates and stay when the StatefulSet goes.
      expect(
        (find(objects, 'StatefulSet', 'ollama').spec as { persistentVolumeClaimRetentionPolicy: unknown })
          .persistentVolumeClaimRetentionPolicy,
      ).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    }
    // The Namespace (and, for prod, the Redis password Secret) come from a hook skaffold does not track.
    const command = config.deploy.kubectl?.hooks?.before?.[0]?.host?.command ?? [];
    expect(command.slice(0, 2)).toEqual(['bash', 'deploy/scripts/prepare-namespace.sh']);
    const usesRedis = config.manifests.kustomize.paths.some((path) =>
      render(path).some((object) => object.kind === 'Deployment' && object.metadata.name === 'llm-redis'),
    );
    expect(command.includes('--with-redis-secret')).toBe(usesRedis);
  });

  it('keeps the Namespace with the restricted Pod Security Standard in deploy/namespace', () => {
    expect(render('deploy/namespace').map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Namespace/llm-serving',
    ]);
  });

  it('builds the production image for amd64 and arm64 nodes', () => {
    for (const name of ['prod', 'gpu']) {
      expect(withProfile(name).build.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    }
  });
});
