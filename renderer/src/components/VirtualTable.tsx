import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** CSS grid track, e.g. 'minmax(10rem, 2fr)' or '7rem'. */
  width: string;
  render: (row: T) => ReactNode;
  className?: string;
}

interface VirtualTableProps<T> {
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Fixed row height in px (virtualization needs it). */
  rowHeight: number;
  /** Keep the view scrolled to the newest (last) row as rows arrive. */
  followEnd?: boolean;
  rowClassName?: (row: T) => string | undefined;
  empty?: ReactNode;
  className?: string;
}

const OVERSCAN = 8;

/**
 * A table that only renders the rows in view, so thousands of rows scroll smoothly. ARIA table semantics
 * with aria-rowcount/aria-rowindex tell screen readers the full size.
 */
export function VirtualTable<T>({
  label, rows, columns, rowKey, rowHeight, followEnd, rowClassName, empty, className,
}: VirtualTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const template = columns.map((c) => c.width).join(' ');

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (followEnd && el) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [followEnd, rows]);

  // Keep the window valid when the list shrinks (e.g. a filter) below the scroll position.
  const maxTop = Math.max(0, rows.length * rowHeight - viewport);
  const top = Math.min(scrollTop, maxTop);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + viewport) / rowHeight) + OVERSCAN);
  const visible = rows.slice(first, last);

  return (
    <div className={`vt${className ? ` ${className}` : ''}`} role="table" aria-label={label} aria-rowcount={rows.length + 1}>
      <div
        className="vt-scroll"
        ref={scroller}
        tabIndex={0}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="vt-head" role="rowgroup">
          <div className="vt-row vt-header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
            {columns.map((c) => (
              <div key={c.key} role="columnheader" className={c.className}>{c.header}</div>
            ))}
          </div>
        </div>
        {rows.length === 0 ? (
          <div className="vt-empty">{empty}</div>
        ) : (
          <div className="vt-body" role="rowgroup" style={{ height: rows.length * rowHeight }}>
            {visible.map((row, i) => {
              const index = first + i;
              const extra = rowClassName?.(row);
              return (
                <div
                  key={rowKey(row)}
                  role="row"
                  aria-rowindex={index + 2}
                  className={`vt-row${index % 2 ? ' vt-odd' : ''}${extra ? ` ${extra}` : ''}`}
                  style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${index * rowHeight}px)` }}
                >
                  {columns.map((c) => (
                    <div key={c.key} role="cell" className={c.className}>{c.render(row)}</div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
