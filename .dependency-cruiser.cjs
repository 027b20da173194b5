// Layer rules from DESIGN.md, enforced in `npm test` (VS Code style): a violation fails the run.
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-no-runtime',
      comment: 'shared/ is the protocol and domain types: no node:, electron, DOM-only or app code',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(src-main|src-renderer|node_modules/electron)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-never-imports-electron',
      comment: 'the core runs headless and in the browser shell; only src-main/electron may import electron',
      severity: 'error',
      from: { path: '^src-main/core/' },
      to: { path: '^(node_modules/electron/|electron$)|^src-main/(electron|browser-shell)/' },
    },
    {
      name: 'core-no-renderer',
      severity: 'error',
      from: { path: '^src-main/' },
      to: { path: '^src-renderer/' },
    },
    {
      name: 'renderer-no-main',
      comment: 'the renderer talks to the core only through the shared protocol',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/|^node_modules/(electron|werift|sip\\.js)/' },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-shell-no-electron',
      severity: 'error',
      from: { path: '^src-main/browser-shell/' },
      to: { path: '^node_modules/electron/|^src-main/electron/' },
    },
    { name: 'no-circular-shared', severity: 'error', from: { path: '^shared/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)dist/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
