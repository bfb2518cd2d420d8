// Renders the Teams card of a command's Reply the way a person sees it: the card JSON from
// `diagbot --format teams`, laid out by the `adaptivecards` SDK (Markdown through markdown-it, as the SDK
// recommends) in headless Chromium, saved as a PNG to look at.
//   node scripts/render-card.js out.png "cert 127.0.0.1:443"    (run `npm run build` first)
//   node scripts/render-card.js out.png --card card.json        (a card JSON you already have)
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..');
const [out, ...rest] = process.argv.slice(2);
if (!out || rest.length === 0) {
  console.error('usage: node scripts/render-card.js <out.png> "<command text>" | --card <card.json>');
  process.exit(64);
}

function cardJson() {
  if (rest[0] === '--card') return readFileSync(rest[1], 'utf8');
  // The CLI exits with the Reply's status (warn 1, fail 2 …): the card is on stdout whatever it is.
  try {
    return execFileSync(process.execPath, [join(root, 'bin', 'diagbot.js'), '--format', 'teams', rest.join(' ')], {
      encoding: 'utf8',
    });
  } catch (error) {
    if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('{')) return error.stdout;
    throw error;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'diagbot-card-'));
const page = join(dir, 'card.html');
const asset = (path) => readFileSync(join(root, 'node_modules', path), 'utf8');
writeFileSync(
  page,
  `<!doctype html><html><head><meta charset="utf-8">
<style>${asset('adaptivecards/dist/adaptivecards.css')} body{font-family:"Segoe UI",sans-serif;background:#f5f5f5;margin:16px;width:560px}
#card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:4px}</style>
<script>${asset('markdown-it/dist/browser/markdown-it.umd.min.js')}</script>
<script>${asset('adaptivecards/dist/adaptivecards.min.js')}</script></head>
<body><div id="card"></div><script>
AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => { result.outputHtml = markdownit().disable(['table', 'code']).render(text); result.didProcess = true; };
const card = new AdaptiveCards.AdaptiveCard();
card.parse(${cardJson()});
document.getElementById('card').appendChild(card.render());
</script></body></html>`,
);
execFileSync(
  '/usr/bin/chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--hide-scrollbars',
    '--window-size=600,1400',
    `--screenshot=${resolve(out)}`,
    `file://${page}`,
  ],
  { stdio: 'ignore' },
);
console.log(resolve(out));
