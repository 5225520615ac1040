import type { Percentiles } from './stats';

/** The figures of docs/contracts.md §Benchmark, for our pipeline and for the reference pipeline alike. */
export const FIGURE_KEYS = [
  'decode_ms',
  'backbone_ms',
  'expert_ms',
  'lmm_first_token_ms',
  'lmm_tokens_per_s',
  'inspect_ms',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

export interface PipelineFigures {
  /** What was measured, in one line (e.g. "PatchCore, torch 1.13 eager CPU, 1 thread"). */
  pipeline: string;
  figures: Record<FigureKey, Percentiles | null>;
  /** Why a figure is null. */
  notes: Partial<Record<FigureKey | 'peak_rss_mb', string>>;
  peak_rss_mb: number | null;
  fit_seconds: number | null;
  bank_rows: number | null;
}
