/**
 * esbuild's CommonJS runtime helpers, shared by the modules of a batch (script-batch.ts). esbuild
 * writes its helpers (`__export`, `__copyProps`, `__toCommonJS`, ...) at the top of every module
 * it compiles: 2,000 revisions ran 2,000 copies of them, each compiled, cached and warmed up on
 * its own. In a batch each module's leading helpers are cut and passed to its function as
 * parameters of the same names, from one copy made by the batch.
 *
 * Only exact copies of the texts below are cut, so a module gets the very definitions it had (an
 * esbuild that writes them differently just leaves them in place, at the cost of speed), and only
 * the helpers a module defined become its parameters: no other name of the module changes scope.
 * A cut helper leaves its line breaks behind, so every line keeps its number.
 */

/** The helpers, in the order esbuild 0.25 writes them. */
const HELPERS: readonly (readonly [name: string, text: string])[] = [
  ['__create', 'var __create = Object.create;\n'],
  ['__defProp', 'var __defProp = Object.defineProperty;\n'],
  ['__getOwnPropDesc', 'var __getOwnPropDesc = Object.getOwnPropertyDescriptor;\n'],
  ['__getOwnPropNames', 'var __getOwnPropNames = Object.getOwnPropertyNames;\n'],
  ['__getProtoOf', 'var __getProtoOf = Object.getPrototypeOf;\n'],
  ['__hasOwnProp', 'var __hasOwnProp = Object.prototype.hasOwnProperty;\n'],
  ['__export', `var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
`],
  ['__copyProps', `var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
`],
  ['__reExport', 'var __reExport = (target, mod, secondTarget) => (__copyProps(target, mod, "default"), secondTarget && __copyProps(secondTarget, mod, "default"));\n'],
  ['__toESM', `var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
`],
  ['__toCommonJS', 'var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);\n'],
];

/** The helpers' definitions, to run once at the top of a batch. */
export const HELPER_DEFINITIONS = HELPERS.map(([, text]) => text).join('');

/** An object literal of the helpers, by name: `{ __create, __defProp, ... }`. */
export const HELPER_OBJECT = `{ ${HELPERS.map(([name]) => name).join(', ')} }`;

/**
 * `code` without the helpers it starts with (each replaced by its line breaks), and their names:
 * the parameters through which the module receives the batch's copies.
 */
export function cutHelpers(code: string): { code: string; names: string[] } {
  const names: string[] = [];
  let at = 0;
  let breaks = '';
  // A module's helpers are a subset of HELPERS in the same order.
  for (const [name, text] of HELPERS) {
    if (!code.startsWith(text, at)) continue;
    names.push(name);
    at += text.length;
    breaks += '\n'.repeat(text.split('\n').length - 1);
  }
  return { code: at === 0 ? code : breaks + code.slice(at), names };
}
