// Bundles the compiled composition root (dist/src/main.js, run after tsc) into one file, dist/cli/diagbot.js,
// and writes a V8 code cache beside it (dist/cli/diagbot.js.cache): a start then reads and compiles one
// file from cache instead of resolving, reading and compiling about 200 modules (issue 16's cold start).
// bin/diagbot.js loads the bundle through bin/bundle-loader.js, and dist/src/main.js when there is none.
// Part of `npm run build` (and so of `prepare`) and of the integration tests' build (test/global-build.js).
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, relative } = require('node:path');
const esbuild = require('esbuild');
const { BUNDLE_FILE, CACHE_FILE, CHUNKS, chunkFile } = require('../bin/bundle-loader');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const outfile = join(root, BUNDLE_FILE);

/**
 * Packages compiled into the bundle: the ones nearly every start loads. Every other package stays an ordinary
 * `require` from node_modules, loaded when the code that needs it runs: the platform SDKs, the databases, LDAP,
 * metrics and pino (whose worker threads find their files by path) load only in the modes that use them.
 */
const BUNDLED_PACKAGES = ['zod', 'yaml', 'dns-packet', '@leichtgewicht/ip-codec'];

/** Every package not in BUNDLED_PACKAGES is left to node_modules. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.includes(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * node-forge's ASN.1 module (the certificate fields Node does not read; only `cert` and `mail` use it) is bundled
 * apart with a cache of its own, loaded through bin/bundle-loader.js on first use: inside the main bundle it made
 * every other start slower (its cached code), and from node_modules `cert` resolved and compiled its files.
 */
const LOADER = join(root, 'bin', 'bundle-loader.js');
const chunked = {
  name: 'chunked-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      CHUNKS.includes(args.path) ? { path: args.path, namespace: 'chunk' } : undefined,
    );
    build.onResolve({ filter: /bundle-loader\.js$/ }, (args) =>
      args.path === LOADER ? { path: relative(dirname(outfile), LOADER), external: true } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'chunk' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(LOADER)}).loadChunk(${JSON.stringify(args.path)});\n`,
      loader: 'js',
    }));
  },
};

/** A bundle's non-ASCII characters (comments only: esbuild escapes the rest) as '?', so that it reads as latin1. */
function toAscii(file) {
  writeFileSync(file, readFileSync(file, 'utf8').replace(/[\u0080-\uffff]/g, '?'), 'latin1');
}

/**
 * zod's `z.locales` holds every language's error messages (about half of zod's code, ~0.5 MB in the bundle);
 * diagbot speaks English and never reads `z.locales`, so the bundle carries English alone (zod's default,
 * set by its own schemas module). `z.locales.en` still answers; another language would be undefined.
 */
const englishZod = {
  name: 'english-zod',
  setup(build) {
    build.onResolve({ filter: /[\\/]locales[\\/]index\.cjs$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.resolveDir)
        ? { path: join(args.resolveDir, args.path), namespace: 'english-zod' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'english-zod' }, (args) => ({
      contents: 'exports.en = require("./en.cjs");\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * A module of ours that finds files beside itself (src/kb/load.ts: the knowledge base) keeps its own
 * `__dirname`, not the bundle's.
 */
const ownDirname = {
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + '/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!/\b__dirname\b/.test(source)) return undefined;
      const fromBundle = JSON.stringify(relative(dirname(outfile), dirname(args.path)));
      return {
        contents: `var __dirname = require("node:path").join(__filename, "..", ${fromBundle});\n${source}`,
        loader: 'js',
      };
    });
  },
};

esbuild
  .build({
    entryPoints: [join(dist, 'src', 'main.js')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    charset: 'ascii',
    logLevel: 'warning',
    plugins: [chunked, englishZod, externalPackages, ownDirname],
  })
  .then(() =>
    Promise.all(
      CHUNKS.map((name) =>
        esbuild.build({
          entryPoints: [require.resolve(name)],
          outfile: join(root, chunkFile(name)),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          charset: 'ascii',
          logLevel: 'warning',
        }),
      ),
    ),
  )
  .then(() => {
    // esbuild writes strings, regular expressions and names in ASCII (its default charset); what is left are
    // comments (an em dash, a §). One '?' per UTF-16 unit keeps the source map's columns, and an ASCII file is
    // read as latin1 by the loader: decoding 2 MB as UTF-8 when one byte is not ASCII took ~100 ms.
    for (const file of [outfile, ...CHUNKS.map((name) => join(root, chunkFile(name)))]) toAscii(file);
    // The cache holds the functions a run compiled: the build runs the commands a cold start is measured on
    // (help, explain) in a fresh process, and that process writes the cache as it exits.
    const dir = mkdtempSync(join(tmpdir(), 'diagbot-cache-'));
    try {
      const config = join(dir, 'empty.yaml');
      writeFileSync(config, '{}\n');
      // Only what the runs need: no credentials or database URL of the builder's reach these runs.
      const env = {
        PATH: process.env.PATH,
        DIAGBOT_CONFIG: config,
        DIAGBOT_DB: join(dir, 'none.db'),
        DIAGBOT_TARGETS_ALLOW: '127.0.0.0/8',
      };
      for (const file of [CACHE_FILE, ...CHUNKS.map((name) => `${chunkFile(name)}.cache`)])
        rmSync(join(root, file), { force: true });
      execFileSync(process.execPath, [join(__dirname, 'write-code-cache.js')], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
