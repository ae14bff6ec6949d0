/** Ollama treats an untagged name as `:latest`; compare names in that form. */
export function normaliseModelName(name: string): string {
  const trimmed = name.trim();
  const lastSegment = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? trimmed : `${trimmed}:latest`;
}

export function sameModel(a: string, b: string): boolean {
  return normaliseModelName(a) === normaliseModelName(b);
}
