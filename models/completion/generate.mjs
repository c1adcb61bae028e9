// Writes the code editor's completion data (README.md) from @cloudflare/workers-types, read with
// the TypeScript compiler's type checker as an editor set up for Workers would read it.
//
//   node generate.mjs <node_modules> <output.json>
//
// <node_modules> is where `npm ci` installed package-lock.json (the build tree's copy).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [modules, output] = process.argv.slice(2);
if (!modules || !output) {
  console.error("usage: node generate.mjs <node_modules> <output.json>");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(modules), "generate"));
const ts = require("typescript");
const typesDir = path.dirname(require.resolve("@cloudflare/workers-types/package.json"));
// The default entry: the runtime's newest APIs, what Cloudflare's editor offers. Switchyard does
// not type a Worker by its compatibility date, so no dated entry is picked.
const typesEntry = path.join(typesDir, "index.d.ts");

// What each completion context completes: a type expression over the declarations. A request is
// typed as the fetch handler's parameter (its `cf` is the incoming request's properties).
const types = {
  Request: "Parameters<ExportedHandlerFetchHandler>[0]",
  Response: "Response",
  "Response (static)": "typeof Response",
  Headers: "Headers",
  URL: "URL",
  URLSearchParams: "URLSearchParams",
  Crypto: "Crypto",
  SubtleCrypto: "SubtleCrypto",
  CacheStorage: "CacheStorage",
  Cache: "Cache",
  ExecutionContext: "ExecutionContext",
  FetchEvent: "FetchEvent",
  Console: "Console",
};

// One script file (not a module, so the globals it asks for are the program's) holding a value of
// each type.
const probeName = path.join(path.dirname(path.resolve(output)), "completion-probe.ts");
const keys = Object.keys(types);
const probeNames = new Set(keys.map((key, i) => `__completionProbe${i}`));
const probeText = [...probeNames].map((name, i) => `declare const ${name}: ${types[keys[i]]};\n`)
  .join("");

// What a Workers project's tsconfig.json sets (the package's README): the newest ECMAScript
// library and workers-types instead of the DOM. Strict null checks keep `| null` in the types;
// exact optional properties keep `| undefined` out of the optional ones.
const options = {
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  lib: ["lib.esnext.d.ts"],
  types: [],
  strict: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
};
const host = ts.createCompilerHost(options);
const readFile = host.readFile.bind(host);
const fileExists = host.fileExists.bind(host);
host.readFile = (name) => (path.resolve(name) === probeName ? probeText : readFile(name));
host.fileExists = (name) => path.resolve(name) === probeName || fileExists(name);
const program = ts.createProgram([typesEntry, probeName], options, host);
const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(probeName));
if (errors.length) {
  console.error(ts.formatDiagnostics(errors, host));
  process.exit(1);
}
const checker = program.getTypeChecker();
const probe = program.getSourceFile(probeName);

const format = ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

// A declaration's text on one line: `(name: string): string | null`.
function oneLine(text) {
  return text
    .replace(/\s+/g, " ")
    .replace(/(extends|[(<:=,]) \| /g, "$1 ")
    .replace(/,\s*([)>\]])/g, "$1")
    .replace(/([(<[]) /g, "$1")
    .trim();
}

// A signature as its declaration writes it (the checker would add `| undefined` to every optional
// parameter and cut long types short), with how many overloads follow.
function signature(signatures) {
  const declaration = signatures[0].getDeclaration();
  let text;
  if (declaration && declaration.parameters) {
    const typeParameters = declaration.typeParameters
      ? `<${declaration.typeParameters.map((p) => p.getText()).join(", ")}>`
      : "";
    const parameters = declaration.parameters.map((p) => p.getText()).join(", ");
    const result = declaration.type ? `: ${declaration.type.getText()}` : "";
    text = oneLine(`${typeParameters}(${parameters})${result}`);
  } else {
    text = checker.signatureToString(signatures[0], undefined, format);
  }
  const more = signatures.length - 1;
  return more === 0 ? text : `${text} (+${more} overload${more > 1 ? "s" : ""})`;
}

// A property's type as the checker resolves it (a request's `cf` is the incoming request's
// properties, not the declaration's type parameter `Cf`), or as declared when that is much
// shorter than the resolved type's structure.
function propertyType(symbol, type) {
  const resolved = checker.typeToString(type, undefined, format | ts.TypeFormatFlags.NoTruncation);
  const declaration = symbol.getDeclarations()?.[0];
  if (resolved.length <= 60 || !declaration?.type)
    return resolved;
  return oneLine(declaration.type.getText());
}

// A symbol's completion entry: a class (something `new` makes), a method or function (something
// called, with its first signature), or a property or variable (with its type).
function entry(symbol, location, { callable, plain }) {
  const type = checker.getTypeOfSymbolAtLocation(symbol, location);
  const name = symbol.getName();
  const calls = type.getCallSignatures();
  // Symbol and BigInt are called, not constructed, but are classes all the same.
  const hasPrototype = type.getProperties().some((p) => p.getName() === "prototype");
  if (type.getConstructSignatures().length || (calls.length && hasPrototype))
    return { name, kind: "class", detail: "" };
  if (calls.length)
    return { name, kind: callable, detail: signature(calls) };
  return { name, kind: plain, detail: propertyType(symbol, type) };
}

// Members a name can reach: not the symbol-keyed ones (`[Symbol.iterator]`), not a constructor's
// `prototype`.
function reachable(symbol) {
  const name = symbol.getName();
  return !name.startsWith("__@") && !name.startsWith("#") && name !== "prototype";
}

const out = { generatedFrom: {}, types: {}, globals: [] };
for (const pkg of ["@cloudflare/workers-types", "typescript"])
  out.generatedFrom[pkg] = require(`${pkg}/package.json`).version;

probe.statements.forEach((statement, i) => {
  const declaration = statement.declarationList.declarations[0];
  const type = checker.getTypeAtLocation(declaration.name);
  out.types[keys[i]] = checker
    .getPropertiesOfType(type)
    .filter(reachable)
    .map((member) => entry(member, declaration, { callable: "method", plain: "property" }));
});

// The globals: ECMAScript's (TypeScript's lib files) and, of workers-types' declarations, what
// the Worker's global scope (ServiceWorkerGlobalScope) has and what is declared as a global
// function, variable or namespace of functions. Classes workers-types declares only to type
// bindings and events (D1Database, DurableObjectNamespace, ...) are not globals of a Worker.
const scopeSymbol = checker.resolveName(
  "ServiceWorkerGlobalScope", probe, ts.SymbolFlags.Type, false);
const scopeNames = new Set(
  checker
    .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(scopeSymbol))
    .map((s) => s.getName()));
function isLib(declaration) {
  return program.isSourceFileDefaultLibrary(declaration.getSourceFile());
}
// Namespaces that type an import (`declare module "cloudflare:workers" { export = ... }`).
const imported = new Set();
for (const statement of program.getSourceFile(typesEntry).statements) {
  if (ts.isModuleDeclaration(statement) && ts.isStringLiteral(statement.name) && statement.body)
    for (const inner of statement.body.statements ?? [])
      if (ts.isExportAssignment(inner) && inner.isExportEquals && ts.isIdentifier(inner.expression))
        imported.add(inner.expression.text);
}
function isWorkerGlobal(symbol) {
  // The checker's own (globalThis, undefined) have no declarations.
  const declarations = symbol.getDeclarations() ?? [];
  if (!declarations.length || declarations.some(isLib))
    return true;
  if (scopeNames.has(symbol.getName()))
    return true;
  if (imported.has(symbol.getName()))
    return false;
  return declarations.some(
    (d) =>
      ts.isFunctionDeclaration(d) ||
      ts.isVariableDeclaration(d) ||
      (ts.isModuleDeclaration(d) && ts.isIdentifier(d.name) && d.body &&
        ts.isModuleBlock(d.body) && d.body.statements.some(ts.isFunctionDeclaration)));
}
const globals = checker
  .getSymbolsInScope(probe, ts.SymbolFlags.Value)
  .filter((symbol) => !probeNames.has(symbol.getName()) && isWorkerGlobal(symbol));
for (const symbol of globals) {
  if (symbol.flags & ts.SymbolFlags.ValueModule && !(symbol.flags & ts.SymbolFlags.Variable)) {
    out.globals.push({ name: symbol.getName(), kind: "namespace", detail: "" });
    continue;
  }
  const e = entry(symbol, probe, { callable: "function", plain: "variable" });
  // An object of members (console, crypto, JSON, Math): a namespace, named by its type.
  if (e.kind === "variable") {
    const type = checker.getTypeOfSymbolAtLocation(symbol, probe);
    if (type.flags & ts.TypeFlags.Object && !type.getCallSignatures().length)
      e.kind = "namespace";
  }
  out.globals.push(e);
}
out.globals.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
for (const key of keys)
  out.types[key].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const json = JSON.stringify(out, null, 1) + "\n";
fs.writeFileSync(`${output}.tmp`, json);
fs.renameSync(`${output}.tmp`, output);
