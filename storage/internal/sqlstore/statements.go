package sqlstore

import (
	"slices"
	"sync"
)

// writerStatements are prepared once on the writer when Dialect.Prepare is
// set: every fixed statement a transaction, an outbox call or a timer call
// runs. A statement missing here still runs, parsed on every call, and is
// noted (see Unprepared); the tests assert that the hot paths note none.
// Left out on purpose: the alert-group lock (a dialect statement, empty
// where statements are prepared) and the bulk import's generated INSERTs.
var writerStatements = []string{
	qNextNumber, qCreateIncident, qLockIncident, qLockByChan, qIncidentCounts,
	qUnlinkChannel, qLinkChannel, qChannelOwner,
	qAddEntry, qAddAudit, qAddAuditA, qJoinAudit, qAddAction, qUpdateAction, qIncidentActions,
	qEnqueue, qEnqueueClaimed, qClaim, qClaimAny, qClaimLapsed, qClaimAnyLapsed, qComplete, qFinish, qSweep, qSweepAll, qBuryCopy, qBuryNote, qBuryDelete, qSupersede, qRequeue, qFail, qRenew, qLeased,
	qReplayDead, qDropDead, qDeadIDs, qPurgeSeen, qPurgeDead, qPurgeTimers,
	qSaveMessage, qEditMessage, qMessageRow, qMessageBody, qPayCopy, qChannelKnown, qAddPlatform, qAddChannel, qClaimNewMessage, qHoldMessage, qClaimMessage, qMarkSeen, qCreateToken, qRevokeToken, qTouchToken, qSavePersonName,
	qInsertAlert, qAlertByKey, qAlertEpisodes, qResolveAlert, qAlertGroup, qSaveGroup, qAddSuppressed, qSilenceBase, qAddSilenceBase,
	qCreateWindow, qWindowByName, qLockWindow, qEndWindow, qActiveWindows,
	qClaimWindowStart, qClaimWindowEnd,
	qSetTimer, qCancelTimers, qClaimTimer, qFireTimer,
	qClaimSlot, qSavePostmortem, qCountIncidents, qAdvanceCounter, qLockDraftIn, qPostmortem,
	qLockPostmortem, qDraftMessages, qUnpackMessage, qReplacePostmortem,
	qBudgetEnsure, qBudgetLock, qBudgetWrite, qBudgetPrune, qBudgetTake,
	qSavepoint, qRelease, qRollbackTo,
}

func init() { writerStatements = append(writerStatements, qUpdateIncidentSets[:]...) }

// readerStatements are prepared on the reader pool when Dialect.Prepare is
// set (database/sql prepares each on a connection when it first runs
// there): the reads every command, card or API call makes.
var readerStatements = []string{
	qIncident, qIncidentByChan, qMessageByRef, qMessageBody, qTokenByHash, qTimeline, qPostmortem, qTimers, qBudgetRead, qBudgetCheck,
}

// unprepared notes the fixed statements the writer ran without a prepared
// statement although the dialect prepares them.
type unprepared struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (u *unprepared) note(q string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	u.seen[q] = true
}

// Unprepared lists the statements the writer has run unprepared since Open
// although its dialect prepares statements (none on a dialect that does
// not): each is parsed again on every call, so each is a statement missing
// from the prepared set. For tests.
func (s *Store) Unprepared() []string {
	s.unprep.mu.Lock()
	defer s.unprep.mu.Unlock()
	out := make([]string, 0, len(s.unprep.seen))
	for q := range s.unprep.seen {
		out = append(out, q)
	}
	slices.Sort(out)
	return out
}
