// A PNG bar chart of the ratios (neurone time / peer time, log scale): one
// group of bars per row, one bar per peer, drawn from the parity line; the
// issue-3 target of a row is marked on the bar it applies to.
import { writeFileSync } from 'node:fs';
import type { Row } from './report.js';
import type { PeerName } from './types.js';

const COLORS: Record<PeerName, string> = { torch: '#d62728', 'tfjs-wasm': '#1f77b4', 'tfjs-cpu': '#2ca02c' };

export async function writeChart(path: string, rows: Row[], peers: readonly PeerName[], subtitle: string): Promise<boolean> {
  let canvasMod: typeof import('@napi-rs/canvas');
  try {
    canvasMod = await import('@napi-rs/canvas');
  } catch {
    return false;
  }
  const barH = 13;
  const groupGap = 12;
  const groupH = peers.length * barH + groupGap;
  const left = 290;
  const right = 70;
  const top = 86;
  const width = 1200;
  const height = top + rows.length * groupH + 60;
  const canvas = canvasMod.createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);

  const all = rows.flatMap((r) => Object.values(r.ratios)).filter((x): x is number => x !== undefined && x > 0);
  const lo = Math.floor(Math.log10(Math.min(0.1, ...all)));
  const hi = Math.ceil(Math.log10(Math.max(10, ...all)));
  const x = (ratio: number) => left + ((Math.log10(ratio) - lo) / (hi - lo)) * (width - left - right);

  g.fillStyle = '#111';
  g.font = 'bold 18px sans-serif';
  g.fillText('neurone time / peer time (log scale; left of 1x: neurone is faster)', 16, 28);
  g.font = '12px sans-serif';
  g.fillStyle = '#555';
  g.fillText(subtitle, 16, 48);
  // Legend.
  let lx = 16;
  for (const p of peers) {
    g.fillStyle = COLORS[p];
    g.fillRect(lx, 60, 14, 12);
    g.fillStyle = '#111';
    g.fillText(`vs ${p}`, lx + 20, 71);
    lx += 130;
  }
  g.fillStyle = '#111';
  g.fillText('| target (issue 3)', lx, 71);

  // Decade grid lines.
  const plotBottom = top + rows.length * groupH;
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e);
    g.strokeStyle = e === 0 ? '#000' : '#ddd';
    g.lineWidth = e === 0 ? 1.5 : 1;
    g.beginPath();
    g.moveTo(gx, top - 6);
    g.lineTo(gx, plotBottom);
    g.stroke();
    g.fillStyle = '#333';
    const label = e >= 0 ? `${10 ** e}x` : `${(10 ** e).toFixed(-e)}x`;
    g.fillText(label, gx - g.measureText(label).width / 2, plotBottom + 16);
  }

  rows.forEach((r, i) => {
    const y0 = top + i * groupH;
    g.fillStyle = Object.keys(r.ratios).length ? '#111' : '#999';
    g.font = '13px sans-serif';
    const label = Object.keys(r.ratios).length ? r.title : `${r.title} (neurone: ${r.cells.neurone?.status ?? '-'})`;
    g.fillText(label.length > 44 ? label.slice(0, 43) + '…' : label, 10, y0 + (peers.length * barH) / 2 + 4);
    g.font = '11px sans-serif';
    peers.forEach((p, j) => {
      const ratio = r.ratios[p];
      const by = y0 + j * barH;
      if (ratio !== undefined && ratio > 0) {
        const x1 = x(1);
        const x2 = x(ratio);
        g.fillStyle = COLORS[p];
        g.fillRect(Math.min(x1, x2), by + 1, Math.max(1, Math.abs(x2 - x1)), barH - 2);
        g.fillStyle = '#222';
        const text = ratio >= 10 ? `${ratio.toFixed(0)}x` : ratio >= 0.1 ? `${ratio.toFixed(2)}x` : `${ratio.toPrecision(2)}x`;
        const tx = x2 >= x1 ? x2 + 4 : x2 - g.measureText(text).width - 4;
        g.fillText(text, tx, by + barH - 3);
      }
      const t = r.target;
      const mark = t && ((t.kind === 'time-vs-torch' && p === 'torch') || (t.kind === 'gflops-vs-wasm' && p === 'tfjs-wasm'))
        ? (t.kind === 'time-vs-torch' ? t.factor : 1 / t.factor)
        : undefined;
      if (mark !== undefined && Object.keys(r.ratios).length > 0) {
        g.fillStyle = '#000';
        g.fillRect(x(mark) - 1, by - 1, 3, barH + 2);
      }
    });
  });
  writeFileSync(path, canvas.toBuffer('image/png'));
  return true;
}
