package servicenow

import "github.com/warroom/warroom/bot"

// ShortDescription and Description expose the rendering to the external
// tests, which compare a record's final fields with the incident.
func ShortDescription(inc *bot.Incident) string { return shortDescription(inc) }

func (s *ServiceNow) Description(inc *bot.Incident) string { return s.description(inc) }
