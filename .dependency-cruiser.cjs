// The layers of src/, as rules that fail `npm test`: imports point down, from the entries to the model.
//   entry (main, cli, bin, index) -> run -> phases -> scenarios -> {client, server, probe, net} -> analysis -> config -> model
//   report (renderers) -> {analysis, config, model}; comment -> report
const layer = (name) => `^src/${name}/`;
const below = (from, forbidden, comment) => ({
  name: `${from}-not-${forbidden.join('-')}`.slice(0, 80),
  comment,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: `^src/(${forbidden.join('|')})/` },
});
const ENTRIES = '^src/(main|cli|bin|index)\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'A cycle makes two modules one: untangle it.', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'model-imports-nothing',
      comment: 'The model (the Report, check ids, units, formatting) is the bottom layer: every layer imports it.',
      severity: 'error',
      from: { path: layer('model') },
      to: { path: '^src/', pathNot: layer('model') },
    },
    {
      name: 'config-imports-only-model',
      comment:
        'Config is parsed before anything runs: it knows the model, and the grammar of the network input that the ' +
        'toxics define (pure), nothing that runs.',
      severity: 'error',
      from: { path: layer('config') },
      to: { path: '^src/', pathNot: `${layer('config')}|${layer('model')}|^src/net/(spec\\.ts|toxics/)` },
    },
    below(
      'analysis',
      ['server', 'probe', 'scenarios', 'client', 'net', 'phases', 'run', 'report', 'comment'],
      'Analysis is pure: it never touches processes, sockets or renderers.',
    ),
    below(
      'client',
      ['config', 'server', 'probe', 'scenarios', 'phases', 'run', 'report', 'comment'],
      'A connection knows nothing of the run around it, nor of the configuration (its Target says what it needs).',
    ),
    below(
      'net',
      ['config', 'server', 'probe', 'scenarios', 'phases', 'run', 'report', 'comment'],
      'The fault proxy is a pipe: it knows sockets only (config reads its grammar, not the other way round).',
    ),
    below('server', ['probe', 'scenarios', 'phases', 'run', 'report', 'comment'], 'Processes and ports: no measurement, no scenario.'),
    below('probe', ['scenarios', 'phases', 'run', 'report', 'comment'], 'Probes read the server; they do not drive it.'),
    below('scenarios', ['phases', 'run', 'report', 'comment'], 'A scenario is driven by a phase, never the other way round.'),
    below('phases', ['run', 'report', 'comment'], 'Phases are listed by the runner; they do not know it.'),
    {
      name: 'run-not-comment-or-renderers',
      comment: 'The engine produces a Report; rendering and posting it belong to the entries (reading a base report is allowed).',
      severity: 'error',
      from: { path: layer('run') },
      to: { path: '^src/(comment)/|^src/report/(?!json\\.ts$|validate\\.ts$)' },
    },
    below(
      'report',
      ['server', 'probe', 'scenarios', 'client', 'net', 'phases', 'run', 'comment'],
      'Renderers turn a Report into text and nothing else.',
    ),
    below('comment', ['server', 'probe', 'scenarios', 'client', 'net', 'phases', 'run'], 'The PR comment posts a rendered report.'),
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
