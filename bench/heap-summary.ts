/**
 * Summarises a V8 heap snapshot (`.heapsnapshot`, as `--heapsnapshot-signal` or `v8.writeHeapSnapshot` write it):
 * self size by node type and constructor, and the objects that retain the most (dominator tree, weak edges
 * ignored), each with the path of edge names from the GC roots that dominates it.
 *
 *   node bench/heap-summary.ts FILE.heapsnapshot [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Graph {
  count: number;
  type: string[];
  name: string[];
  selfSize: Float64Array;
  firstEdge: Uint32Array;
  edgeTo: Uint32Array;
  edgeName: string[];
  edgeWeak: Uint8Array;
}

function load(file: string): Graph {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const [nodeTypes] = s.snapshot.meta.node_types;
  const [edgeTypes] = s.snapshot.meta.edge_types;
  const N = nf.length;
  const E = ef.length;
  const count = s.nodes.length / N;
  const g: Graph = {
    count,
    type: new Array<string>(count),
    name: new Array<string>(count),
    selfSize: new Float64Array(count),
    firstEdge: new Uint32Array(count + 1),
    edgeTo: new Uint32Array(s.edges.length / E),
    edgeName: new Array<string>(s.edges.length / E),
    edgeWeak: new Uint8Array(s.edges.length / E),
  };
  const [ti, ni, si, eci] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [eti, eni, eto] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  let edge = 0;
  for (let i = 0; i < count; i++) {
    const base = i * N;
    g.type[i] = nodeTypes[s.nodes[base + ti!]!]!;
    g.name[i] = s.strings[s.nodes[base + ni!]!]!;
    g.selfSize[i] = s.nodes[base + si!]!;
    g.firstEdge[i] = edge;
    edge += s.nodes[base + eci!]!;
  }
  g.firstEdge[count] = edge;
  for (let e = 0; e < g.edgeTo.length; e++) {
    const base = e * E;
    const type = edgeTypes[s.edges[base + eti!]!]!;
    const nameOrIndex = s.edges[base + eni!]!;
    g.edgeTo[e] = s.edges[base + eto!]! / N;
    g.edgeWeak[e] = type === 'weak' ? 1 : 0;
    g.edgeName[e] =
      type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : String(s.strings[nameOrIndex]);
  }
  return g;
}

/** Reverse postorder from the root (node 0) over strong edges; unreachable nodes are left out. */
interface Walk {
  order: Uint32Array;
  rank: Int32Array;
  /** The edge, and the node it leaves, on a shortest path from the root to each node. */
  parentEdge: Int32Array;
  parentNode: Int32Array;
}

/** Breadth first from the root over strong edges: shortest retaining paths, for display. */
function shortestPaths(g: Graph): { parentEdge: Int32Array; parentNode: Int32Array } {
  const parentEdge = new Int32Array(g.count).fill(-1);
  const parentNode = new Int32Array(g.count).fill(-1);
  const queue = new Uint32Array(g.count);
  const seen = new Uint8Array(g.count);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail) {
    const v = queue[head++]!;
    for (let e = g.firstEdge[v]!; e < g.firstEdge[v + 1]!; e++) {
      const w = g.edgeTo[e]!;
      if (g.edgeWeak[e] || seen[w]) continue;
      seen[w] = 1;
      parentEdge[w] = e;
      parentNode[w] = v;
      queue[tail++] = w;
    }
  }
  return { parentEdge, parentNode };
}

function reversePostorder(g: Graph): Walk {
  const rank = new Int32Array(g.count).fill(-1);
  const post: number[] = [];
  const visited = new Uint8Array(g.count);
  const stack: number[] = [0];
  const cursor = new Uint32Array(g.count);
  visited[0] = 1;
  for (let i = 0; i < g.count; i++) cursor[i] = g.firstEdge[i]!;
  while (stack.length > 0) {
    const v = stack[stack.length - 1]!;
    if (cursor[v]! < g.firstEdge[v + 1]!) {
      const e = cursor[v]!++;
      const w = g.edgeTo[e]!;
      if (g.edgeWeak[e] || visited[w]) continue;
      visited[w] = 1;
      stack.push(w);
    } else {
      post.push(stack.pop()!);
    }
  }
  const order = Uint32Array.from(post.reverse());
  order.forEach((v, i) => (rank[v] = i));
  return { order, rank, ...shortestPaths(g) };
}

function predecessors(g: Graph, rank: Int32Array): number[][] {
  const preds: number[][] = Array.from({ length: g.count }, () => []);
  for (let v = 0; v < g.count; v++) {
    if (rank[v]! < 0) continue;
    for (let e = g.firstEdge[v]!; e < g.firstEdge[v + 1]!; e++)
      if (!g.edgeWeak[e] && rank[g.edgeTo[e]!]! >= 0) preds[g.edgeTo[e]!]!.push(v);
  }
  return preds;
}

/** Cooper, Harvey and Kennedy's iterative dominator algorithm. */
function dominators(g: Graph, order: Uint32Array, rank: Int32Array): Int32Array {
  const preds = predecessors(g, rank);
  const idom = new Int32Array(g.count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (rank[a]! > rank[b]!) a = idom[a]!;
      while (rank[b]! > rank[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 1; i < order.length; i++) {
      const v = order[i]!;
      let next = -1;
      for (const p of preds[v]!) if (idom[p]! >= 0) next = next < 0 ? p : intersect(p, next);
      if (next >= 0 && idom[v] !== next) {
        idom[v] = next;
        changed = true;
      }
    }
  }
  return idom;
}

function label(g: Graph, v: number): string {
  const name = g.name[v]!.replace(/\s+/g, ' ');
  return `${g.type[v]}:${name.length > 60 ? `${name.slice(0, 57)}...` : name}`;
}

function pathTo(g: Graph, v: number, walk: Walk): string {
  const parts: string[] = [];
  for (let n = v; n > 0 && parts.length < 10; n = walk.parentNode[n]!) {
    const e = walk.parentEdge[n]!;
    if (e < 0) break;
    const from = walk.parentNode[n]!;
    parts.push(`${g.edgeName[e]}${g.type[from] === 'object' ? `@${label(g, from).slice(7, 30)}` : ''}`);
  }
  return parts.reverse().join(' → ');
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
  const top = Number(values.top ?? 30);
  const g = load(positionals[0]!);
  const total = g.selfSize.reduce((a, b) => a + b, 0);
  const byKind = new Map<string, { size: number; count: number }>();
  for (let v = 0; v < g.count; v++) {
    const key = g.type[v] === 'object' || g.type[v] === 'closure' ? label(g, v) : g.type[v]!;
    const entry = byKind.get(key) ?? { size: 0, count: 0 };
    entry.size += g.selfSize[v]!;
    entry.count++;
    byKind.set(key, entry);
  }
  console.log(`${g.count} nodes, ${mb(total)} self size in all`);
  console.log('\nself size by type / constructor:');
  for (const [key, { size, count }] of [...byKind].sort((a, b) => b[1].size - a[1].size).slice(0, top))
    console.log(`  ${mb(size).padStart(9)} ${String(count).padStart(8)}  ${key}`);
  const walk = reversePostorder(g);
  const { order, rank } = walk;
  const idom = dominators(g, order, rank);
  const retained = Float64Array.from(g.selfSize);
  for (let i = order.length - 1; i > 0; i--) retained[idom[order[i]!]!]! += retained[order[i]!]!;
  const candidates = [...order].filter((v) => g.type[v] !== 'synthetic' && retained[v]! > total / 200);
  candidates.sort((a, b) => retained[b]! - retained[a]!);
  console.log('\nlargest retainers (retained size, node, path from the roots):');
  for (const v of candidates.slice(0, top))
    console.log(`  ${mb(retained[v]!).padStart(9)}  ${label(g, v)}  ← ${pathTo(g, v, walk)}`);
}

main();
