package health

// NameRule says what a check name may be, in words for error messages: a
// name becomes a route segment (/health/checks/{name}), a metric dimension
// and part of an alarm's name.
const NameRule = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"

// maxNameLen is NameRule's longest name.
const maxNameLen = 64

// ValidName reports whether name follows NameRule. It is a loop rather
// than a regular expression: the pattern's bounded repetition compiled at
// every cold start, in package init, whether or not a check was configured,
// and package regexp alone is a tenth of a small server's binary.
func ValidName(name string) bool {
	if name == "" || len(name) > maxNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}
