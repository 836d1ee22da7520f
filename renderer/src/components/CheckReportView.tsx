import type { CheckReport } from '../api/types.js';
import { checkLabelText } from '../i18n/engine-text.js';
import { checkMark } from '../../../src/core/check-report.js';
import { useI18n } from '../i18n/index.js';

/**
 * The result of `connections.test`: one line per check, with what to fix where a check failed. Check names are
 * shown in the page's language (by check id; the engine's name is the tooltip); the engine's findings as sent.
 */
export function CheckReportView({ report }: { report: CheckReport }) {
  const { t } = useI18n();
  return (
    <div className={`report ${report.ok ? 'report-ok' : 'report-failed'}`}>
      <p className="report-summary">{report.ok ? t('check.ok') : t('check.failed')}</p>
      <ul className="report-list">
        {report.checks.map((c) => {
          const label = checkLabelText(report.target, c, t);
          return (
            <li key={c.id} className={!c.ok ? 'check-failed' : c.warning ? 'check-warn' : 'check-ok'} data-check={c.id}>
              <span className="check-icon" aria-hidden="true">{checkMark(c)}</span>
              <div>
                <strong title={label.detail}>{label.text}</strong>
                <span className="visually-hidden">{!c.ok ? ' – ✗' : c.warning ? ' – !' : ' – OK'}</span>
                <p>{c.message}</p>
                {(!c.ok || c.warning) && c.fix && <p className="check-fix">{t('check.fix', { fix: c.fix })}</p>}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
