package health

import "regexp"

// NameRule says what a check name may be, in words for error messages: a
// name becomes a route segment (/health/checks/{name}), a metric dimension
// and part of an alarm's name.
const NameRule = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"

// namePattern is NameRule as a pattern.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidName reports whether name follows NameRule.
func ValidName(name string) bool { return namePattern.MatchString(name) }
