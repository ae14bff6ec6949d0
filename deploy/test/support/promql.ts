const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'Inf', 'NaN']);

/**
 * Metric names a PromQL expression reads: identifiers that are not functions, keywords,
 * label names (inside {...} or by/without/on/ignoring/group_x(...)), ranges or strings.
 * Also understands Grafana's label_values(metric, label).
 */
export function metricNames(expr: string): string[] {
  const labelValues = [...expr.matchAll(/label_values\(\s*([a-zA-Z_:][\w:]*)/g)].map((match) => match[1]);
  const stripped = expr
    .replace(/label_values\([^)]*\)/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)]
    .filter((match) => match[2] === undefined && !KEYWORDS.has(match[1]))
    .map((match) => match[1]);
  return [...new Set([...labelValues, ...names])].sort();
}

/** Metric families declared by `# TYPE` lines, with their type (present even before a first sample). */
export function exposedFamilies(exposition: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    families.set(match[1], match[2]);
  }
  return families;
}

/** True when `name` is a series of an exposed family (histograms as _bucket/_sum/_count). */
export function isExposed(name: string, families: Map<string, string>): boolean {
  if (families.has(name)) {
    return true;
  }
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
  return histogram !== null && ['histogram', 'summary'].includes(families.get(histogram[1]) ?? '');
}
