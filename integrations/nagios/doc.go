// Package nagios receives Nagios and Icinga 1 notifications at
// POST /webhooks/nagios. Nagios has no webhook format of its own, so warroom
// defines the contract: a JSON object (or a form) whose keys are the
// notification's NAGIOS_* macro names lower-cased without the prefix
// (notificationtype, hostname, servicedesc, servicestate, serviceoutput,
// serviceproblemid, lastserviceproblemid, hostproblemid, timet, ...), all
// values strings, as deploy/nagios/warroom-notify sends them. Keys that start
// with "label_" become alert labels (label_service=checkout → service).
//
// An alert's identity is host + service + problem id: a RECOVERY carries the
// PROBLEM's id (serviceproblemid, or lastserviceproblemid when Nagios has
// already cleared it), so it resolves exactly the alert its PROBLEM raised,
// and re-notifications of one problem are duplicates.
//
// A notification does not say when its problem began as warroom needs it
// (a RECOVERY cannot know it), so alerts carry no start (a zero StartsAt):
// HandleAlerts dates a PROBLEM's alert when it receives it and lets a
// RECOVERY resolve the open episode of its problem. The start Nagios
// reports ($TIMET$ less the state's duration) is kept in the
// problem_started_at annotation.
//
// It may import the standard library, bot and integrations/internal.
package nagios
