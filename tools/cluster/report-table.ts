import type { SimulationReport } from './simulation';

/** Streams cut without a terminal event, other than those the SIGKILLed gateway took with it. */
export function unexplainedCuts(report: SimulationReport): number {
  const cuts = report.phases.reduce((sum, phase) => sum + phase.cut, 0);
  return Math.max(0, cuts - report.lostToKilledGateway);
}

/** The simulation's result as plain-text tables. */
export function formatReport(report: SimulationReport): string {
  const { profile } = report;
  const header = ['phase', 'sent', 'served', 'shed 503', 'error event', 'failed', 'cut'];
  const rows = report.phases.map((p) => [p.phase, p.sent, p.served, p.shed, p.errorEvent, p.failed, p.cut]);
  const total = (key: 'sent' | 'served' | 'shed' | 'errorEvent' | 'failed' | 'cut'): number =>
    report.phases.reduce((sum, phase) => sum + phase[key], 0);
  rows.push([
    'total',
    total('sent'),
    total('served'),
    total('shed'),
    total('errorEvent'),
    total('failed'),
    total('cut'),
  ]);
  const peaks = [...report.peaks].map(([address, peak]) => [
    address,
    peak,
    profile.slots,
    peak > profile.slots ? 'over' : 'ok',
  ]);
  return [
    `${profile.gateways} gateways, ${profile.clients} streaming clients, ${profile.slots} slots per Ollama pod`,
    '',
    table(header, rows),
    '',
    table(['Ollama pod', 'max concurrent', 'slots', ''], peaks),
    '',
    `failed, by status: ${JSON.stringify(failedStatuses(report))}`,
    `503s without Retry-After: ${report.phases.reduce((sum, p) => sum + p.shedWithoutRetryAfter, 0)}`,
    `connections lost with the SIGKILLed gateway: ${report.lostToKilledGateway}`,
    `streams still open on an Ollama pod when its grace ran out: ${report.cutByOllamaStop}`,
    `streams cut without a terminal event (other than by the SIGKILL): ${unexplainedCuts(report)}`,
  ].join('\n');
}

function failedStatuses(report: SimulationReport): Record<string, number> {
  const all: Record<string, number> = {};
  for (const phase of report.phases) {
    for (const [status, count] of Object.entries(phase.failedStatuses)) {
      all[status] = (all[status] ?? 0) + count;
    }
  }
  return all;
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]): string =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
