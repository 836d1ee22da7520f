import { useRef } from 'react';

interface FileButtonProps {
  label: string;
  accept?: string;
  /** Receives the file's text (files are read in the browser; nothing is uploaded until the admin confirms). */
  onText: (text: string, fileName: string) => void;
  /** Larger files are refused before reading (a PEM or CSV is small). */
  maxBytes?: number;
  onTooLarge?: () => void;
}

/** A normal, focusable button that opens the file picker (the native input stays hidden). */
export function FileButton({ label, accept, onText, maxBytes = 5_000_000, onTooLarge }: FileButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="btn" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          if (file.size > maxBytes) {
            onTooLarge?.();
            return;
          }
          void file.text().then((text) => onText(text, file.name));
        }}
      />
    </>
  );
}
