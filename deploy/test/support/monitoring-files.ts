import { parse } from 'yaml';

import { readRepoFile } from './render';

interface Rule {
  alert?: string;
  expr: string;
}

interface Dashboard {
  templating: { list: { name: string; type: string; query?: unknown; definition?: string }[] };
  panels: { id: number; title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
}

export const rulesFile = parse(readRepoFile('deploy/monitoring/alerts.rules.yml')) as {
  groups: { name: string; rules: Rule[] }[];
};
export const dashboard = JSON.parse(readRepoFile('deploy/monitoring/grafana-dashboard.json')) as Dashboard;

export function ruleExpressions(): string[] {
  return rulesFile.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

export function dashboardExpressions(): string[] {
  const variables = dashboard.templating.list.flatMap((variable) =>
    variable.definition === undefined ? [] : [variable.definition],
  );
  return [...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)), ...variables];
}
