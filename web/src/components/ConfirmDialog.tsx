/**
 * The one confirmation for destructive actions: names the object, states the consequence, traps
 * focus while open, Escape or Cancel cancels, and focus returns where it was. `useConfirm()`
 * gives `confirm(request) → Promise<boolean>` to any screen under `<ConfirmProvider>`.
 */
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState } from "react";
import type { KeyboardEvent, ReactNode } from "react";

export interface ConfirmRequest {
  /** The action as a verb phrase, also the confirm button's text, e.g. "Revoke key". */
  action: string;
  /** What it acts on, named in the title, e.g. "ci pipeline". */
  object: string;
  /** What happens, in a sentence, e.g. "Programs using it stop working at once." */
  consequence: string;
  /** Destructive actions get the danger style (default); leaving a page does too. */
  danger?: boolean;
}

interface DialogProps extends ConfirmRequest {
  onAnswer(confirmed: boolean): void;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/** The dialog itself (rendered by the provider; exported for tests). */
export function ConfirmDialog({ action, object, consequence, danger = true, onAnswer }: DialogProps) {
  const titleId = useId();
  const textId = useId();
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    // The safe choice has the focus first: Enter on an accidental open does no harm.
    cancel.current?.focus();
    return () => before?.focus?.();
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Escape") {
      e.preventDefault();
      onAnswer(false);
      return;
    }
    if (e.key !== "Tab" || !box.current) return;
    const items = Array.from(box.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onAnswer(false)}>
      <div
        ref={box}
        className="dialog card"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={textId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>
          {action} “{object}”?
        </h2>
        <p id={textId}>{consequence}</p>
        <div className="buttons end">
          <button ref={cancel} type="button" className="secondary" onClick={() => onAnswer(false)}>
            Cancel
          </button>
          <button type="button" className={danger ? "danger solid" : ""} onClick={() => onAnswer(true)}>
            {action}
          </button>
        </div>
      </div>
    </div>
  );
}

type Confirm = (request: ConfirmRequest) => Promise<boolean>;

const ConfirmContext = createContext<Confirm | null>(null);

/** Holds the open dialog (one at a time) for every screen below it. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<(ConfirmRequest & { resolve(ok: boolean): void }) | null>(null);
  const confirm = useCallback<Confirm>(
    (request) =>
      new Promise<boolean>((resolve) => {
        setOpen((current) => {
          current?.resolve(false);
          return { ...request, resolve };
        });
      }),
    [],
  );
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {open && (
        <ConfirmDialog
          {...open}
          onAnswer={(ok) => {
            open.resolve(ok);
            setOpen(null);
          }}
        />
      )}
    </ConfirmContext.Provider>
  );
}

/** `await confirm({action, object, consequence})`: true when the user confirmed. */
export function useConfirm(): Confirm {
  const confirm = useContext(ConfirmContext);
  if (!confirm) throw new Error("useConfirm outside ConfirmProvider");
  return confirm;
}
