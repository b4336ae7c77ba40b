// The pure parts of the evidence sources and of what the report says of them: the Prometheus text parser and the
// gauges it keeps, jcmd's class histogram, the Python census's answers, the sum over processes, the coverage of the
// processes that held connections, and which figure judges the memory trend.

import { describe, expect, it } from 'vitest';
import { coverage, judgeMemory, sumBoundaries, whereSuspectsGrew, type ServingProcess } from '../src/analysis/evidence-judge.js';
import { DIFF_DEFAULTS, JVM_STORAGE_KINDS, diffEvidence } from '../src/analysis/evidence-diff.js';
import type { Boundary, ClassCount, Evidence, EvidenceProcess } from '../src/model/evidence.js';
import { javaClassName, javaKind, parseClassHistogram } from '../src/probe/jvm-histogram.js';
import { gaugeCounts, metricsUrlFor } from '../src/probe/metrics-source.js';
import { MetricsFormatError, parseMetrics, seriesKey } from '../src/probe/prometheus-text.js';
import { censusPythonPath, isPythonExecutable, parseCensusAnswer } from '../src/probe/python-census.js';

const GO_PAGE = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 12
# HELP go_memstats_heap_objects Number of allocated objects.
# TYPE go_memstats_heap_objects gauge
go_memstats_heap_objects 41235
# TYPE go_memstats_heap_inuse_bytes gauge
go_memstats_heap_inuse_bytes 4.456448e+06
# TYPE process_start_time_seconds gauge
process_start_time_seconds 1.76e+09
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0.5"} 3.2e-05
go_gc_duration_seconds_sum 0.0001
go_gc_duration_seconds_count 3
# TYPE promhttp_metric_handler_requests_total counter
promhttp_metric_handler_requests_total{code="200"} 4
# TYPE app_sessions gauge
app_sessions{room="a b",kind="ws"} 3
app_sessions{kind="ws",room="c\\"d"} NaN
`;

describe('the Prometheus text format', () => {
  it('reads samples with labels, escapes, exponents and NaN, and the declared types', () => {
    const page = parseMetrics(GO_PAGE);
    expect(page.types.get('go_goroutines')).toBe('gauge');
    expect(page.types.get('go_gc_duration_seconds')).toBe('summary');
    expect(page.samples.find((s) => s.name === 'go_memstats_heap_inuse_bytes')!.value).toBe(4_456_448);
    const [a, b] = page.samples.filter((s) => s.name === 'app_sessions');
    expect(a!.labels).toEqual({ room: 'a b', kind: 'ws' });
    expect(b!.labels.room).toBe('c"d');
    expect(b!.value).toBeNaN();
    // One key per series whatever the order of the labels on the page.
    expect(seriesKey(a!)).toBe('app_sessions{kind="ws",room="a b"}');
  });

  it('refuses a malformed line, naming it', () => {
    expect(() => parseMetrics('# TYPE x gauge\nx{a="1" 2\n')).toThrow(MetricsFormatError);
    expect(() => parseMetrics('x 1\ny two\n')).toThrow(/line 2: the value is not a number/);
    expect(() => parseMetrics('<html>\n')).toThrow(/line 1/);
    expect(parseMetrics('x 1 1700000000000\n# EOF\n').samples).toEqual([{ name: 'x', labels: {}, value: 1 }]);
  });

  it('keeps the gauges that count: bytes as bytes, times, garbage, counters and summaries left out', () => {
    const counts = gaugeCounts(parseMetrics(GO_PAGE));
    expect(counts).toEqual([
      { kind: 'gauge', name: 'go_goroutines', count: 12, bytes: 0 },
      { kind: 'gauge', name: 'go_memstats_heap_inuse_bytes', count: 0, bytes: 4_456_448 },
      { kind: 'gauge', name: 'app_sessions{kind="ws",room="a b"}', count: 3, bytes: 0 },
    ]);
    expect(gaugeCounts(parseMetrics(GO_PAGE), ['go_goroutines', 'app_sessions{kind="ws",room="a b"}']).map((c) => c.name)).toEqual([
      'go_memstats_heap_inuse_bytes',
    ]);
  });

  it("reads a path on the server's own host and port, https for wss", () => {
    expect(metricsUrlFor('/metrics', 'ws://127.0.0.1:41234/chat')).toBe('http://127.0.0.1:41234/metrics');
    expect(metricsUrlFor('/m?x=1', 'wss://[::1]:8443/')).toBe('https://[::1]:8443/m?x=1');
    expect(metricsUrlFor('http://10.0.0.1:9100/metrics', 'ws://127.0.0.1:1/')).toBe('http://10.0.0.1:9100/metrics');
  });
});

describe("jcmd's class histogram", () => {
  const TEXT = `12345:
 num     #instances         #bytes  class name (module)
-------------------------------------------------------
   1:          5000         400000  [B (java.base@17.0.13)
   2:          3000          72000  java.lang.String (java.base@17.0.13)
   3:            65           1560  NettyWsServer$Session
   4:            10            480  [Ljava.lang.Object; (java.base@17.0.13)
Total          8075         474040
`;

  it('reads instances and bytes per class, arrays in Java spelling, and the total', () => {
    const { classes, totalBytes } = parseClassHistogram(TEXT);
    expect(totalBytes).toBe(474_040);
    expect(classes).toEqual([
      { kind: 'array', name: 'byte[]', count: 5000, bytes: 400_000 },
      { kind: 'jdk', name: 'java.lang.String', count: 3000, bytes: 72_000 },
      { kind: 'object', name: 'NettyWsServer$Session', count: 65, bytes: 1560 },
      { kind: 'array', name: 'java.lang.Object[]', count: 10, bytes: 480 },
    ]);
    expect(javaClassName('[[I')).toBe('int[][]');
    expect(javaKind('io.netty.channel.DefaultChannelPipeline')).toBe('object');
  });

  it("lists the JDK's own classes and arrays by growth, never as suspects: a clean Netty server keeps 1.2 Strings a connection", () => {
    const boundaries = [0, 35, 50, 65].map((connections, i) => ({
      summary: { label: `b${i}`, connections, totalBytes: 1000, processes: 1, takeMs: 1, readMs: 1 },
      classes: [
        { kind: 'jdk', name: 'java.lang.String', count: 1000 + Math.round(connections * 1.25), bytes: 24_000 },
        { kind: 'array', name: 'byte[]', count: 900 + Math.round(connections * 1.15), bytes: 24_000 },
        { kind: 'object', name: 'Session', count: i === 0 ? 0 : connections, bytes: 24 * connections },
      ],
    }));
    const options = { ...DIFF_DEFAULTS, neverSuspects: JVM_STORAGE_KINDS };
    const evidence = diffEvidence('class-histogram', boundaries, options);
    expect(evidence.suspects.map((r) => r.name)).toEqual(['Session']);
    expect(evidence.topGrowth.map((r) => r.name)).toContain('java.lang.String');
  });

  it('says what jcmd said when there is no table', () => {
    expect(() =>
      parseClassHistogram('12345:\nCommand executed successfully\ncom.sun.tools.attach.AttachNotSupportedException: no'),
    ).toThrow(/no class histogram: .*AttachNotSupportedException/);
  });
});

describe('the Python census', () => {
  it('puts its directory first on PYTHONPATH, the user entries kept after it', () => {
    expect(censusPythonPath('/tmp/c', undefined)).toBe('/tmp/c');
    expect(censusPythonPath('/tmp/c', 'src:lib')).toBe('/tmp/c:src:lib');
    for (const exe of ['python3', 'python3.11', 'python', 'pypy3', 'python3.12d']) expect(isPythonExecutable(exe), exe).toBe(true);
    for (const exe of ['node', 'uvicorn', 'gunicorn', 'java']) expect(isPythonExecutable(exe), exe).toBe(false);
  });

  it('reads an answer of counts or of paths, and refuses any other shape', () => {
    expect(
      parseCensusAnswer('{"classes":[["object","__main__.Session",65,3640],["builtin","builtins.bytes",65,1333645]],"ms":80}', 7),
    ).toEqual({
      classes: [
        { kind: 'object', name: '__main__.Session', count: 65, bytes: 3640 },
        { kind: 'builtin', name: 'builtins.bytes', count: 65, bytes: 1_333_645 },
      ],
      ms: 80,
    });
    const paths = parseCensusAnswer(
      '{"paths":{"a.B":[{"edge":"","kind":"hidden","node":"module a"},{"edge":"reg","kind":"property","node":"a.B"}],"c.D":null}}',
      7,
    );
    expect(paths.paths).toEqual({
      'a.B': [
        { edge: '', kind: 'hidden', node: 'module a' },
        { edge: 'reg', kind: 'property', node: 'a.B' },
      ],
      'c.D': null,
    });
    for (const bad of [
      'not json',
      '{"classes":[["evil","x",1,1]]}',
      '{"classes":[["object","x","1",1]]}',
      '{"paths":{"x":[{"edge":1}]}}',
      '[]',
    ]) {
      expect(() => parseCensusAnswer(bad, 7), bad).toThrow(/pid 7/);
    }
  });
});

const cls = (name: string, count: number, bytes = count * 10): ClassCount => ({ kind: 'object', name, count, bytes });
const reading = (pid: number | null, classes: ClassCount[]) => ({
  pid,
  classes,
  totalBytes: classes.reduce((s, c) => s + c.bytes, 0),
  takeMs: 100,
  readMs: 10,
});

/** A primary (1) that stays clean and two workers (2, 3) that each keep half the connections' Presence. */
function clusterBoundaries(): Boundary[] {
  return [0, 35, 50, 65].map((connections, i) => ({
    label: `b${i}`,
    connections,
    readings: [
      reading(1, [cls('Object', 1000)]),
      reading(2, [cls('Object', 1000), cls('Presence', Math.floor(connections / 2))]),
      reading(3, [cls('Object', 1000), cls('Presence', Math.ceil(connections / 2))]),
    ],
  }));
}

describe('the sum over the processes that served', () => {
  it('sums counts and totals per class over the processes summed', () => {
    const summed = sumBoundaries(clusterBoundaries(), null);
    expect(summed.at(-1)!.classes.find((c) => c.name === 'Presence')!.count).toBe(65);
    expect(summed.at(-1)!.summary).toMatchObject({ processes: 3, connections: 65, totalBytes: 3000 * 10 + 650 });
    // The primary alone, as the gate read a cluster before: nothing grows.
    const primaryOnly = diffEvidence('heap-snapshots', sumBoundaries(clusterBoundaries(), new Set([1])));
    expect(primaryOnly.suspects).toEqual([]);
    const all = diffEvidence('heap-snapshots', sumBoundaries(clusterBoundaries(), null));
    expect(all.suspects.map((s) => s.name)).toEqual(['Presence']);
    // Its path is looked for in the worker where it grew most.
    expect([...whereSuspectsGrew(clusterBoundaries(), all.suspects).keys()]).toEqual([3]);
  });

  it('has no total when a process has none (a metrics page)', () => {
    const page: Boundary[] = [
      { label: 'b', connections: 0, readings: [{ ...reading(null, [cls('go_goroutines', 3)]), totalBytes: null }] },
    ];
    expect(sumBoundaries(page, null)[0]!.summary.totalBytes).toBeNull();
  });
});

describe('coverage and the memory judge', () => {
  const proc = (pid: number, read: boolean): EvidenceProcess => ({ pid, exe: 'node', read, heldConnections: false });
  const serving = (pid: number, held: boolean, exe = 'node'): ServingProcess => ({ pid, exe, heldConnections: held });

  it('covers when every process that held connections was read; sums only the processes that served', () => {
    const c = coverage(
      [proc(1, true), proc(2, true), proc(3, true), proc(9, true)],
      [serving(1, false), serving(2, true), serving(3, true)],
    );
    expect(c).toMatchObject({ covers: true, missing: [] });
    expect([...c.sum!]).toEqual([1, 2, 3]);
    expect(c.processes.map((p) => p.heldConnections)).toEqual([false, true, true, false]);
    const partial = coverage([proc(1, true)], [serving(1, false), serving(2, true), serving(3, true)]);
    expect(partial.covers).toBe(false);
    expect(partial.missing.map((m) => m.pid)).toEqual([2, 3]);
    expect(coverage([proc(1, true)], []).covers).toBe(false);
  });

  const measured = (over: Partial<Evidence>): Evidence => ({
    ...diffEvidence('heap-snapshots', sumBoundaries(clusterBoundaries(), null)),
    processes: [1, 2, 3].map((pid) => ({ ...proc(pid, true), heldConnections: pid !== 1 })),
    coversConnections: true,
    ...over,
  });
  const context = {
    serving: [serving(1, false), serving(2, true), serving(3, true)],
    launched: true,
    heapEnabled: true,
    metricsSet: false,
  };

  it('judges by the heap that covers every process that held connections', () => {
    expect(judgeMemory([measured({})], context)).toMatchObject({
      by: 'heap-snapshots',
      processes: 3,
      why: 'heap snapshots of 3 processes after a full GC, among them every one that held connections (pid 2, 3)',
      better: null,
    });
  });

  it('falls back to RSS, naming the processes left out and how to read them', () => {
    const partial = measured({ coversConnections: false, processes: [proc(1, true), proc(2, false), proc(3, false)] });
    const judge = judgeMemory([partial], context);
    expect(judge.by).toBe('rss');
    expect(judge.why).toMatch(/read pid 1, but pid 2 \(node\), pid 3 \(node\) held connections too/);
    expect(judge.better).toMatch(/heap-snapshots: auto/);
    const go = judgeMemory([], { ...context, serving: [serving(5, true, 'chat')] });
    expect(go).toMatchObject({ by: 'rss', why: 'the processes that served run chat: no heap evidence for that runtime' });
    expect(go.better).toMatch(/metrics-url/);
    const python = judgeMemory([], { ...context, launched: false, serving: [serving(5, true, 'python3.11')] });
    expect(python.why).toMatch(/^attach mode/);
    expect(python.better).toMatch(/start the Python server with server-command/);
    expect(judgeMemory([], { ...context, heapEnabled: false }).why).toBe('heap-snapshots is off');
    // Metrics never judge the trend: no full GC before they are read.
    expect(judgeMemory([{ ...measured({}), source: 'metrics', coversConnections: false }], context).by).toBe('rss');
  });
});
