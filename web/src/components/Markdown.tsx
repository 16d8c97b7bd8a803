/**
 * Model output as markdown, safely: raw HTML in the text is shown as text, links must be
 * http(s) or mailto, images become their alt text. Code blocks are React components so each gets
 * a copy button. With `citations`, `[n]` markers naming them are buttons calling `onCite(n)`.
 */
import { Marked, Renderer } from "marked";
import type { Token, Tokens } from "marked";
import { memo, useMemo } from "react";
import type { MouseEvent } from "react";
import { citationExtension } from "../rag/citations";
import { CopyButton } from "./forms";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function safeHref(href: string): string | null {
  try {
    const url = new URL(href, "https://invalid.example/");
    return ["http:", "https:", "mailto:"].includes(url.protocol) && !href.startsWith("/")
      ? href
      : null;
  } catch {
    return null;
  }
}

const renderer = new Renderer();
renderer.html = ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text);
renderer.image = ({ text }: Tokens.Image) => escapeHtml(text);
renderer.link = function link(this: Renderer, token: Tokens.Link) {
  const inner = this.parser.parseInline(token.tokens);
  const href = safeHref(token.href);
  if (!href) return inner;
  return `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">${inner}</a>`;
};

const OPTIONS = { renderer, gfm: true, breaks: true, async: false } as const;
const markdown = new Marked(OPTIONS);

/** Renders markdown to sanitised HTML (exported for tests). */
export function renderMarkdownHtml(tokens: Token[], parser: Marked = markdown): string {
  return parser.parser(tokens);
}

function CodeBlock({ code, lang }: { code: string; lang?: string }) {
  return (
    <div className="code-block">
      <div className="code-bar">
        <span>{lang || "code"}</span>
        <CopyButton text={code} label="Copy code" />
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </div>
  );
}

export const Markdown = memo(function Markdown({ text, citations, onCite }: {
  text: string;
  /** The source numbers `[n]` may name. */
  citations?: readonly number[];
  onCite?(n: number): void;
}) {
  const known = citations?.join(",") ?? "";
  const parser = useMemo(
    () => (known ? new Marked(OPTIONS, { extensions: [citationExtension(new Set(known.split(",").map(Number)))] }) : markdown),
    [known],
  );
  const blocks = useMemo(() => parser.lexer(text), [parser, text]);
  // The markers are HTML inside the rendered blocks: one listener catches their clicks.
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const marker = (e.target as HTMLElement).closest<HTMLElement>("[data-cite]");
    if (marker && onCite) onCite(Number(marker.dataset.cite));
  };
  return (
    <div className="markdown" onClick={onCite ? onClick : undefined}>
      {blocks.map((token, i) =>
        token.type === "code" ? (
          <CodeBlock key={i} code={(token as Tokens.Code).text} lang={(token as Tokens.Code).lang} />
        ) : (
          // Safe: the renderer escapes raw HTML and only emits vetted links.
          <div key={i} dangerouslySetInnerHTML={{ __html: renderMarkdownHtml([token], parser) }} />
        ),
      )}
    </div>
  );
});
