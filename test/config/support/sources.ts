/**
 * What the services' TypeScript names, as TypeScript's own parser reads apps/ and libs/: string
 * literals, template literals (as regexes), `const NAME = 'value'` constants and the methods of Nest
 * controllers. The docs check looks span names up here.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** The .ts files under `dir`, without tests, fixtures and node_modules (and without `skip` names). */
export function sourceFiles(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path, skip);
    return name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$|\.fixture\.ts$/.test(name) && !skip.includes(name)
      ? [path]
      : [];
  });
}

export interface SourceNames {
  literals: Set<string>;
  /**
   * Template literals as regexes: a constant's placeholder (`${SEND} ${NOTIFICATIONS_QUEUE}`) is its
   * value, any other (`${event.type} publish`) a capture group. A template with neither a word nor a
   * constant (`${amount} ${currency}`) would match anything: it is left out.
   */
  templates: RegExp[];
  /** `<Controller>.<method>` of every class decorated with @Controller(…). */
  handlers: Set<string>;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function sourceNames(files: string[]): SourceNames {
  const literals = new Set<string>();
  const constants = new Map<string, string[]>();
  const templateNodes: ts.TemplateExpression[] = [];
  const handlers = new Set<string>();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
      if (ts.isTemplateExpression(node)) templateNodes.push(node);
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
        if (ts.isStringLiteral(node.initializer))
          constants.set(node.name.text, [...(constants.get(node.name.text) ?? []), node.initializer.text]);
      if (ts.isClassDeclaration(node) && node.name) {
        const controller = ts
          .getDecorators(node)
          ?.some((d) => ts.isCallExpression(d.expression) && d.expression.expression.getText() === 'Controller');
        if (controller)
          for (const member of node.members)
            if (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name))
              handlers.add(`${node.name.text}.${member.name.text}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const templates = templateNodes.flatMap((node) => {
    const values = node.templateSpans.map((span) =>
      ts.isIdentifier(span.expression) ? constants.get(span.expression.text) : undefined,
    );
    const texts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
    if (!texts.some((t) => /[a-z]/i.test(t)) && !values.some(Boolean)) return [];
    const parts = texts.flatMap((text, i) => {
      if (i === 0) return [escapeRegex(text)];
      const value = values[i - 1];
      return [value ? `(?:${value.map(escapeRegex).join('|')})` : '(.+?)', escapeRegex(text)];
    });
    return [new RegExp(`^${parts.join('')}$`)];
  });
  return { literals, templates, handlers };
}
