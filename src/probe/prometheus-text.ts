// A small strict parser of the Prometheus text exposition format (0.0.4, and OpenMetrics' `# EOF`), keeping what
// the leak evidence reads: each sample's family, labels and value, and each family's declared type (pure).
// The npm parser that exists (parse-prometheus-text-format) was last released in 2018 and accepts malformed
// lines silently; the gauges this gate needs are a few lines of grammar.

/** One sample line. */
export interface MetricSample {
  /** The metric's name as written (`go_goroutines`, `http_requests_total`, `latency_bucket`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A page: its samples in order, and the type each family declared (`gauge`, `counter`, ...). */
export interface MetricsPage {
  samples: MetricSample[];
  types: Map<string, string>;
}

/** A line the format does not allow; the message names the line. */
export class MetricsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsFormatError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'info', 'stateset', 'gaugehistogram']);

/** A sample value: a float, NaN, +Inf or -Inf (Go's and Python's spellings). */
export function parseValue(text: string): number | null {
  if (/^[+-]?(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^(nan|NaN|NAN)$/.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

/** Parses a whole page; throws MetricsFormatError naming the first bad line. */
export function parseMetrics(text: string): MetricsPage {
  const page: MetricsPage = { samples: [], types: new Map() };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const fail = (why: string): never => {
      throw new MetricsFormatError(`line ${i + 1}: ${why}: ${JSON.stringify(line.slice(0, 80))}`);
    };
    if (line.startsWith('#')) {
      const typeLine = /^#\s+TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (typeLine) {
        if (!NAME.test(typeLine[1]!) || !TYPES.has(typeLine[2]!)) fail('a TYPE line needs a metric name and a known type');
        page.types.set(typeLine[1]!, typeLine[2]!);
      }
      continue;
    }
    page.samples.push(parseSample(line, fail));
  }
  return page;
}

function parseSample(line: string, fail: (why: string) => never): MetricSample {
  const name = NAME.exec(line)?.[0] ?? fail('a sample starts with a metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.replace(/^\s+/, '');
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const label = LABEL_NAME.exec(rest)?.[0] ?? fail('a label name was expected');
      rest = rest.slice(label.length).replace(/^\s+/, '');
      if (!rest.startsWith('="')) fail(`label ${label} needs ="…"`);
      const { value, end } = quoted(rest.slice(2), fail);
      labels[label] = value;
      rest = rest.slice(2 + end).replace(/^\s+/, '');
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail('labels are separated by commas and closed by }');
    }
  }
  // Value, an optional timestamp, and OpenMetrics' optional exemplar after `#`.
  const fields = rest.split('#')[0]!.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') fail('a sample needs a value and at most a timestamp');
  const value = parseValue(fields[0]!);
  if (value === null) fail('the value is not a number');
  return { name, labels, value: value! };
}

/** A label value after its opening quote: the unescaped text and the index just past the closing quote. */
function quoted(text: string, fail: (why: string) => never): { value: string; end: number } {
  let value = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const next = text[++i];
      if (next === 'n') value += '\n';
      else if (next === '\\' || next === '"') value += next;
      else fail('a label value escapes only \\\\, \\" and \\n');
    } else value += c;
  }
  return fail('a label value is not closed');
}

/** `name{a="1",b="2"}` with labels sorted: one series' key, the same on every page. */
export function seriesKey(sample: Pick<MetricSample, 'name' | 'labels'>): string {
  const labels = Object.keys(sample.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(sample.labels[k])}`);
  return labels.length === 0 ? sample.name : `${sample.name}{${labels.join(',')}}`;
}
