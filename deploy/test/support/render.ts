import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

/** Every kustomization a developer or a skaffold profile can deploy. */
export const DEPLOYABLE_PATHS = ['deploy/overlays/dev', 'deploy/overlays/prod', 'deploy/overlays/prod-gpu'];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

const cache = new Map<string, K8sObject[]>();

/** Renders a kustomization (path relative to the repo root) with `kubectl kustomize`. */
export function render(path: string): K8sObject[] {
  const cached = cache.get(path);
  if (cached) {
    return cached;
  }
  const yamlText = execFileSync('kubectl', ['kustomize', join(REPO_ROOT, path)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const objects = parseYamlDocuments(yamlText) as K8sObject[];
  cache.set(path, objects);
  return objects;
}

export function parseYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) {
      throw new Error(doc.errors.map((error) => error.message).join('\n'));
    }
    return doc.toJS() as unknown;
  });
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) {
    throw new Error(`${kind}/${name} not rendered`);
  }
  return found;
}

/** The data of the gateway's ConfigMap (its name carries kustomize's content hash). */
export function gatewayConfigMap(objects: K8sObject[]): Record<string, string> {
  const configMap = objects.find(
    (object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('llm-api-config-'),
  );
  if (!configMap) {
    throw new Error('llm-api-config not rendered');
  }
  return configMap.data as Record<string, string>;
}

/**
 * Renders a throw-away kustomization inside deploy/.tmp (kustomize refuses absolute bases): `base`
 * (path relative to the repo root) plus `extra`, the rest of a kustomization.yaml (patches,
 * components, generators), with paths relative to deploy/.
 */
export function renderKustomization(base: string, extra: (toDeploy: string) => string): K8sObject[] {
  const scratch = join(DEPLOY_DIR, '.tmp');
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'variant-'));
  try {
    const toDeploy = relative(dir, DEPLOY_DIR);
    const kustomization = `resources:\n  - ${relative(dir, join(REPO_ROOT, base))}\n${extra(toDeploy)}`;
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    const text = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    return parseYamlDocuments(text) as K8sObject[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An overlay with extra components of deploy/components, as an operator would list them. */
export function renderWithComponents(base: string, components: string[]): K8sObject[] {
  return renderKustomization(
    base,
    (toDeploy) => `components:\n${components.map((name) => `  - ${toDeploy}/components/${name}\n`).join('')}`,
  );
}
