package sqlstore

// writerStatements are prepared once on the writer when Dialect.Prepare is
// set: everything a transaction or an outbox call runs.
var writerStatements = []string{
	qNextNumber, qCreateIncident, qUpdateIncident, qLockIncident,
	qUnlinkChannel, qLinkChannel, qChannelOwner,
	qAddEntry, qAddAudit, qAddAction, qUpdateAction, qIncidentActions,
	qEnqueue, qClaim, qComplete, qBuryCopy, qBuryNote, qBuryDelete, qSupersede, qRequeue, qLeased,
	qSaveMessage, qMarkSeen,
	qInsertAlert, qAlertByKey, qResolveAlert, qAlertGroup, qSaveGroup, qAddSuppressed,
	qCreateWindow, qWindowByName, qLockWindow, qEndWindow, qActiveWindows,
}
