package config

import (
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// Access is the access section: who may do what in chat and the console,
// and what leaves warroom about private incidents. Every list names users
// as their platform does (a Slack or Discord user id, a console name); an
// empty or missing list allows everyone, as a single team works today.
//
//	access:
//	  declare: {sev1: [U0LEAD, U0SRE]}   # who may declare (or raise to) SEV1
//	  close: [U0LEAD]
//	  edit_times: [U0LEAD]               # the commander rule still applies
//	  maintenance: [U0OPS]
//	  see_private: [U0SEC]               # sees every private incident
//	  reveal_private_titles: false       # tickets and pages say "Private incident INC-42"
//	  local_user: ops-lead               # the console's user without sign-in
//
// Named API tokens (warroom token create) and dead letters are managed on
// the command line, by whoever can reach the database; in the API, by
// admin tokens.
type Access struct {
	Declare             map[bot.Severity][]string `yaml:"declare"`
	Close               []string                  `yaml:"close"`
	EditTimes           []string                  `yaml:"edit_times"`
	Maintenance         []string                  `yaml:"maintenance"`
	SeePrivate          []string                  `yaml:"see_private"`
	RevealPrivateTitles bool                      `yaml:"reveal_private_titles"`
	OIDC                OIDC                      `yaml:"oidc"`
	// LocalUser is who the console acts as without OIDC sign-in; "": the
	// name of the operating-system user running warroom.
	LocalUser string `yaml:"local_user" env:"WARROOM_LOCAL_USER"`
}

// OIDC is console sign-in with an OpenID Connect provider (Keycloak,
// Okta, Microsoft Entra ID, Google). With an issuer set, the console asks
// everyone to sign in, on any address; the callback is
// <public_url>/auth/callback.
//
//	access:
//	  oidc:
//	    issuer: https://login.example.com/realms/ops   # WARROOM_OIDC_ISSUER
//	    client_id: warroom                              # WARROOM_OIDC_CLIENT_ID
//	    claim: groups
//	    roles: {sre: responder, incident-leads: admin, staff: viewer}
//	    session: 12h
type OIDC struct {
	Issuer       string            `yaml:"issuer" env:"WARROOM_OIDC_ISSUER"`
	ClientID     string            `yaml:"client_id" env:"WARROOM_OIDC_CLIENT_ID"`
	ClientSecret Secret            `env:"WARROOM_OIDC_CLIENT_SECRET"`
	Claim        string            `yaml:"claim"`   // the claim whose values map to roles
	Roles        map[string]string `yaml:"roles"`   // claim value → viewer, responder or admin
	Session      time.Duration     `yaml:"session"` // how long a sign-in lasts
}

// DefaultOIDCSession is how long a console sign-in lasts unless configured.
const DefaultOIDCSession = 12 * time.Hour

func (o *OIDC) validate() []error {
	if o.Claim == "" {
		o.Claim = "groups"
	}
	if o.Session <= 0 {
		o.Session = DefaultOIDCSession
	}
	if o.Issuer == "" {
		return nil
	}
	var errs []error
	if o.ClientID == "" {
		errs = append(errs, errors.New("access.oidc: WARROOM_OIDC_CLIENT_ID is required with an issuer"))
	}
	if len(o.Roles) == 0 {
		errs = append(errs, errors.New("access.oidc.roles: map at least one claim value to a role, or nobody can sign in"))
	}
	for v, r := range o.Roles {
		if _, err := bot.ParseTokenRole(r); err != nil {
			errs = append(errs, fmt.Errorf("access.oidc.roles.%s: %s", v, bot.ErrorMessage(err)))
		}
	}
	if err := checkURL(o.Issuer); err != nil {
		errs = append(errs, fmt.Errorf("access.oidc.issuer: %w", err))
	}
	return errs
}
