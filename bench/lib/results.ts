import type { Spread } from './stats';

/** A figure of the report: a ratio against a comparator of the same run, or a plain value where none exists. */
export interface Figure {
  /** Stable id used by the targets ("s1.throughput.pg"...). */
  readonly id: string;
  readonly label: string;
  /** "ratio" (×, higher is better unless said), or a unit for plain values ("ms", "MiB", "s"). */
  readonly unit: string;
  readonly spread: Spread;
  /** What the figure is compared with, e.g. "seed design (c)". */
  readonly comparator?: string;
  /** Plain medians of both sides, for context (e.g. { ours: 812, seed: 95, unit: "seats/s" }). */
  readonly context?: string;
}

export interface Check {
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly figures: Figure[];
  readonly checks: Check[];
  readonly notes: string[];
  /** Per-round raw data (kept in latest.json in compact form and in raw/ in full). */
  readonly rounds: unknown[];
  readonly skipped?: string;
  /** Markdown table rows of per-target medians for the report, already formatted. */
  readonly table?: { header: string[]; rows: string[][] };
}

export function skipped(id: string, title: string, reason: string): ScenarioResult {
  return { id, title, figures: [], checks: [], notes: [], rounds: [], skipped: reason };
}
