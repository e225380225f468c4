package discord

// Submission is submission, for the fuzz target: the command text a
// decoded modal submission stands for.
var Submission = submission
