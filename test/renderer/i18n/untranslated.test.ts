import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * No text in the renderer's JSX that bypasses the message catalogue: text nodes, the attributes a
 * user reads (title, placeholder, aria-label, alt, label) and string literals a JSX expression
 * shows (`{busy ? 'Saving…' : 'Save'}`). Text without letters (separators, ×, digits) is allowed,
 * and so are the few words below that are the same in every language.
 */
const RENDERER = join(__dirname, '../../../renderer/src');
const READ_ATTRIBUTES = new Set(['title', 'placeholder', 'aria-label', 'alt', 'label', 'aria-description']);
const ALLOWED = new Set([
  // the brand
  'MYRIAD',
  'STATION',
  // the band's thresholds and the audit table's sequence column, symbols in every language
  'T1',
  'T2',
  // review shortcut keys, bound to these letters whatever the language
  'J',
  'K',
  'O',
  'D',
  'G',
  'R',
  'A',
]);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsxFiles(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []));
}

// Entities (&nbsp;) are characters, not words.
const hasWords = (text: string) => /\p{L}/u.test(text.replace(/&\w+;/g, '')) && !ALLOWED.has(text.trim());

/** A literal the expression shows as it is: the whole expression, a branch of ?:, a side of ?? or ||, or a template's text. */
function isShown(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isJsxExpression(parent)) return true;
  if (ts.isParenthesizedExpression(parent)) return isShown(parent);
  if (ts.isConditionalExpression(parent)) return parent.condition !== node && isShown(parent);
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.PlusToken) && isShown(parent);
  }
  if (ts.isTemplateSpan(parent) || ts.isTemplateExpression(parent)) return isShown(ts.isTemplateSpan(parent) ? parent.parent : parent);
  return false;
}

/**
 * A phrase handed to a React state setter (`setSaved(\`Saved \${name}\`)`): state that holds words is
 * state the screen shows. Single words (`setMode('edit')`) are values, not text.
 */
function setIntoState(node: ts.Node, literal: string): boolean {
  let n: ts.Node = ts.isTemplateLiteralToken(node) ? node.parent : node;
  if (ts.isTemplateSpan(n)) n = n.parent;
  // a template's words may be split by its placeholders: the phrase is the whole template
  if (!/\p{L}\S*\s+\S*[\p{L}$]/u.test(n === node ? literal : n.getText())) return false;
  const call = n.parent;
  return ts.isCallExpression(call) && call.arguments.includes(n as ts.Expression) && ts.isIdentifier(call.expression) && /^set[A-Z]/.test(call.expression.text);
}

/** Inside a JSX child expression or a read attribute's value: where a literal reaches the screen. */
function inShownPlace(node: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    if (ts.isJsxAttribute(n)) return READ_ATTRIBUTES.has(n.name.getText());
    if (ts.isJsxExpression(n)) {
      if (ts.isJsxAttribute(n.parent)) return READ_ATTRIBUTES.has(n.parent.name.getText());
      return ts.isJsxElement(n.parent) || ts.isJsxFragment(n.parent);
    }
  }
  return false;
}

export function untranslated(file: string, source = readFileSync(file, 'utf8')): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (n: ts.Node) => `${relative(RENDERER, file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) found.push(`${where(node)} text ${JSON.stringify(node.text.trim())}`);
    if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer) && hasWords(node.initializer.text)) {
      found.push(`${where(node)} ${node.name.getText()}=${JSON.stringify(node.initializer.text)}`);
    }
    const literal = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node) ? node.text : null;
    if (literal !== null && hasWords(literal) && !ts.isJsxAttribute(node.parent) && isShown(ts.isTemplateLiteralToken(node) ? node.parent : node) && inShownPlace(node)) {
      found.push(`${where(node)} literal ${JSON.stringify(literal)}`);
    } else if (literal !== null && hasWords(literal) && setIntoState(node, literal)) {
      found.push(`${where(node)} state ${JSON.stringify(literal)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the renderer shows no text outside the message catalogue', () => {
  it('finds the kinds of untranslated text it looks for', () => {
    const sample = `export const A = ({ busy, n }: { busy: boolean; n: string }) => (
      <p title="Open it" aria-label={\`Remove \${n}\`}>
        Hello {busy ? 'Saving…' : t('x')} {n ?? 'none'} <kbd>J</kbd> · × {t('ok')} <span className="muted" data-testid="x">{n}</span>
      </p>
    );
    function B({ setSaved, setMode }: { setSaved: (s: string) => void; setMode: (s: string) => void }) {
      setSaved(\`Saved \${1} v2\`);
      setSaved('Nothing changed');
      setMode('edit');
    }`;
    expect(untranslated(join(RENDERER, 'Sample.tsx'), sample)).toEqual([
      'Sample.tsx:2 title="Open it"',
      'Sample.tsx:2 literal "Remove "',
      'Sample.tsx:3 text "Hello"',
      'Sample.tsx:3 literal "Saving…"',
      'Sample.tsx:3 literal "none"',
      'Sample.tsx:7 state "Saved "',
      'Sample.tsx:7 state " v2"',
      'Sample.tsx:8 state "Nothing changed"',
    ]);
  });

  it('in any .tsx under renderer/src', () => {
    const files = tsxFiles(RENDERER);
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap((f) => untranslated(f))).toEqual([]);
  });
});
