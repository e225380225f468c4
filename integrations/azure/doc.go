// Package azure receives Azure Monitor alerts in the common alert schema
// (schemaId azureMonitorCommonAlertSchema) at POST /webhooks/azure, sent by
// an action group's webhook action with "Enable the common alert schema" on.
//
// An alert's identity is essentials.alertId, its start firedDateTime (the
// same in the Fired and the Resolved notification), so Resolved resolves
// exactly what Fired raised. Severity: Sev0 → critical (SEV2 by the
// default route, bot.SeverityFromLabel; route azure_severity=Sev0 to SEV1
// to page harder), Sev1 → error (SEV3), Sev2 → warning, Sev3 and Sev4 →
// info (SEV4); the original is kept in the azure_severity label for
// routing rules.
//
// It may import the standard library, bot and integrations/internal.
package azure
