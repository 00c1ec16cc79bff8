import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { ACK_DEADLINE_MS } from './load.js';

/** The result table: every figure next to the floor's, a target and whether it is met. */

export type Met = 'yes' | 'NO' | 'n/a' | '';

export interface Row {
  readonly figure: string;
  readonly bot: string;
  readonly floor: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: Met;
}

export function row(figure: string, bot: string, floor = '—', ratio = '', target = '', met: Met = ''): Row {
  return { figure, bot, floor, ratio, target, met };
}

export function ms(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return `>${ACK_DEADLINE_MS / 1000} s`;
  if (value < 10) return `${value.toFixed(1)} ms`;
  if (value < 1000) return `${value.toFixed(0)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : '—';
}

export function ratio(bot: number, floor: number): number {
  return bot / floor;
}

export function times(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return '∞';
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)}×`;
}

/** bot ÷ floor; a side that was not acknowledged within 3 s is Infinity. */
export function versus(bot: number, floor: number): string {
  if (Number.isFinite(bot) && Number.isFinite(floor)) return times(bot / floor);
  if (Number.isNaN(bot) || Number.isNaN(floor)) return '—';
  if (Number.isFinite(bot)) return '< 1×';
  return Number.isFinite(floor) ? '∞' : '—';
}

/** Whether bot ≤ k × floor; n/a when neither made Discord's deadline (nothing to compare). */
export function within(bot: number, floor: number, k: number): Met {
  if (Number.isFinite(floor)) return met(bot <= k * floor);
  if (Number.isNaN(floor)) return 'NO';
  return Number.isFinite(bot) ? 'yes' : 'n/a';
}

export function met(ok: boolean): Met {
  return ok ? 'yes' : 'NO';
}

const HEADERS = ['figure', 'bot', 'floor', 'bot/floor', 'target', 'met?'] as const;

function cells(r: Row): string[] {
  return [r.figure, r.bot, r.floor, r.ratio, r.target, r.met];
}

export function textTable(rows: readonly Row[]): string {
  return textGrid(HEADERS, rows.map(cells));
}

export function markdownTable(rows: readonly Row[]): string {
  return markdownGrid(HEADERS, rows.map(cells));
}

export function textGrid(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((c) => (c[i] ?? '').length)));
  return all
    .map((c, n) => {
      const line = c
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd();
      return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export function markdownGrid(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const line = (c: readonly string[]) => `| ${c.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly date: string;
  readonly revision: string;
}

export function machine(root: string): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: os.cpus() it is.
  }
  return {
    cpu,
    cores: cpus().length,
    node: process.version,
    date: new Date().toISOString(),
    revision: process.env.BENCH_REVISION || revision(root),
  };
}

function revision(root: string): string {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const dirty = git(['status', '--porcelain', '--', 'src', 'commands', 'content']) !== '';
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' with uncommitted changes in src/, commands/ or content/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
