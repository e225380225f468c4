package webhook

// ReadBody is readBody, for the external tests.
var ReadBody = readBody
