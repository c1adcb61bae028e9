#!/usr/bin/env python3
"""Prints the globals table of docs/compatibility.md from two answers of scripts/compat/globals.js:
   table.py workerd.json switchyard.json
(workerd: `node tests/fidelity/oracle-workerd.mjs scripts/compat/globals.js`; Switchyard: the same
Worker uploaded and fetched through the dispatch listener)."""
import json, sys

wd = json.load(open(sys.argv[1]))
sy = json.load(open(sys.argv[2]))
noise = {'Symbol(cloudflare:internal-class)', 'Symbol(kResourceTypeInspect)'}  # workerd internals
in_progress = {}  # globals another change is still working on: name -> note
notes = {
    'Body': "workerd's base class of Request and Response; Switchyard defines the same members on each",
    'Cloudflare': "workerd's `Cloudflare.compatibilityFlags`",
    'HTMLRewriter': 'not implemented',
    'WebSocketRequestResponsePair': "Durable Objects' hibernation API",
    'Float16Array': 'V8 10.2 has no Float16Array, and a typed array kind cannot be polyfilled faithfully',
    'DisposableStack': 'explicit resource management (`using` cannot be parsed by V8 10.2); not polyfilled yet',
    'AsyncDisposableStack': 'as DisposableStack', 'SuppressedError': 'as DisposableStack',
    'ServiceWorkerGlobalScope': "workerd's global object class; Switchyard's global object is V8's plain one, with the Web APIs as its own properties",
    'WorkerGlobalScope': 'as ServiceWorkerGlobalScope',
    'scheduler': '`scheduler.wait()`', 'origin': 'workerd answers `"null"`',
}


def members(entry):
    out = set()
    for kind in ('static', 'proto', 'own'):
        for m in entry.get(kind) or []:
            if m != 'constructor' and m not in noise:
                out.add(('#' if kind == 'proto' else '.') + m)
    return out


body = {'#' + m for m in wd.get('Body', {}).get('proto', [])}
for name in sorted(wd, key=lambda s: (s.startswith('%'), s.lower())):
    if name in ('globalThis', 'self', 'constructor'):
        continue
    w, s = wd[name], sy.get(name)
    if name in in_progress:
        status = in_progress[name]
    elif s is None:
        status = 'missing' + (': ' + notes[name] if name in notes else '')
    else:
        lacks, extra = members(w) - members(s), members(s) - members(w)
        if name in ('Request', 'Response'):
            extra -= body
        parts = []
        if w.get('kind') != s.get('kind'):
            parts.append(f"a {s.get('kind')} (workerd: a {w.get('kind')})")
        if lacks:
            parts.append('lacks ' + ', '.join(f'`{m}`' for m in sorted(lacks)))
        if extra:
            parts.append('also has ' + ', '.join(f'`{m}`' for m in sorted(extra)))
        if name in notes:
            parts.append(notes[name])
        status = 'same' if not parts else 'differs: ' + '; '.join(parts)
    print(f"| `{name}` | {w.get('kind', 'intrinsic')} | {status} |")
print()
print('Switchyard only:', ', '.join(f'`{n}`' for n in sorted(n for n in sy if n not in wd)))
