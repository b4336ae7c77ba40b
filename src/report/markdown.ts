// The Markdown entry points: the PR comment (collapsed) and the job summary (the same report with every section open).

import type { Report } from '../model/report.js';
import { DEFAULT_MAX_CHARS, renderComment, type CommentOptions } from './comment.js';

export { CHART_MAX_POINTS, CHART_LINE_COLOR, memoryChart } from './chart.js';
export { DEFAULT_MAX_CHARS, excerptLines, LOG_EXCERPT_LINES, renderComment, type CommentOptions } from './comment.js';
export { LOG_LINE_CAP } from './fit.js';
export { describeRecovery, describeStop, describeTrend, describeViolation, headline, type TextStyle } from './sentences.js';

export type MarkdownOptions = Omit<CommentOptions, 'expanded'>;

/**
 * The job summary: the comment's layout with every section open, so a reader who came to the run page sees it
 * all. Kept under `maxChars` (default 65,000) the same way as the comment.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  return renderComment(report, { ...options, maxChars: options.maxChars ?? DEFAULT_MAX_CHARS, expanded: true });
}
