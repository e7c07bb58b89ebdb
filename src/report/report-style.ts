/**
 * report.html's one inline stylesheet (the page loads nothing from elsewhere): light cards on a soft page, a dark
 * header band, tables in a box that would scroll rather than widen the page (test/report/html-browser.test.ts checks
 * that none is wider than its box at 1400 px), figures that scale to the card, and a print layout.
 */
export const REPORT_STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --bg: #eef1f4; --accent: #0b5cad;
  --good: #1a7f37; --good-bg: #dcf5e3; --bad: #c4272f; --bad-bg: #fde7e9; }
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--fg); font: 14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
header.page { background: #13273f; color: #fff; }
header.page .inner { max-width: 1120px; margin: 0 auto; padding: 26px 24px 22px; }
header.page .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11.5px; color: #9fb6d1; margin: 0 0 4px; }
header.page h1 { margin: 0 0 10px; font-size: 26px; font-weight: 650; letter-spacing: -.01em; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.chips li { background: rgba(255,255,255,.1); border: 1px solid rgba(255,255,255,.18); border-radius: 999px; padding: 2px 10px; font-size: 12.5px; }
.chips b { font-weight: 600; color: #cfe0f3; margin-right: 4px; }
nav.toc { margin: 0 0 18px; font-size: 13px; color: var(--muted); }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px 22px; margin: 0 0 20px; box-shadow: 0 1px 2px rgba(31,35,40,.04); }
h2 { font-size: 19px; margin: 0 0 12px; padding-bottom: 8px; border-bottom: 1px solid var(--line); font-weight: 650; }
h3 { font-size: 14.5px; margin: 18px 0 8px; font-weight: 650; }
h4, h5, h6 { font-size: 13.5px; margin: 14px 0 6px; }
p { margin: 8px 0; }
a { color: var(--accent); }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; background: var(--soft); border-radius: 4px; padding: 1px 4px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; max-height: 480px; }
pre code { background: none; padding: 0; }
.muted { color: var(--muted); }
.small { font-size: 12.5px; }
.lede { margin: 0 0 14px; color: var(--muted); }
.table-wrap { overflow-x: auto; margin: 10px 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; min-width: 40%; }
th, td { padding: 6px 12px; border-bottom: 1px solid #e6eaef; text-align: left; vertical-align: top; }
thead th { background: var(--soft); border-bottom: 1px solid var(--line); font-weight: 600; white-space: nowrap; }
tbody tr:hover td, tbody tr:hover th { background: #fafbfc; }
th[scope=row] { font-weight: 500; }
.num { text-align: right; white-space: nowrap; }
.center { text-align: center; }
table.headline { width: 100%; }
table.headline td, table.headline th { padding: 8px 14px; }
table.headline th.metric { width: 34%; }
table.headline .dir { display: block; font-size: 11.5px; color: var(--muted); font-weight: 400; }
table.headline .k { display: block; font-size: 11.5px; color: var(--muted); font-weight: 400; }
td.best { font-weight: 700; background: var(--good-bg); box-shadow: inset 3px 0 0 var(--good); }
td.delta, th.delta { border-left: 1px solid var(--line); }
td.delta.better { color: var(--good); font-weight: 600; }
td.delta.worse { color: var(--bad); font-weight: 600; }
td.delta.neutral { color: var(--muted); }
p.caveat { border-left: 4px solid var(--bad); padding: 6px 10px; background: #fff6f5; font-size: 13px; }
tr.group th { background: #fff; color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; padding-top: 14px; }
tr.sub th { font-weight: 500; font-size: 12px; color: var(--muted); background: #fff; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; font-size: 12.5px; color: var(--muted); margin-top: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -2px; margin-right: 5px; }
.swatch.best { background: var(--good-bg); box-shadow: inset 3px 0 0 var(--good); }
.swatch.better { background: var(--good); }
.swatch.worse { background: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
.charts figure svg { width: 100%; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 8px 0; max-width: 100%; }
figure svg, figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e6eaef; border-radius: 6px; background: #fff; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
figure.missing .notice { border: 1px dashed var(--bad); color: var(--bad); background: var(--bad-bg); padding: 14px; border-radius: 6px; }
.two-col, .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 32px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; word-break: break-word; }
details { margin: 12px 0 0; }
summary { cursor: pointer; color: var(--accent); font-weight: 500; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 8px; }
@media print { html { background: #fff; } header.page { background: #fff; color: var(--fg); } .chips li { border-color: var(--line); } .card { box-shadow: none; break-inside: avoid; } nav.toc { display: none; } }
`;
