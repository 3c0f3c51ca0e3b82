import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The layers of docs/architecture.md, held against every import statement of
// main/, preload/ and renderer/src. A folder may import its own files and
// folders on a lower floor, never one on its own floor or above: so mesh and
// contract stand on shared and log alone, and transfers and folders never
// reach into the services that compose them.
const FLOORS: Record<string, number> = {
  'main/shared': 0,
  'main/log': 0,
  'main/mesh': 1,
  'main/contract': 1,
  'main/settings': 2,
  'main/transfers': 2,
  'main/sandbox': 2,
  'main/secrets': 3,
  // Above transfers and settings: it turns the engine's events and the policy read into entries.
  'main/audit': 3,
  'main/certs': 4,
  'main/folders': 5,
  'main/services': 6,
  'main/cli': 7,
  'main/preview': 7,
  'main/app': 8,
};

const ROOT = resolve(__dirname, '../../..');
const AREAS = ['main', 'preload', 'renderer/src'];

interface ImportLine {
  file: string;
  line: number;
  specifier: string;
  /** The file imported, from the root, for a relative specifier. */
  target?: string;
  /** Nothing of it is left at run time (`import type`, or every name marked type). */
  typeOnly: boolean;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) ? [path] : [];
  });
}

/** The file a relative specifier names, from the root, as the bundler finds it (x.ts, x.tsx, x/index.ts). */
function resolveFile(file: string, specifier: string): string {
  const base = resolve(ROOT, dirname(file), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  const found = candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? base;
  return relative(ROOT, found).replace(/\\/g, '/');
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    return (
      node.isTypeOnly ||
      (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly))
    );
  }
  const clause = node.importClause;
  if (!clause) return false; // `import './x'` runs the module.
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    !clause.name &&
    !!bindings &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** Every import, export-from, import() and require() of a file, read by the TypeScript parser. */
function importsOf(file: string, text = readFileSync(join(ROOT, file), 'utf8')): ImportLine[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: ImportLine[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const target = specifier.startsWith('.') ? resolveFile(file, specifier) : undefined;
    found.push({ file, line, specifier, typeOnly, ...(target !== undefined ? { target } : {}) });
  };
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, isTypeOnly(node));
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) add(node, (node.arguments[0] as ts.StringLiteralLike).text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The folder a path belongs to for these rules: main/<folder>, preload, renderer or another top-level place. */
function placeOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'main') return parts.length > 2 ? `main/${parts[1]}` : 'main';
  return parts[0]!;
}

/** Why one import breaks the layers, or undefined when it keeps them. */
function brokenRule(item: ImportLine): string | undefined {
  const from = placeOf(item.file);
  const target = item.target;
  if (item.specifier === 'electron' || item.specifier.startsWith('electron/')) {
    return from === 'main/app' || from === 'preload' ? undefined : 'only main/app and preload may import electron';
  }
  if (target === undefined) return undefined; // A package; package.json and the bundler rule on those.
  const to = placeOf(target);
  if (to === from) return undefined;
  if (from === 'renderer') {
    if (to !== 'main/contract') return `the renderer may import only main/contract, not ${to}`;
    return item.typeOnly ? undefined : 'the renderer may import main/contract types only (import type)';
  }
  if (from === 'preload') return to === 'main/contract' ? undefined : `preload may import only main/contract, not ${to}`;
  if (to === 'preload' || to === 'renderer' || to === 'test' || to === 'scripts') return `main/ may not import ${to}`;
  const fromFloor = FLOORS[from];
  const toFloor = FLOORS[to];
  if (fromFloor === undefined) return `${from} has no floor: give it one in docs/architecture.md and in this test`;
  if (toFloor === undefined) return `${to} has no floor: give it one in docs/architecture.md and in this test`;
  if (toFloor >= fromFloor) return `${from} (floor ${fromFloor}) may import only lower floors, and ${to} is on floor ${toFloor}`;
  return undefined;
}

const everyImport = AREAS.flatMap(sourceFiles).flatMap((file) => importsOf(file));

describe('the import graph', () => {
  it('is read whole: every area, with the imports known to be there', () => {
    const files = new Set(everyImport.map((item) => item.file));
    expect(files.size).toBeGreaterThan(150);
    const crossings = new Set(everyImport.filter((i) => i.target).map((i) => `${placeOf(i.file)} -> ${placeOf(i.target!)}`));
    for (const known of [
      'main/services -> main/folders',
      'main/transfers -> main/mesh',
      'preload -> main/contract',
      'renderer -> main/contract',
    ]) {
      expect(crossings).toContain(known);
    }
    expect(everyImport.some((i) => i.file.startsWith('main/app/') && i.specifier === 'electron')).toBe(true);
  });

  it('names the rule each kind of bad import breaks', () => {
    const rulesFor = (file: string, text: string) => importsOf(file, text).map(brokenRule);
    expect(rulesFor('renderer/src/lib/x.ts', "import { requestNames } from '../../../main/contract/channels';")).toEqual([
      'the renderer may import main/contract types only (import type)',
    ]);
    expect(
      rulesFor(
        'renderer/src/lib/x.ts',
        "import { type Reply } from '../../../main/contract';\nimport type { A } from '../../../main/contract';",
      ),
    ).toEqual([undefined, undefined]);
    expect(rulesFor('renderer/src/lib/x.ts', "import type { Logger } from '../../../main/log/logger';")).toEqual([
      'the renderer may import only main/contract, not main/log',
    ]);
    expect(rulesFor('main/folders/x.ts', "const m = await import('../services/mailboxes');")).toEqual([
      'main/folders (floor 5) may import only lower floors, and main/services is on floor 6',
    ]);
    expect(rulesFor('main/transfers/x.ts', "export { MailboxService } from '../services/mailboxes';")).toEqual([
      'main/transfers (floor 2) may import only lower floors, and main/services is on floor 6',
    ]);
    expect(rulesFor('main/mesh/x.ts', "import type { SettingsStore } from '../settings/store';")).toEqual([
      'main/mesh (floor 1) may import only lower floors, and main/settings is on floor 2',
    ]);
    expect(rulesFor('main/services/x.ts', "const { app } = require('electron');")).toEqual([
      'only main/app and preload may import electron',
    ]);
    expect(rulesFor('main/app/x.ts', "import { app } from 'electron';\nimport { x } from '../services/app-services';")).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('runs down the layers only', () => {
    const broken = everyImport.flatMap((item) => {
      const rule = brokenRule(item);
      return rule ? [`${item.file}:${item.line} imports '${item.specifier}': ${rule}`] : [];
    });
    expect(broken).toEqual([]);
  });
});
