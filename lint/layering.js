// ESLint rule `layering/layers`: every folder of the product is on a layer and imports only from the layers
// below it, as VS Code's layering rule does (docs/architecture.md, "Layers"). The import is resolved to a file,
// so '../simulators/starface/x.js' and '../starface/x.js' are told apart, and a new folder that is on no layer
// is an error until it is placed.
import path from 'node:path';

/** @param {string} rel a repository-relative path with forward slashes */
function unitOf(rel, units) {
  let best;
  for (const u of units) {
    if (rel === u || rel.startsWith(`${u}/`) || rel.startsWith(`${u.replace(/\.ts$/, '')}.`)) {
      if (!best || u.length > best.length) best = u;
    }
  }
  return best;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps the direction of dependencies between the folders of the product.' },
    schema: [{
      type: 'object',
      properties: {
        root: { type: 'string' },
        /** folder (or file) → the folders (or files) it may import from, besides itself */
        allow: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        /** file → folder edges allowed on top, each with the reason */
        exceptions: {
          type: 'array',
          items: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' } }, required: ['from', 'to', 'reason'] },
        },
      },
      required: ['allow'],
      additionalProperties: false,
    }],
  },
  create(context) {
    const opts = context.options[0];
    const root = path.resolve(opts.root ?? context.cwd);
    const units = Object.keys(opts.allow);
    // A target may be narrower than a folder (renderer → src/control/contract.ts only).
    const targets = [...new Set([...units, ...Object.values(opts.allow).flat()])];
    const within = (unit, outer) => unit === outer || unit.startsWith(`${outer}/`);
    const rel = (abs) => path.relative(root, abs).split(path.sep).join('/');
    const fromRel = rel(context.filename);
    if (fromRel.startsWith('..')) return {};
    const from = unitOf(fromRel, units);
    const onNoLayer = (what) => `${what} is on no layer: add its folder to the layering rule in eslint.config.js (see docs/architecture.md).`;

    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      checkTarget(node, rel(path.resolve(path.dirname(context.filename), spec)));
    }

    function checkTarget(node, toRel) {
      if (toRel.startsWith('..') || !from) return;
      const to = unitOf(toRel, targets);
      if (to && within(to, from)) return;
      if (!to) {
        if (toRel.startsWith('src/')) context.report({ node, message: onNoLayer(toRel) });
        return;
      }
      if (opts.allow[from].some((a) => within(to, a))) return;
      if ((opts.exceptions ?? []).some((e) => e.from === fromRel && e.to === to)) return;
      const allowed = opts.allow[from].length ? opts.allow[from].join(', ') : 'nothing but itself';
      context.report({
        node,
        message: `${from} must not import ${to} (layers: core ← platform ← teams/starface ← sync ← app ← setup/control ← commands/electron; simulators stand apart). ${from} may import: ${allowed}.`,
      });
    }

    /** import(`../simulators/${kind}/cli.js`): every layer the fixed head of the path can reach is checked. */
    function checkPrefix(node, head) {
      if (!head.startsWith('.')) return;
      const dir = head.endsWith('/') ? head : path.dirname(head);
      const headRel = rel(path.resolve(path.dirname(context.filename), dir));
      const reachable = targets.filter((t) => within(t, headRel));
      if (reachable.length === 0) check(node, head);
      for (const t of reachable) checkTarget(node, t);
    }

    return {
      Program: (node) => {
        if (!from && fromRel.startsWith('src/')) context.report({ node, message: onNoLayer(fromRel) });
      },
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
        else if (node.source.type === 'TemplateLiteral') checkPrefix(node.source, node.source.quasis[0]?.value.cooked ?? '');
      },
      TSImportType: (node) => {
        const lit = node.argument?.literal ?? node.argument;
        if (lit?.type === 'Literal') check(node, lit.value);
      },
    };
  },
};

export default { rules: { layers: layersRule } };
