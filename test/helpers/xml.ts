// A strict little XML parser for the SVG tests: enough to prove a document is well-formed.

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

/**
 * A deliberately strict mini XML parser: enough to prove the output is
 * well-formed (balanced tags, quoted attributes, no stray `<` or `&`, one root).
 */
export function parseXml(src: string): XmlNode {
  let pos = 0;
  const decl = /^<\?xml [^?]*\?>\s*/.exec(src);
  if (decl) pos = decl[0].length;
  const root: XmlNode = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlNode[] = [root];
  const checkEntities = (s: string, where: number): void => {
    for (let i = s.indexOf("&"); i >= 0; i = s.indexOf("&", i + 1)) {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(s)) throw new Error(`bare & near offset ${where + i}`);
    }
  };
  while (pos < src.length) {
    if (src[pos] === "<") {
      const close = /<\/([A-Za-z][\w:.-]*)\s*>/y;
      close.lastIndex = pos;
      const cm = close.exec(src);
      if (cm) {
        const top = stack.pop()!;
        if (top.name !== cm[1]) throw new Error(`</${cm[1]}> closes <${top.name}> at offset ${pos}`);
        pos = close.lastIndex;
        continue;
      }
      const open = /<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/y;
      open.lastIndex = pos;
      const om = open.exec(src);
      if (!om) throw new Error(`malformed tag at offset ${pos}: ${src.slice(pos, pos + 60)}`);
      const node: XmlNode = { name: om[1]!, attrs: {}, children: [], text: "" };
      for (const am of om[2]!.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*"([^"<]*)"/g)) {
        if (am[1]! in node.attrs) throw new Error(`duplicate attribute ${am[1]} on <${node.name}>`);
        checkEntities(am[2]!, pos);
        node.attrs[am[1]!] = am[2]!;
      }
      stack[stack.length - 1]!.children.push(node);
      if (om[3] !== "/") stack.push(node);
      pos = open.lastIndex;
    } else {
      const next = src.indexOf("<", pos);
      const chunk = src.slice(pos, next < 0 ? src.length : next);
      if (chunk.includes(">")) throw new Error(`unescaped > in text near offset ${pos}`);
      checkEntities(chunk, pos);
      if (stack.length === 1 && chunk.trim()) throw new Error(`text outside the root element at offset ${pos}`);
      stack[stack.length - 1]!.text += chunk;
      pos += chunk.length;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error(`expected one root element, got ${root.children.length}`);
  return root.children[0]!;
}

export function all(node: XmlNode, pred: (n: XmlNode) => boolean, out: XmlNode[] = []): XmlNode[] {
  if (pred(node)) out.push(node);
  for (const c of node.children) all(c, pred, out);
  return out;
}

export function unescape(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

