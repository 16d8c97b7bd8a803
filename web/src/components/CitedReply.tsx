/**
 * An answer grounded in sources: its markdown with `[n]` markers as buttons, then the numbered
 * sources. A marker scrolls to its source and highlights it.
 */
import { useId, useState } from "react";
import type { Citation } from "../api/rag";
import { citationDomId } from "../rag/citations";
import { CitationList } from "./CitationList";
import { Markdown } from "./Markdown";
import "../rag/rag.css";

export function CitedReply({ text, citations }: { text: string; citations: readonly Citation[] }) {
  const prefix = useId().replace(/:/g, "");
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const cite = (n: number) => {
    setHighlighted(n);
    const item = document.getElementById(citationDomId(prefix, n));
    item?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
    item?.focus({ preventScroll: true });
  };
  return (
    <>
      <Markdown text={text} citations={citations.map((c) => c.n)} onCite={cite} />
      <CitationList citations={citations} idPrefix={prefix} highlighted={highlighted} />
    </>
  );
}
