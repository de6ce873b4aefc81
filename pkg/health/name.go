package health

// NameRule says what a check name may be, in words for error messages: a
// name becomes a route segment (/health/checks/{name}), a metric dimension
// and part of an alarm's name.
const NameRule = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"

// ValidName reports whether name follows NameRule. (A loop, not a regular
// expression: package regexp alone is a tenth of a small server's binary.)
func ValidName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
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
