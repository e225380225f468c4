// Package sns receives AWS SNS deliveries at POST /webhooks/sns, CloudWatch
// alarms above all. SNS authenticates by signature, not the webhook token:
// every message's signature (SignatureVersion 1 SHA1withRSA, 2
// SHA256withRSA, over the canonical string of its fields) is verified with
// the certificate at SigningCertURL, fetched only over https from
// sns.<region>.amazonaws.com (or .amazonaws.com.cn) for the region of the
// message's topic, and cached. Only topics listed in SNS_TOPIC_ARNS are
// accepted; their SubscriptionConfirmation is confirmed automatically by
// fetching SubscribeURL (validated the same way).
//
// A Notification's Message is read as CloudWatch alarm JSON: ALARM fires
// and OK resolves the alert keyed by the alarm's ARN; INSUFFICIENT_DATA
// changes nothing.
//
// It may import the standard library, bot and integrations/internal.
package sns
