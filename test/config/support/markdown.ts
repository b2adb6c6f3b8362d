/**
 * Markdown pages as GitHub reads them, for the docs checks: mdast-util-from-markdown with GFM
 * (tables, autolinks), heading anchors by github-slugger, and the commands in inline code and shell
 * blocks split into words by shell-quote. Positions are the parser's; lines are 1-based.
 */
import GithubSlugger from 'github-slugger';
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as shellParse } from 'shell-quote';

export { toString };

export interface Doc {
  /** Relative to the folder the pages are read from. */
  file: string;
  text: string;
  /** Every node of the tree, in document order. */
  nodes: Nodes[];
}

export function markdownUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownUnder(path) : name.endsWith('.md') ? [path] : [];
  });
}

export function parseDoc(file: string, text: string): Doc {
  const tree: Root = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const nodes: Nodes[] = [];
  const walk = (node: Nodes) => {
    nodes.push(node);
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(tree);
  return { file, text, nodes };
}

export const lineOf = (node: Nodes) => node.position!.start.line;
export const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
export function ofType<T extends Nodes['type']>(doc: Doc, type: T): Extract<Nodes, { type: T }>[] {
  return doc.nodes.filter((n): n is Extract<Nodes, { type: T }> => n.type === type);
}

export const inlineCode = (doc: Doc) =>
  ofType(doc, 'inlineCode').map((n) => ({ code: n.value.trim(), line: lineOf(n) }));
/** Fenced blocks; `line` is the line of the block's first line of code. */
export const fences = (doc: Doc) =>
  ofType(doc, 'code').map((n) => ({ lang: n.lang ?? '', body: n.value, line: lineOf(n) + 1 }));
/** Matches of `pattern` in prose (text nodes, not code), each with its line. */
export const proseMatches = (doc: Doc, pattern: RegExp) =>
  ofType(doc, 'text').flatMap((n) =>
    [...n.value.matchAll(pattern)].map((m) => ({ m, line: lineOf(n) + lineAt(n.value, m.index) - 1 })),
  );

const anchors = new WeakMap<Doc, Set<string>>();
/** The #anchors GitHub gives the page's headings (repeats numbered -1, -2, …). */
export function anchorsOf(doc: Doc): Set<string> {
  if (!anchors.has(doc)) {
    const slugger = new GithubSlugger();
    anchors.set(doc, new Set(ofType(doc, 'heading').map((h) => slugger.slug(toString(h)))));
  }
  return anchors.get(doc)!;
}

const SHELL_LANGS = new Set(['', 'bash', 'sh', 'shell', 'console']);

/** One simple command: its leading NAME=value assignments, its words, the line's # comment. */
export interface Command {
  env: Record<string, string>;
  words: string[];
  comment: string;
  line: number;
}

/**
 * The code a reader runs, as a shell splits it: inline code spans and the lines of shell blocks
 * (`\` continuations joined), cut at |, &&, ;, > … into simple commands. A `<placeholder>` is one word.
 */
export function commandsOf(doc: Doc): Command[] {
  const lines = [
    ...inlineCode(doc).map(({ code, line }) => ({ text: code, line })),
    ...fences(doc)
      .filter((f) => SHELL_LANGS.has(f.lang))
      .flatMap((f) => {
        let line = f.line;
        return f.body.split(/(?<!\\)\n/).map((text) => {
          const at = line;
          line += text.split('\n').length;
          return { text: text.replace(/\\\n/g, ' '), line: at };
        });
      }),
  ];
  return lines.flatMap(({ text, line }) => {
    const held: string[] = [];
    const tokens = shellParse(text.replace(/<[^<>\n]+>/g, (p) => `__placeholder${held.push(p) - 1}__`));
    const restore = (w: string) => w.replace(/__placeholder(\d+)__/g, (_, i: string) => held[Number(i)]);
    const comment = tokens.flatMap((t) => (typeof t === 'object' && 'comment' in t ? [t.comment] : [])).join(' ');
    const commands: Command[] = [{ env: {}, words: [], comment, line }];
    for (const token of tokens) {
      const current = commands.at(-1)!;
      if (typeof token !== 'string') {
        if ('op' in token) commands.push({ env: {}, words: [], comment, line });
        continue;
      }
      const word = restore(token);
      const assignment = /^([A-Za-z_]\w*)=(.*)$/s.exec(word);
      if (assignment && current.words.length === 0) current.env[assignment[1]] = assignment[2];
      else current.words.push(word);
    }
    return commands.filter((c) => c.words.length > 0 || Object.keys(c.env).length > 0);
  });
}

/** A command as written, assignments first. */
export const commandText = (c: Command) =>
  [...Object.entries(c.env).map(([k, v]) => `${k}=${v}`), ...c.words].join(' ');
