// Builds the bundles: the extension host (Node, CommonJS, `vscode` external), the webview (browser, ESM),
// and the command line (Node, CommonJS; not shipped in the VSIX).
// Usage: node esbuild.js [--production] [--watch]
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Reports build results in the form VS Code's esbuild problem matcher understands. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemMatcher],
};

/**
 * In the extension host html-to-text (plain-text parts) is a bundle of its own, required on first use
 * (src/core/library/text.ts), so activation does not load it.
 */
const lazyHtmlToText = {
  name: 'lazy-html-to-text',
  setup(build) {
    build.onResolve({ filter: /^html-to-text$/ }, () => ({ path: './html-to-text.js', external: true }));
  },
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [...common.plugins, lazyHtmlToText],
  },
  {
    ...common,
    entryPoints: ['src/core/library/html-to-text-bundle.ts'],
    outfile: 'dist/html-to-text.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
  {
    // The renderer (with juice) runs in a worker thread, loaded only when a preview opens.
    ...common,
    entryPoints: ['src/preview/worker.ts'],
    outfile: 'dist/render-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
].filter((t) => t.entryPoints.every((e) => fs.existsSync(path.join(__dirname, e))));

async function main() {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  let failed = false;
  for (const ctx of contexts) {
    try {
      await ctx.rebuild();
    } catch {
      failed = true;
    }
    await ctx.dispose();
  }
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
