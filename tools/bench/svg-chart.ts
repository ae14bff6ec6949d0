/** A small dependency-free SVG chart: one panel of horizontal bars per metric, one bar per target. */
export interface ChartPanel {
  title: string;
  unit: string;
  /** One value per target (same order as the targets); NaN draws no bar. */
  series: Array<{ label: string; color: string; values: number[] }>;
}

const WIDTH = 380;
const LABEL_WIDTH = 170;
const BAR_HEIGHT = 14;
const ROW_GAP = 10;

export function barChartSvg(title: string, targets: string[], panels: ChartPanel[]): string {
  const rowHeight = (panel: ChartPanel): number => panel.series.length * BAR_HEIGHT + ROW_GAP;
  const panelHeight = (panel: ChartPanel): number => 40 + targets.length * rowHeight(panel) + 10;
  const height = 40 + Math.max(...panels.map(panelHeight));
  const parts: string[] = [];
  panels.forEach((panel, index) => {
    const left = 10 + index * (LABEL_WIDTH + WIDTH + 30);
    parts.push(text(left, 52, panel.title + ` (${panel.unit})`, 13, 'bold'));
    const max = Math.max(...panel.series.flatMap((s) => s.values.filter(Number.isFinite)), 1e-9);
    targets.forEach((target, row) => {
      const top = 64 + row * rowHeight(panel);
      parts.push(text(left, top + BAR_HEIGHT - 2, target, 12));
      panel.series.forEach((series, s) => {
        const value = series.values[row];
        if (!Number.isFinite(value)) {
          return;
        }
        const y = top + s * BAR_HEIGHT;
        const width = Math.max(1, (Math.max(0, value) / max) * (WIDTH - 60));
        parts.push(
          `<rect x="${left + LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${series.color}"/>`,
        );
        parts.push(text(left + LABEL_WIDTH + width + 4, y + BAR_HEIGHT - 3, format(value), 11));
      });
    });
    const legendTop = 64 + targets.length * rowHeight(panel);
    panel.series.forEach((series, s) => {
      const x = left + LABEL_WIDTH + s * 90;
      parts.push(`<rect x="${x}" y="${legendTop}" width="10" height="10" fill="${series.color}"/>`);
      parts.push(text(x + 14, legendTop + 9, series.label, 11));
    });
  });
  const width = panels.length * (LABEL_WIDTH + WIDTH + 30) + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 20}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    text(10, 24, title, 15, 'bold'),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function text(x: number, y: number, content: string, size: number, weight = 'normal'): string {
  const escaped = content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}">${escaped}</text>`;
}
