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

/**
 * The email checks (client support with the caniemail data, accessibility; with parse5 and culori) are a bundle of
 * their own too, dist/email-checks.js, required on the first check of an HTML email (src/core/language/lint.ts), so
 * activation loads none of them. Of the caniemail data set only the JSON is used (the package's code needs Node 22),
 * and the build keeps only the fields the matcher reads (src/core/language/caniemail.ts), straight from the
 * package's file: the data is never copied by hand.
 */
const lazyChecks = {
  name: 'lazy-email-checks',
  setup(build) {
    build.onResolve({ filter: /^\.\/checks$/ }, (args) => (/language[\\/]lint\.ts$/.test(args.importer) ? { path: './email-checks.js', external: true } : undefined));
  },
};
const CANIEMAIL_FIELDS = ['slug', 'title', 'url', 'category', 'keywords', 'notes', 'notes_by_num', 'stats'];
const compactCaniemail = {
  name: 'compact-caniemail',
  setup(build) {
    build.onLoad({ filter: /caniemail[\\/]data[\\/]caniemail\.json$/ }, async (args) => {
      const raw = JSON.parse(await fs.promises.readFile(args.path, 'utf8'));
      const data = raw.data.map((f) => Object.fromEntries(CANIEMAIL_FIELDS.map((k) => [k, f[k] ?? null])));
      return { contents: JSON.stringify({ last_update_date: raw.last_update_date, nicenames: raw.nicenames, data }), loader: 'json' };
    });
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
    plugins: [...common.plugins, lazyHtmlToText, lazyChecks],
  },
  {
    ...common,
    entryPoints: ['src/core/language/checks.ts'],
    outfile: 'dist/email-checks.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [...common.plugins, compactCaniemail],
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
    // The language and email checks of the editor run in a worker thread too (src/check-worker), with the email
    // checks' bundle required from dist/ as the extension host would.
    ...common,
    entryPoints: ['src/check-worker/worker.ts'],
    outfile: 'dist/check-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [...common.plugins, lazyChecks],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [...common.plugins, compactCaniemail],
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
