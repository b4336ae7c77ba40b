// Markdown read back as GitHub reads it (unified + remark-parse + remark-gfm), and the walks the tests make over it.

import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/** The parts of an mdast node the tests read. */
export interface MdNode {
  type: string;
  value?: string;
  url?: string;
  alt?: string | null;
  depth?: number;
  /** A code block's info string (` ```text `). */
  lang?: string | null;
  align?: unknown[];
  children?: MdNode[];
}

/** The syntax tree of a Markdown text, GitHub-flavoured. */
export function parseMarkdown(md: string): MdNode {
  return unified().use(remarkParse).use(remarkGfm).parse(md) as unknown as MdNode;
}

/** Visits the node and every node under it, depth first, in document order. */
export function walk(node: MdNode, visit: (n: MdNode) => void): void {
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}

/** Every node of a type under (and including) the node, in document order. */
export function nodesOf(tree: MdNode, type: string): MdNode[] {
  const found: MdNode[] = [];
  walk(tree, (n) => {
    if (n.type === type) found.push(n);
  });
  return found;
}

/** The text of a node and its children, without the Markdown around it. */
export function plainText(node: MdNode): string {
  return node.value ?? (node.children ?? []).map(plainText).join('');
}
