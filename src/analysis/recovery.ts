// Whether recovery passed (pure): every ping answered, and every message judged answered.

import type { RecoveryResult } from '../model/report.js';

/** Did recovery pass? Connected, every ping answered, no problem, and every message answered when messages were judged. */
export function recoveryPassed(r: RecoveryResult): boolean {
  const messagesOk = r.messagesJudged === false || r.messagesAnswered === r.messagesSent;
  return r.connected && r.problems.length === 0 && r.pongsReceived === r.pingsSent && messagesOk;
}
