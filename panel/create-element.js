// The panel builds its DOM with this one function instead of innerHTML:
// text is never parsed as markup, so catalogue labels cannot inject anything.

const SVG = 'http://www.w3.org/2000/svg';

/**
 * Creates an element: `h('p', { class: 'hint' }, 'text', child)`. A tag
 * starting with "svg:" is created in the SVG namespace. Attributes that are
 * false, null or undefined are left out; true becomes an empty attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const el = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}
