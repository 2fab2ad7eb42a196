// The panel's stylesheet, adopted as a constructable stylesheet: a <style>
// element would be blocked by a strict Content-Security-Policy, this is not.
//
// Theme it from the page with custom properties (they cross the shadow root):
//   ondevice-preferences { --ondevice-accent: #0a7d5a; --ondevice-radius: 0; }
// --ondevice-bg, -fg, -muted, -border, -accent, -accent-fg, -negative,
// -danger, -focus, -track, -radius, -font. Defaults follow the system's dark
// mode; motion is off under prefers-reduced-motion.

export const PANEL_CSS = `
:host {
  --_bg: var(--ondevice-bg, #ffffff);
  --_fg: var(--ondevice-fg, #1b1f24);
  --_muted: var(--ondevice-muted, #4a5360);
  --_border: var(--ondevice-border, #c9ced6);
  --_accent: var(--ondevice-accent, #1d5fd0);
  --_accent-fg: var(--ondevice-accent-fg, #ffffff);
  --_negative: var(--ondevice-negative, #b4540a);
  --_danger: var(--ondevice-danger, #b3261e);
  --_focus: var(--ondevice-focus, #1d5fd0);
  --_track: var(--ondevice-track, #e6e9ee);
  --_radius: var(--ondevice-radius, 8px);
  display: block;
  container-type: inline-size;
  color: var(--_fg);
  font: var(--ondevice-font, inherit);
  line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  :host {
    --_bg: var(--ondevice-bg, #16191d);
    --_fg: var(--ondevice-fg, #e8eaed);
    --_muted: var(--ondevice-muted, #b0b7c0);
    --_border: var(--ondevice-border, #3d444d);
    --_accent: var(--ondevice-accent, #8ab4ff);
    --_accent-fg: var(--ondevice-accent-fg, #0b1a33);
    --_negative: var(--ondevice-negative, #f5a35c);
    --_danger: var(--ondevice-danger, #ffb4ab);
    --_focus: var(--ondevice-focus, #8ab4ff);
    --_track: var(--ondevice-track, #2a3038);
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.panel {
  background: var(--_bg);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  padding: 1rem 1.25rem 1.25rem;
}
h2 { font-size: 1.25rem; margin: 0 0 0.25rem; }
h3 { font-size: 1.05rem; margin: 0 0 0.5rem; }
p { margin: 0.25rem 0 0.5rem; }
.intro, .hint, figcaption { color: var(--_muted); font-size: 0.9rem; }
.empty { color: var(--_muted); padding: 1rem; }
fieldset {
  border: 0;
  border-top: 1px solid var(--_border);
  margin: 1rem 0 0;
  padding: 0.75rem 0 0;
  min-width: 0;
}
legend { font-weight: 650; padding: 0; float: left; width: 100%; margin-bottom: 0.35rem; }
legend + * { clear: both; }
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; border-radius: 4px; }
.range {
  display: grid;
  grid-template-columns: 1fr auto;
  grid-template-areas: "label value" "track track";
  align-items: baseline;
  column-gap: 0.5rem;
  margin: 0.5rem 0;
}
.range > label { grid-area: label; }
.range > output { grid-area: value; color: var(--_muted); font-size: 0.85rem; white-space: nowrap; }
.range > input, .range > .ends, .range > select { grid-area: track; }
.range > select { grid-area: value; }
.ends { display: flex; align-items: center; gap: 0.5rem; color: var(--_muted); font-size: 0.8rem; }
/* Ranges are drawn by hand so that a less/more slider has a neutral track
   with a centre mark, not a bar "filled" up to the middle. */
input[type="range"] {
  appearance: none;
  width: 100%;
  min-width: 6rem;
  height: 1.5rem;
  margin: 0.1rem 0;
  background: transparent;
  cursor: pointer;
}
input[type="range"]::-webkit-slider-runnable-track {
  height: 6px;
  border-radius: 3px;
  background: var(--_track);
  border: 1px solid var(--_border);
}
input[type="range"]::-moz-range-track {
  height: 6px;
  border-radius: 3px;
  background: var(--_track);
  border: 1px solid var(--_border);
}
input[type="range"].bipolar::-webkit-slider-runnable-track {
  background: linear-gradient(to right, transparent calc(50% - 1px), var(--_muted) calc(50% - 1px), var(--_muted) calc(50% + 1px), transparent calc(50% + 1px)), var(--_track);
}
input[type="range"].bipolar::-moz-range-track {
  background: linear-gradient(to right, transparent calc(50% - 1px), var(--_muted) calc(50% - 1px), var(--_muted) calc(50% + 1px), transparent calc(50% + 1px)), var(--_track);
}
input[type="range"]::-webkit-slider-thumb {
  appearance: none;
  width: 1.1rem;
  height: 1.1rem;
  margin-top: calc(-0.55rem + 2px);
  border-radius: 50%;
  background: var(--_accent);
  border: 2px solid var(--_bg);
  box-shadow: 0 0 0 1px var(--_accent);
}
input[type="range"]::-moz-range-thumb {
  width: 1rem;
  height: 1rem;
  border-radius: 50%;
  background: var(--_accent);
  border: 2px solid var(--_bg);
  box-shadow: 0 0 0 1px var(--_accent);
}
input:disabled { cursor: not-allowed; opacity: 0.45; }
.category-list { display: grid; column-gap: 2rem; }
/* A wide panel (its own page) lays the category sliders out in two columns. */
@container (min-width: 40rem) {
  .category-list { grid-template-columns: 1fr 1fr; }
}
.category { display: grid; grid-template-columns: 1fr auto; align-items: end; column-gap: 0.75rem; }
.hide { display: inline-flex; align-items: center; gap: 0.3rem; font-size: 0.85rem; padding-bottom: 0.45rem; cursor: pointer; }
input[type="checkbox"] { accent-color: var(--_accent); width: 1.05rem; height: 1.05rem; margin: 0; cursor: pointer; }
.switch { display: inline-flex; align-items: center; gap: 0.6rem; cursor: pointer; font-weight: 550; margin: 0.25rem 0; }
.switch input {
  appearance: none;
  flex: none;
  width: 2.6rem;
  height: 1.5rem;
  border-radius: 999px;
  background: var(--_track);
  border: 2px solid var(--_muted);
  position: relative;
  transition: background 150ms ease, border-color 150ms ease;
}
.switch input::before {
  content: "";
  position: absolute;
  top: 2px;
  left: 2px;
  width: 1rem;
  height: 1rem;
  border-radius: 50%;
  background: var(--_muted);
  transition: transform 150ms ease;
}
.switch input:checked { background: var(--_accent); border-color: var(--_accent); }
.switch input:checked::before { transform: translateX(1.1rem); background: var(--_accent-fg); }
.sensitive { padding: 0.5rem 0.75rem; margin: 0.5rem 0; border: 1px dashed var(--_border); border-radius: var(--_radius); }
.sensitive-controls[hidden] { display: none; }
select, button {
  font: inherit;
  color: inherit;
  border-radius: calc(var(--_radius) * 0.75);
}
select { background: var(--_bg); border: 1px solid var(--_border); padding: 0.2rem 0.4rem; }
button {
  cursor: pointer;
  border: 2px solid var(--_accent);
  background: var(--_accent);
  color: var(--_accent-fg);
  padding: 0.4rem 0.8rem;
  font-weight: 600;
}
button.secondary { background: transparent; color: var(--_fg); border-color: var(--_border); }
button.danger { background: transparent; color: var(--_danger); border-color: var(--_danger); }
button.danger:hover, button.danger:focus-visible, button.danger.confirm { background: var(--_danger); color: var(--_bg); }
button:hover { filter: brightness(1.08); }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.75rem; }
.data { border-top: 1px solid var(--_border); margin-top: 1rem; padding-top: 0.75rem; }
:host([view="data"]) .data { border-top: 0; margin-top: 0.5rem; padding-top: 0; }
figure { margin: 0 0 0.5rem; }
.chart { width: 100%; max-width: 26rem; height: auto; display: block; font-size: 12px; }
.chart text { fill: currentColor; }
.chart .axis-label { fill: var(--_muted); font-size: 11px; }
.chart .axis { stroke: var(--_muted); stroke-width: 1; }
.chart .bar-track { fill: var(--_track); }
.chart .bar.positive { fill: var(--_accent); }
.chart .bar.negative { fill: var(--_negative); }
.chart .bar-value { font-variant-numeric: tabular-nums; }
details { margin: 0.25rem 0 0.75rem; font-size: 0.9rem; }
summary { cursor: pointer; color: var(--_accent); }
table { border-collapse: collapse; margin-top: 0.4rem; }
th, td { text-align: left; padding: 0.15rem 0.75rem 0.15rem 0; font-weight: normal; }
td { font-variant-numeric: tabular-nums; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 1rem; margin: 0.5rem 0; font-size: 0.9rem; }
.facts dt { color: var(--_muted); }
.facts dd { margin: 0; }
.notices { color: var(--_negative); font-size: 0.9rem; }
.status:empty { display: none; }
.status { margin-top: 0.75rem; padding: 0.4rem 0.6rem; border-left: 3px solid var(--_accent); background: var(--_track); border-radius: 4px; }
dialog {
  color: var(--_fg);
  background: var(--_bg);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  max-width: min(28rem, 90vw);
  padding: 1.25rem;
}
dialog::backdrop { background: rgb(0 0 0 / 0.45); }
.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
}
@media (prefers-reduced-motion: reduce) {
  *, *::before { transition: none !important; animation: none !important; }
}
`;
