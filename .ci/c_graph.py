#!/usr/bin/env python3
"""The dependency graph of csrc/: which part uses which, and proof that it
has no cycle. A part is a .c file with its .h (transfer.c + transfer.h); part
A depends on part B when A's files include B's header or use a function B
defines (a call, or a function handed to libcurl as a callback). Prints the
parts layer by layer (each uses only parts of the layers below it) and the
edges; exits 1, naming a cycle, when there is one.

Usage: python3 .ci/c_graph.py [-q] [csrc]   (-q: the summary line only;
`make lint` runs it so)"""
import os
import re
import sys

args = [a for a in sys.argv[1:] if a != "-q"]
quiet = "-q" in sys.argv[1:]
root = args[0] if args else "csrc"
files = sorted(f for f in os.listdir(root) if f.endswith((".c", ".h")))


def strip(text):
    """The source without comments and string literals."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


src = {f: strip(open(os.path.join(root, f)).read()) for f in files}
raw = {f: open(os.path.join(root, f)).read() for f in files}
part = {f: os.path.splitext(f)[0] for f in files}
parts = sorted(set(part.values()))

# Functions each part defines: a global (or static inline, in a header)
# function at the start of a line, followed by its body.
define = re.compile(r"^[A-Za-z_][\w \t\*]*?\b((?:anth|luaopen)_\w+)\s*\([^;{]*\)\s*\{", re.M)
owner = {}
for f in files:
    for name in define.findall(src[f]):
        owner[name] = part[f]

# Declarations (prototypes at the start of a line, typedefs) are not uses.
prototype = re.compile(r"^[A-Za-z_][^;{}=#]*?\)\s*;", re.M)
uses = {f: prototype.sub(" ", src[f]) for f in files}

include = re.compile(r'^\s*#\s*include\s+"([\w.]+)\.h"', re.M)
ident = re.compile(r"\b((?:anth|luaopen)_\w+)\b")
edges = {p: set() for p in parts}
why = {}
for f in files:
    a = part[f]
    for h in include.findall(raw[f]):
        if h != a and h in edges:
            edges[a].add(h)
            why.setdefault((a, h), "includes %s.h" % h)
    for name in ident.findall(uses[f]):
        b = owner.get(name)
        if b and b != a:
            edges[a].add(b)
            why[(a, b)] = "%s uses %s" % (f, name)

# Layers: a part's layer is one above the highest of the parts it uses.
layer, state = {}, {}


def visit(p, stack):
    if state.get(p) == "done":
        return layer[p]
    if state.get(p) == "open":
        cycle = stack[stack.index(p):] + [p]
        print("c_graph: cycle: " + " -> ".join(cycle))
        for x, y in zip(cycle, cycle[1:]):
            print("  %s -> %s: %s" % (x, y, why.get((x, y), "?")))
        sys.exit(1)
    state[p] = "open"
    layer[p] = 1 + max([visit(q, stack + [p]) for q in edges[p]] or [-1])
    state[p] = "done"
    return layer[p]


for p in parts:
    visit(p, [])
top = max(layer.values())
for n in range(top, -1, -1) if not quiet else ():
    names = sorted(p for p in parts if layer[p] == n)
    print("layer %d: %s" % (n, " ".join(names)))
    for p in names:
        if edges[p]:
            print("    %-14s -> %s" % (p, " ".join(sorted(edges[p], key=lambda q: (-layer[q], q)))))
print("c_graph: %d parts, %d edges, no cycle" % (len(parts), sum(len(e) for e in edges.values())))
