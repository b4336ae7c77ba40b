// The layers of src/, as rules that fail `npm run lint`: each part of src/ imports only what its row of LAYERS
// names (besides itself), so imports point down, to the model. CONTRIBUTING.md's diagram is this table, and a test
// (__tests__/layers.unit.test.ts) holds the two equal.

/**
 * Bottom up: a folder of src/ (or a file, `net/spec.ts`) and what it may import. A name in `imports` is a folder
 * of src/, or one file of it where the rest of its folder is out of bounds.
 */
const LAYERS = [
  {
    layer: 'model',
    imports: [],
    why: 'The Report and its parts, the check registry, units, formatting and the clock: every layer imports it.',
  },
  {
    layer: 'client',
    imports: ['model'],
    why: 'A connection knows nothing of the run around it, nor of the configuration (its Target says all).',
  },
  { layer: 'net', imports: ['client', 'model'], why: 'The fault proxy is a pipe in front of a Target: no run, no configuration.' },
  {
    layer: 'server',
    imports: ['client', 'model'],
    why: 'Processes and ports, and the handshake that says a server is ready: no measurement, no scenario.',
  },
  {
    layer: 'config',
    imports: ['net/spec.ts', 'model'],
    why: "Config is parsed before anything runs: it knows the model, and the network input's grammar (pure), nothing that runs.",
  },
  { layer: 'analysis', imports: ['config', 'model'], why: 'Analysis is pure: it never touches processes, sockets or renderers.' },
  { layer: 'report', imports: ['model'], why: 'Renderers turn a Report into text and nothing else.' },
  { layer: 'probe', imports: ['analysis', 'server', 'config', 'model'], why: 'Probes read the server; they do not drive it.' },
  {
    layer: 'scenarios',
    imports: ['analysis', 'net', 'client', 'config', 'model'],
    why: 'A scenario drives connections and the proxy, and is driven by a phase.',
  },
  {
    layer: 'phases',
    imports: ['scenarios', 'probe', 'analysis', 'server', 'net', 'client', 'config', 'model'],
    why: 'Phases are listed by the runner; they do not know it, nor any renderer.',
  },
  {
    layer: 'run',
    imports: [
      'phases',
      'scenarios',
      'probe',
      'analysis',
      'server',
      'net',
      'client',
      'config',
      'report/json.ts',
      'report/validate.ts',
      'model',
      'version.ts',
    ],
    why: 'The engine produces a Report; rendering and posting it belong to the entries (reading a base report is allowed).',
  },
  { layer: 'comment', imports: ['report', 'config', 'model', 'version.ts'], why: 'The PR comment posts a rendered report.' },
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A folder name matches everything in it; a name with an extension, that file. */
const pathOf = (name) => `^src/${escape(name)}${/\.ts$/.test(name) ? '$' : '/'}`;

const layerRules = LAYERS.map(({ layer, imports, why }) => ({
  name: `${layer}-imports-${imports.length === 0 ? 'nothing' : 'only-its-row'}`,
  comment: `${why} ${layer} may import: ${imports.join(', ') || 'nothing of ours'}.`,
  severity: 'error',
  from: { path: pathOf(layer) },
  to: { path: '^src/', pathNot: [layer, ...imports].map(pathOf).join('|') },
}));

const ENTRIES = '^src/(main|cli|bin|index)\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'A cycle makes two modules one: untangle it.', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'every-file-has-a-layer',
      comment: 'A new folder of src/ gets a row in LAYERS (and in CONTRIBUTING.md) before its first file.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: LAYERS.map(({ layer }) => pathOf(layer)).join('|') },
      to: {},
    },
    ...layerRules,
    {
      name: 'entries-are-not-imported',
      comment: 'main.ts, cli.ts, bin.ts and index.ts are faces: only bin and index import the face they start.',
      severity: 'error',
      from: { pathNot: '^src/(bin|index)\\.ts$|^__tests__/|^bench/' },
      to: { path: ENTRIES },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

// For the test that holds CONTRIBUTING.md to this table; not enumerable, as dependency-cruiser's schema allows no
// other key.
Object.defineProperty(module.exports, 'layers', { value: LAYERS });
