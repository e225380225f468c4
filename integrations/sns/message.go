package sns

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Message types.
const (
	TypeNotification     = "Notification"
	TypeSubscriptionConf = "SubscriptionConfirmation"
	TypeUnsubscribeConf  = "UnsubscribeConfirmation"
)

// Message is one SNS HTTP(S) delivery.
type Message struct {
	Type             string  `json:"Type"`
	MessageID        string  `json:"MessageId"`
	Token            string  `json:"Token,omitempty"`
	TopicArn         string  `json:"TopicArn"`
	Subject          *string `json:"Subject,omitempty"`
	Message          string  `json:"Message"`
	SubscribeURL     string  `json:"SubscribeURL,omitempty"`
	UnsubscribeURL   string  `json:"UnsubscribeURL,omitempty"`
	Timestamp        string  `json:"Timestamp"`
	SignatureVersion string  `json:"SignatureVersion"`
	Signature        string  `json:"Signature"`
	SigningCertURL   string  `json:"SigningCertURL"`
}

// ParseMessage reads an SNS delivery body.
func ParseMessage(body []byte) (*Message, error) {
	var m Message
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("invalid SNS JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid SNS JSON: trailing data after the JSON object")
	}
	switch m.Type {
	case TypeNotification, TypeSubscriptionConf, TypeUnsubscribeConf:
	case "":
		return nil, errors.New("the SNS message has no Type")
	default:
		return nil, fmt.Errorf("SNS message Type %q is not Notification, SubscriptionConfirmation or UnsubscribeConfirmation", m.Type)
	}
	for name, v := range map[string]string{"MessageId": m.MessageID, "TopicArn": m.TopicArn, "Timestamp": m.Timestamp,
		"Signature": m.Signature, "SigningCertURL": m.SigningCertURL, "SignatureVersion": m.SignatureVersion} {
		if v == "" {
			return nil, fmt.Errorf("the SNS message has no %s", name)
		}
	}
	if m.Type != TypeNotification && (m.SubscribeURL == "" || m.Token == "") {
		return nil, fmt.Errorf("the SNS %s has no SubscribeURL or Token", m.Type)
	}
	return &m, nil
}

// StringToSign is the canonical text SNS signs: each present field as
// "Name\nValue\n", in the order AWS documents for the message type.
func (m *Message) StringToSign() string {
	var b strings.Builder
	add := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('\n')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	add("Message", m.Message)
	add("MessageId", m.MessageID)
	if m.Type == TypeNotification {
		if m.Subject != nil {
			add("Subject", *m.Subject)
		}
		add("Timestamp", m.Timestamp)
		add("TopicArn", m.TopicArn)
		add("Type", m.Type)
		return b.String()
	}
	add("SubscribeURL", m.SubscribeURL)
	add("Timestamp", m.Timestamp)
	add("Token", m.Token)
	add("TopicArn", m.TopicArn)
	add("Type", m.Type)
	return b.String()
}

// regionOf returns the region of a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME).
func regionOf(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[3] == "" || parts[5] == "" {
		return "", fmt.Errorf("TopicArn %q is not an SNS topic ARN", arn)
	}
	return parts[3], nil
}
